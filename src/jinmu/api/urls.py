"""API URLs: /api/v1/… endpoints of every app, the schema and its docs."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jinmu.api.views import ObtainTokenView

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("jinmu.enterprises.api.urls")),
    path("", include("jinmu.chains.api.urls")),
    path("", include("jinmu.projects.api.urls")),
    path("", include("jinmu.problems.api")),
    path("", include("jinmu.targets.api")),
    path("", include("jinmu.targets.api_targets")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

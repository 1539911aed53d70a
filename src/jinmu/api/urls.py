"""API URLs: /api/v1/… endpoints of every app, the schema and its docs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jinmu.api.views import ObtainTokenView, TokenDetailView, TokenListView

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("", include("jinmu.enterprises.api.urls")),
    path("", include("jinmu.chains.api.urls")),
    path("", include("jinmu.projects.api.urls")),
    path("", include("jinmu.problems.api")),
    path("", include("jinmu.targets.api")),
    path("", include("jinmu.targets.api_targets")),
]


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is a separate file (no inline script or style: CSP)."""

    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("v1/", include(v1)),
    # Both need a signed-in user (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the schema also
    # takes a token, the docs page sends anonymous browsers to the login page.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        login_required(SwaggerDocsView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

"""URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("jinmu.core.urls")),
    path("enterprises/", include("jinmu.enterprises.urls")),
    path("chains/", include("jinmu.chains.urls")),
    path("projects/", include("jinmu.projects.urls")),
    path("problems/", include("jinmu.problems.urls")),
    path("targets/", include("jinmu.targets.urls")),
    path("organisation/", include("jinmu.organisation.urls")),
    path("api/", include("jinmu.api.urls")),
    path("django-admin/", admin.site.urls),
]

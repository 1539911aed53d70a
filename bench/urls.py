"""The application's URLs plus a bare template view: the baseline measured in the same run."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from jinmu.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """Render a small template with no queries: what Django itself costs on this machine."""
    return render(request, "bench/bare.html", {"rows": range(50)})


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]

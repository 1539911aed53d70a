"""The bare page: 50 rows from one indexed query of 300,000, rendered by a template."""

from __future__ import annotations

import random

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from bench.http_bare.models import Row

ROWS = 300_000


def bare(request: HttpRequest) -> HttpResponse:
    """Fifty rows from a random place of the code index (so no two requests read alike)."""
    start = f"R{random.randrange(ROWS - 50):07d}"
    rows = Row.objects.filter(code__gte=start).order_by("code")[:50]
    return render(request, "bare/rows.html", {"rows": rows, "start": start})


urlpatterns = [path("bench/bare/", bare)]

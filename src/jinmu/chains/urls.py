"""Page URLs of the chains app."""

from __future__ import annotations

from django.urls import path

app_name = "chains"
urlpatterns: list = []

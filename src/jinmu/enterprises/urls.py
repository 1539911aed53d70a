"""Page URLs of the enterprises app."""

from __future__ import annotations

from django.urls import path

app_name = "enterprises"
urlpatterns: list = []

"""Core URLs: home, sign-in, sign-out, audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from jinmu.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit_log"),
]

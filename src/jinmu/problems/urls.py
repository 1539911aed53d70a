"""Page URLs of the problem pool."""

from __future__ import annotations

from django.urls import URLPattern, path

from jinmu.problems import views

app_name = "problems"
urlpatterns: list[URLPattern] = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_create, name="create"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/claim/", views.problem_claim, name="claim"),
    path("<int:pk>/resolve/", views.problem_resolve, name="resolve"),
]

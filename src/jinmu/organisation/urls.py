"""Organisation URLs: users, units, regions and their imports."""

from __future__ import annotations

from django.urls import path

from jinmu.organisation import views, views_import, views_roles

app_name = "organisation"

urlpatterns = [
    path("", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/remove/", views.unit_remove, name="unit_remove"),
    path("regions/", views.region_list, name="regions"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/import/", views_import.region_import, name="region_import"),
    path("regions/<str:code>/", views.region_edit, name="region_edit"),
    path("roles/", views_roles.role_permissions, name="roles"),
    path("import/", views_import.org_import, name="import"),
    path("import/template/<str:kind>/", views_import.download_template, name="template"),
]

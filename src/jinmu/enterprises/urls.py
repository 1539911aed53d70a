"""Page URLs of the enterprises app."""

from __future__ import annotations

from django.urls import path

from jinmu.enterprises import views, views_excel

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/figures/chart/", views.figures_chart_data, name="figures_chart"),
    # Excel doors: templates, import (with dry run), export of the filtered list.
    path("export.xlsx", views_excel.export_enterprises, name="export"),
    path("template/<str:kind>.xlsx", views_excel.download_template, name="template"),
    path("import/", views_excel.import_upload, name="import"),
]

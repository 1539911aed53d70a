"""Page URLs of the chains app."""

from __future__ import annotations

from django.urls import URLPattern, path

from jinmu.chains import views, views_edit

app_name = "chains"
urlpatterns: list[URLPattern] = [
    path("", views.chain_list, name="list"),
    path("new/", views_edit.chain_create, name="create"),
    path("office/", views.office_home, name="office_home"),
    path("gaps/", views.gap_list, name="gaps"),
    path("<int:pk>/", views.chain_detail, name="detail"),
    path("<int:pk>/edit/", views_edit.chain_edit, name="edit"),
    path("<int:pk>/map.json", views.map_data, name="map_data"),
    path("<int:pk>/nodes/new/", views_edit.node_create, name="node_create"),
    path("<int:pk>/partners/new/", views_edit.partner_create, name="partner_create"),
    path("nodes/<int:pk>/", views.node_detail, name="node"),
    path("nodes/<int:pk>/edit/", views_edit.node_edit, name="node_edit"),
    path("nodes/<int:pk>/delete/", views_edit.node_delete, name="node_delete"),
    path("nodes/<int:pk>/enterprises/new/", views_edit.link_create, name="link_create"),
    path("nodes/<int:pk>/bottlenecks/new/", views_edit.bottleneck_create, name="bottleneck_create"),
    path("links/<int:pk>/edit/", views_edit.link_edit, name="link_edit"),
    path("links/<int:pk>/delete/", views_edit.link_delete, name="link_delete"),
    path("partners/<int:pk>/edit/", views_edit.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/delete/", views_edit.partner_delete, name="partner_delete"),
    path("bottlenecks/<int:pk>/edit/", views_edit.bottleneck_edit, name="bottleneck_edit"),
    path("bottlenecks/<int:pk>/clear/", views_edit.bottleneck_clear, name="bottleneck_clear"),
    path("bottlenecks/<int:pk>/delete/", views_edit.bottleneck_delete, name="bottleneck_delete"),
]

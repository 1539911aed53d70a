"""Target pages: each views module owns its own routes."""

from __future__ import annotations

from jinmu.targets.views import board, detail, extract, settings

app_name = "targets"

urlpatterns = [
    *board.urlpatterns,
    *detail.urlpatterns,
    *extract.urlpatterns,
    *settings.urlpatterns,
]

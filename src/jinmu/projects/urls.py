"""Project pages: each views module owns its own routes."""

from __future__ import annotations

from jinmu.projects.views import (
    approvals,
    board,
    bulletin,
    excel,
    ledger,
    lists,
    plans,
    reports,
    settings,
)

app_name = "projects"

urlpatterns = [
    *ledger.urlpatterns,
    *board.urlpatterns,
    *plans.urlpatterns,
    *approvals.urlpatterns,
    *reports.urlpatterns,
    *bulletin.urlpatterns,
    *excel.urlpatterns,
    *lists.urlpatterns,
    *settings.urlpatterns,
]

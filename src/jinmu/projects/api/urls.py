"""API routes of the project ledger (each module registers its own)."""

from __future__ import annotations

from jinmu.projects.api import board, ledger, plans, reports

urlpatterns = [
    *board.urlpatterns,
    *ledger.urlpatterns,
    *plans.urlpatterns,
    *reports.urlpatterns,
]

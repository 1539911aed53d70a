"""API routes of the project ledger (each module registers its own)."""

from __future__ import annotations

from jinmu.projects.api import ledger, plans, reports

urlpatterns = [*ledger.urlpatterns, *plans.urlpatterns, *reports.urlpatterns]

"""Periodic and background jobs of the project ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _

from jinmu.core.background import Progress, background, start
from jinmu.core.background_imports import run_stored_import, start_stored_import
from jinmu.core.imports import ImportResult
from jinmu.core.jobs import Cadence, job
from jinmu.core.models import BackgroundTask, Region, User
from jinmu.projects import excel
from jinmu.projects.imports import import_projects, import_reports
from jinmu.projects.lights import refresh_lights_stats
from jinmu.projects.models import Project


@job(
    "refresh_lights",
    Cadence.DAILY,
    "Recompute every project light: time passing alone turns lights (a start falls due, a "
    "milestone slips, a report is missed).",
)
def refresh_lights(day: dt.date) -> str:
    """The nightly recomputation of every light as of the day."""
    stats = refresh_lights_stats(today=day)
    return f"{stats.processed} projects, {stats.changed} changed colour"


# Projects per batch when a county's lights are recomputed in the background: small enough for
# the progress bar to move, large enough that each batch's few queries stay cheap.
LIGHT_BATCH = 200


def start_county_lights(*, actor: User, county: Region) -> BackgroundTask:
    """Queue the recomputation of every light of a county; its page shows the progress."""
    return start(
        kind="projects.refresh_county_lights",
        actor=actor,
        region=county,
        label=_("Recomputing the lights of %(county)s") % {"county": county.name},
        arguments={"county_code": county.code},
        next_url=reverse("projects:settings"),
    )


@background("projects.refresh_county_lights")
def refresh_county_lights(*, progress: Progress, county_code: str) -> str:
    """Recompute the light of every project of a county (after its settings changed)."""
    ids = list(Project.objects.in_region(county_code).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for first in range(0, len(ids), LIGHT_BATCH):
        batch = ids[first : first + LIGHT_BATCH]
        changed += refresh_lights_stats(Project.objects.filter(pk__in=batch)).changed
        progress(first + len(batch), len(ids))
    return _("%(count)s lights recomputed, %(changed)s changed colour.") % {
        "count": len(ids),
        "changed": changed,
    }


def start_import(
    *, actor: User, mode: str, path: Path, file_name: str, week: str
) -> BackgroundTask:
    """Queue a confirmed ledger or report workbook (already checked) for the worker."""
    ledger = mode == excel.PROJECTS
    done_page = reverse("projects:list" if ledger else "projects:report_status")
    return start_stored_import(
        kind="projects.import_workbook",
        actor=actor,
        path=path,
        file_name=file_name,
        next_url=f"{done_page}?week={week}" if week and not ledger else done_page,
        arguments={"mode": mode, "week": week},
    )


@background("projects.import_workbook")
def import_workbook(
    *, progress: Progress, actor_id: int, mode: str, path: str, file_name: str, week: str
) -> str:
    """Import a confirmed ledger or report workbook as its uploader."""

    def importer(actor: User, file: Path) -> ImportResult:
        if mode == excel.PROJECTS:
            return import_projects(actor=actor, file=file, dry_run=False)
        return import_reports(actor=actor, file=file, dry_run=False, week=week or None)

    return run_stored_import(
        progress=progress, actor_id=actor_id, path=path, file_name=file_name, importer=importer
    )

"""Background jobs of the enterprise register: a large confirmed import runs in the worker."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from jinmu.core.background import Progress, background
from jinmu.core.background_imports import run_stored_import, start_stored_import
from jinmu.core.imports import ImportResult
from jinmu.core.models import BackgroundTask, User
from jinmu.enterprises import excel
from jinmu.enterprises.imports import import_annual_figures, import_enterprises

IMPORTERS = {excel.ENTERPRISES: import_enterprises, excel.FIGURES: import_annual_figures}


def start_import(*, actor: User, kind: str, path: Path, file_name: str) -> BackgroundTask:
    """Queue a confirmed enterprise or figures workbook (already checked) for the worker."""
    return start_stored_import(
        kind="enterprises.import_workbook",
        actor=actor,
        path=path,
        file_name=file_name,
        next_url=reverse("enterprises:list"),
        arguments={"sheet": kind},
    )


@background("enterprises.import_workbook")
def import_workbook(
    *, progress: Progress, actor_id: int, sheet: str, path: str, file_name: str
) -> str:
    """Import a confirmed enterprise or figures workbook as its uploader."""

    def importer(actor: User, file: Path) -> ImportResult:
        return IMPORTERS[sheet](actor=actor, rows_or_file=file, dry_run=False)

    return run_stored_import(
        progress=progress, actor_id=actor_id, path=path, file_name=file_name, importer=importer
    )

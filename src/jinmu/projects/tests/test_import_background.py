"""A large confirmed import runs in the worker: the page goes to the task's progress, the rows
are stored by the uploader, the audit says so, and the kept file is gone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from jinmu.conftest import World
from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog, BackgroundTask
from jinmu.projects import excel
from jinmu.projects.models import Project
from jinmu.projects.tasks import start_import
from jinmu.projects.tests.test_excel import client_for, edit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads under a temporary folder; every import of more than one row is 'large'."""
    settings.MEDIA_ROOT = tmp_path
    settings.JINMU_BACKGROUND_IMPORT_ROWS = 1
    return tmp_path


def _two_projects() -> bytes:
    content = excel.build_project_template()
    for row, name in ((2, "后台项目甲"), (3, "后台项目乙")):
        for header, value in (
            ("项目名称", name),
            ("项目类型", "技改"),
            ("总投资(万元)", 600),
            ("技改方向", "智能化"),
        ):
            content = edit(content, "项目台账", row, header, value)
    return content


def test_a_large_import_runs_in_the_background(world: World, media: Path) -> None:
    """Confirming goes to the progress page; the task imported both rows as the uploader."""
    client = client_for(world.user("industry"))
    preview = client.post(
        reverse("projects:import"), {"file": upload("大台账.xlsx", _two_projects())}
    )
    assert preview.status_code == 200
    done = client.post(
        reverse("projects:import"), {"token": preview.context["token"], "action": "confirm"}
    )
    task = BackgroundTask.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("background_task", args=[task.pk])
    assert task.status == BackgroundTask.Status.DONE, task.message
    assert task.next_url == reverse("projects:list")
    assert set(Project.objects.values_list("name", flat=True)) == {"后台项目甲", "后台项目乙"}
    entry = AuditLog.objects.filter(action=AuditAction.IMPORT, detail__background=True).get()
    assert entry.actor == world.user("industry")
    assert entry.detail["created"] == 2
    assert not list(media.rglob("*.xlsx"))  # neither the preview nor the queued copy is kept


def test_a_small_import_still_runs_at_once(world: World, media: Path, settings: Any) -> None:
    """Below the limit nothing is queued: the ledger opens with the rows already there."""
    settings.JINMU_BACKGROUND_IMPORT_ROWS = 1000
    client = client_for(world.user("industry"))
    preview = client.post(
        reverse("projects:import"), {"file": upload("台账.xlsx", _two_projects())}
    )
    done = client.post(
        reverse("projects:import"), {"token": preview.context["token"], "action": "confirm"}
    )
    assert done["Location"] == reverse("projects:list")
    assert not BackgroundTask.objects.exists()
    assert Project.objects.count() == 2


def test_a_workbook_that_no_longer_passes_fails_the_task_and_stores_nothing(
    world: World, media: Path
) -> None:
    """Checked rows can stop holding before the worker gets to them: the task fails with the
    rows' errors, nothing is stored, and the queued file is removed all the same."""
    content = edit(_two_projects(), "项目台账", 3, "总投资(万元)", -5)
    path = media / "queued.xlsx"
    path.write_bytes(content)
    task = start_import(
        actor=world.user("industry"),
        mode=excel.PROJECTS,
        path=path,
        file_name="大台账.xlsx",
        week="",
    )
    task.refresh_from_db()
    assert task.status == BackgroundTask.Status.FAILED
    assert "总投资" in task.message
    assert not Project.objects.exists()
    assert not path.exists()

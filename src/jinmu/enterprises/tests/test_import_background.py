"""A large confirmed enterprise import runs in the worker, as the uploader, with its progress
page; the kept file is removed and the audit says it ran in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinmu.conftest import World
from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog, BackgroundTask
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.excel_helpers import XLSX, enterprise_row, workbook

pytestmark = pytest.mark.django_db


def _confirm(client: Client, content: bytes) -> Any:
    upload = SimpleUploadedFile("大名录.xlsx", content, content_type=XLSX)
    preview = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    assert preview.status_code == 200
    return client.post(
        reverse("enterprises:import"), {"token": preview.context["token"], "action": "confirm"}
    )


def test_a_large_enterprise_import_goes_to_the_worker(
    world: World, client: Client, media: Path, settings: Any
) -> None:
    """Over the limit: the confirm goes to the progress page and the worker imports both."""
    settings.JINMU_BACKGROUND_IMPORT_ROWS = 1
    client.force_login(world.user("industry"))
    done = _confirm(client, workbook([enterprise_row(1), enterprise_row(2)]))
    task = BackgroundTask.objects.get()
    assert done["Location"] == reverse("background_task", args=[task.pk])
    assert task.status == BackgroundTask.Status.DONE, task.message
    assert task.next_url == reverse("enterprises:list")
    assert Enterprise.objects.count() == 2
    entry = AuditLog.objects.get(action=AuditAction.IMPORT, detail__background=True)
    assert (entry.actor, entry.detail["created"]) == (world.user("industry"), 2)
    assert not list(media.rglob("*.xlsx"))


def test_a_small_enterprise_import_stays_in_the_request(
    world: World, client: Client, media: Path
) -> None:
    """Under the limit nothing is queued: the list opens with the rows already there."""
    client.force_login(world.user("industry"))
    done = _confirm(client, workbook([enterprise_row(1), enterprise_row(2)]))
    assert done["Location"] == reverse("enterprises:list")
    assert not BackgroundTask.objects.exists()
    assert Enterprise.objects.count() == 2

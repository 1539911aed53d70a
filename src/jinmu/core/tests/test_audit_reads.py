"""Reads that matter are audited (issue 9): every export, every bulletin, plan, photo and
document download, and every import (its check and its confirmation) writes one audit row
with the page, its filters, the format and, where known, the number of rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.enterprises.tests.excel_helpers import XLSX, enterprise_row, workbook
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects import reporting
from jinmu.projects.models import Attachment, ReportPhoto, WeeklyReport
from jinmu.projects.tests.factories import MilestoneFactory, ProjectFactory
from jinmu.projects.tests.test_bulletin import county, pinned_today  # noqa: F401
from jinmu.projects.tests.test_reporting import jpeg
from jinmu.targets.tests.factories import TargetFactory


def _client(world: Any, persona: str = "industry") -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _only(action: str) -> AuditLog:
    rows = list(AuditLog.objects.filter(action=action))
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_enterprise_export_is_audited_with_filters_and_rows(world: Any) -> None:
    # given
    EnterpriseFactory(region=world.town_a)
    EnterpriseFactory(region=world.town_a)
    EnterpriseFactory(region=world.town_b)
    # when
    response = _client(world).get(reverse("enterprises:export"), {"town": world.town_a.code})
    # then
    assert response.status_code == 200
    row = _only(AuditAction.EXPORT)
    assert row.actor == world.user("industry")
    assert row.detail == {
        "path": reverse("enterprises:export"),
        "filters": {"town": world.town_a.code},
        "format": "xlsx",
        "rows": 2,
    }
    assert row.remote_addr == "127.0.0.1"


def test_project_export_is_audited(world: Any) -> None:
    ProjectFactory(region=world.town_a)
    response = _client(world).get(reverse("projects:export"))
    assert response.status_code == 200
    row = _only(AuditAction.EXPORT)
    assert (row.detail["path"], row.detail["rows"]) == (reverse("projects:export"), 1)


def test_report_week_workbook_is_audited(world: Any) -> None:
    ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    response = _client(world, "town_a").get(reverse("projects:report_template"))
    assert response.status_code == 200
    row = _only(AuditAction.EXPORT)
    assert row.detail["format"] == "xlsx"
    assert row.detail["week"]


def test_plan_workbook_is_audited_with_its_project(world: Any) -> None:
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    MilestoneFactory(project=project)
    response = _client(world).get(reverse("projects:plan_xlsx", args=[project.pk]))
    assert response.status_code == 200
    row = _only(AuditAction.EXPORT)
    assert (row.object_id, row.content_type.model) == (str(project.pk), "project")
    assert row.detail["rows"] == 1


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_bulletin_download_is_audited(
    world: Any,
    county: dict[str, Any],  # noqa: F811
    pinned_today: None,  # noqa: F811
    fmt: str,
) -> None:
    response = _client(world, "leader").get(
        reverse(f"projects:bulletin_{fmt}"), {"week": "2026-W47"}
    )
    assert response.status_code == 200
    row = _only(AuditAction.EXPORT)
    assert row.detail["format"] == fmt
    assert row.detail["filters"] == {"week": "2026-W47"}
    assert row.detail["week"] == "2026-W47"


def test_targets_export_is_audited(world: Any) -> None:
    target = TargetFactory(region=world.county, year=timezone.localdate().year)
    response = _client(world).get(reverse("targets:export"), {"year": target.year})
    assert response.status_code == 200
    assert _only(AuditAction.EXPORT).detail["year"] == target.year


def test_attachment_download_is_audited(world: Any, media: Path) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    attachment = Attachment(
        project=project, region_id=project.region_id, kind="other", title="意见"
    )
    attachment.file.save("意见.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    # when
    response = _client(world).get(reverse("projects:attachment", args=[attachment.pk]))
    # then
    assert response.status_code == 200
    row = _only(AuditAction.DOWNLOAD)
    assert (row.object_id, row.detail["format"]) == (str(attachment.pk), "pdf")


def _photo(world: Any) -> ReportPhoto:
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    reporting.submit_report(
        actor=world.user("town_a"),
        project=project,
        week=dt.date(2026, 11, 9),
        invested_this_week=Decimal("1"),
        progress_text="封顶",
        percent_complete=35,
        today=dt.date(2026, 11, 13),
    )
    report = WeeklyReport.objects.get(project=project)
    photo = ReportPhoto(report=report, region_id=report.region_id)
    photo.image.save("site.jpg", ContentFile(jpeg().read()), save=False)
    photo.save()
    return photo


def test_photo_download_is_audited_and_its_preview_is_not(world: Any, media: Path) -> None:
    # given
    photo = _photo(world)
    client = _client(world, "town_a")
    url = reverse("projects:report_photo", args=[photo.pk])
    # when
    assert client.get(url, {"size": "thumb"}).status_code == 200
    assert not AuditLog.objects.filter(action=AuditAction.DOWNLOAD).exists()
    assert client.get(url).status_code == 200
    # then
    row = _only(AuditAction.DOWNLOAD)
    assert (row.object_id, row.content_type.model) == (str(photo.pk), "reportphoto")


def test_photo_download_through_the_api_is_audited(world: Any, media: Path) -> None:
    from rest_framework.test import APIClient

    photo = _photo(world)
    api = APIClient()
    api.force_authenticate(world.user("town_a"))
    assert api.get(f"/api/v1/report-photos/{photo.pk}/file/").status_code == 200
    assert _only(AuditAction.DOWNLOAD).object_id == str(photo.pk)


def test_import_check_and_confirmation_are_each_audited(world: Any, media: Path) -> None:
    # given
    client = _client(world)
    upload = SimpleUploadedFile("名录.xlsx", workbook([enterprise_row(1)]), content_type=XLSX)
    # when checked (dry run)
    preview = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    # then
    check = _only(AuditAction.IMPORT)
    assert (check.detail["dry_run"], check.detail["file"], check.detail["rows"]) == (
        True,
        "名录.xlsx",
        1,
    )
    # when confirmed
    client.post(
        reverse("enterprises:import"), {"token": preview.context["token"], "action": "confirm"}
    )
    # then
    done = AuditLog.objects.filter(action=AuditAction.IMPORT).order_by("-id").first()
    assert done is not None
    assert (done.detail["dry_run"], done.detail["created"]) == (False, 1)


def test_a_refused_import_check_is_audited_too(world: Any, media: Path) -> None:
    client = _client(world)
    bad = enterprise_row(1, **{"统一社会信用代码": "not-a-code"})
    upload = SimpleUploadedFile("坏.xlsx", workbook([bad]), content_type=XLSX)
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    assert response.status_code == 422
    row = _only(AuditAction.IMPORT)
    assert row.detail["errors"] >= 1


def test_weekly_report_command_records_a_system_event(
    world: Any,
    county: dict[str, Any],  # noqa: F811
    pinned_today: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    call_command("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "b.docx"))
    row = _only(AuditAction.EXPORT)
    assert row.actor_name == "system"
    assert row.detail["week"] == "2026-W47"

"""What the weekly report tests share: the pinned days, a JPEG with EXIF, the fixtures (English
messages, a temporary media folder, a project in town A) and a short way to submit a report.

Test modules take the fixtures by assignment (`project = support.project`)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from jinmu.projects import photos, reporting
from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.tests.factories import ProjectFactory

TODAY = dt.date(2026, 11, 25)  # a Wednesday, in 2026-W48; reports are due on Fridays
W45, W46, W47, W48 = (dt.date(2026, 11, d) for d in (2, 9, 16, 23))
WAN = Decimal(10_000)


def jpeg(
    *,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
    name: str = "site.jpg",
) -> SimpleUploadedFile:
    """A small JPEG carrying DateTimeOriginal (and an offset) and a GPS position if given."""
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    if taken:
        exif_ifd = exif.get_ifd(photos.EXIF_IFD)
        exif_ifd[photos.TAG_DATETIME_ORIGINAL] = taken
        if offset:
            exif_ifd[photos.TAG_OFFSET_TIME_ORIGINAL] = offset
    if gps:
        lat, lon = gps

        def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            seconds = round((value - degrees - minutes / 60) * 3600 * 100)
            return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100)

        gps_ifd = exif.get_ifd(photos.GPS_IFD)
        gps_ifd[photos.GPS_LATITUDE_REF] = "N" if lat >= 0 else "S"
        gps_ifd[photos.GPS_LATITUDE] = dms(lat)
        gps_ifd[photos.GPS_LONGITUDE_REF] = "E" if lon >= 0 else "W"
        gps_ifd[photos.GPS_LONGITUDE] = dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Photos go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def project(world: Any) -> Project:
    """A county key project under construction in town A, run by the town."""
    return ProjectFactory(
        region=world.town_a, responsible_unit=world.town_a_unit, name="大曹镇健身器材产业园"
    )


def submit(
    world: Any,
    project: Project,
    week: dt.date | str,
    wan: str | None = "10",
    percent: int | None = 10,
    *,
    persona: str = "town_a",
    today: dt.date = TODAY,
    **kwargs: Any,
) -> WeeklyReport:
    """Submit a report with the investment given in 万元."""
    kwargs.setdefault("progress_text", "主体施工")
    return reporting.submit_report(
        actor=world.user(persona),
        project=project,
        week=week,
        invested_this_week=Decimal(wan) * WAN if wan is not None else None,
        percent_complete=percent,
        today=today,
        **kwargs,
    )


def refused(call: Any) -> dict[str, list[str]]:
    """The per-field messages of a refused report."""
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict

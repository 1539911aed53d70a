"""Weekly report photos: EXIF time and place, photos older than their week, thumbnails, and
which files are accepted as photos (by their bytes, never their name)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jinmu.projects import photos, reporting
from jinmu.projects.models import Project
from jinmu.projects.tests import reporting_support as support
from jinmu.projects.tests.reporting_support import W48, jpeg, submit

english = support.english
media = support.media
project = support.project


def test_exif_time_and_position_are_read() -> None:
    info = photos.read_exif(
        jpeg(taken="2026:11:20 09:30:00", offset="+08:00", gps=(37.6534, 116.7925))
    )
    assert info.taken_at == dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
    assert info.latitude == Decimal("37.653400")
    assert info.longitude == Decimal("116.792500")


def test_exif_time_without_offset_is_local_and_southern_western_positions_are_negative() -> None:
    info = photos.read_exif(jpeg(taken="2026:11:20 09:30:00", gps=(-33.8688, -70.6693)))
    assert info.taken_at == dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)  # Asia/Shanghai
    assert info.latitude == Decimal("-33.868800")
    assert info.longitude == Decimal("-70.669300")


def test_photo_without_exif_reads_as_unknown() -> None:
    assert photos.read_exif(jpeg()) == photos.PhotoInfo()


def test_photo_taken_before_the_week_is_flagged(world: Any, project: Project) -> None:
    # when W48 (from Monday 11-23) comes with an old and a fresh photo
    report = submit(
        world,
        project,
        W48,
        photos=[
            jpeg(taken="2026:11:20 16:00:00", gps=(37.65, 116.79), name="old.jpg"),
            jpeg(taken="2026:11:23 08:00:00", name="fresh.jpg"),
        ],
    )
    # then the EXIF time and place are stored and the old one is flagged
    old, fresh = report.photos.order_by("pk")
    assert old.predates_week
    assert not fresh.predates_week
    assert old.taken_at == dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    assert old.latitude == Decimal("37.650000")
    assert old.region_id == project.region_id
    assert old.image.name.startswith(f"projects/{project.pk}/20261123/")
    assert reporting.photo_warnings(report) == [
        "Photo 1 was taken on 2026-11-20, before week 2026-W48 began."
    ]


def test_thumbnail_is_a_small_jpeg() -> None:
    data = photos.thumbnail(jpeg())
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 320


def picture(image_format: str, name: str) -> SimpleUploadedFile:
    """A small picture in a format Pillow writes."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, image_format)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def script_gif(name: str = "x.html") -> SimpleUploadedFile:
    """A valid GIF whose comment block holds a script: a page, to a browser that sniffs."""
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF", comment=b"<script>alert(document.cookie)</script>")
    return SimpleUploadedFile(name, out.getvalue(), content_type="text/html")


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size (its pixels are never there): what a decompression bomb shows
    before it is decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_check_image_says_which_format_the_bytes_are(image_format: str) -> None:
    # The name says nothing: the bytes decide.
    assert photos.check_image(picture(image_format, "photo.txt")) == image_format


@pytest.mark.parametrize("image_format", ["BMP", "TIFF", "PPM"])
def test_other_picture_formats_are_refused(image_format: str) -> None:
    with pytest.raises(ValidationError) as info:
        photos.check_image(picture(image_format, "scan.jpg"))
    assert info.value.messages == [
        "“scan.jpg” is not a photo format we accept (JPEG, PNG, WebP, GIF)."
    ]


def test_a_gif_named_as_a_page_is_stored_as_a_gif_under_a_fresh_name(
    world: Any, project: Project
) -> None:
    # when a GIF carrying a script in a comment is uploaded as "x.html"
    report = submit(world, project, W48, photos=[script_gif("x.html"), jpeg(name="a.php")])
    # then it is stored as what its bytes are, under a random name: the upload's name is gone
    gif, photo = report.photos.order_by("pk")
    assert re.fullmatch(rf"projects/{project.pk}/20261123/[0-9a-f]{{32}}\.gif", gif.image.name)
    assert re.fullmatch(rf"projects/{project.pk}/20261123/[0-9a-f]{{32}}\.jpg", photo.image.name)


def test_pictures_with_too_many_pixels_are_refused_before_decoding(settings: Any) -> None:
    message = "“{}” has too many pixels: at most 40 megapixels are accepted."
    # Just above the limit (8000 x 5001 = 40,008,000 pixels), a real picture of 1 bit per pixel.
    out = io.BytesIO()
    Image.new("1", (8000, 5001)).save(out, "PNG")
    with pytest.raises(ValidationError) as info:
        photos.check_image(SimpleUploadedFile("wide.png", out.getvalue()))
    assert info.value.messages == [message.format("wide.png")]
    # A bomb that claims 60,000 x 60,000 pixels: Pillow itself refuses to open it.
    with pytest.raises(ValidationError) as info:
        photos.check_image(SimpleUploadedFile("bomb.png", png_header(60_000, 60_000)))
    assert info.value.messages == [message.format("bomb.png")]
    # The limit is a setting.
    settings.JINMU_PHOTO_MAX_PIXELS = 1_000
    with pytest.raises(ValidationError) as info:
        photos.check_image(jpeg(name="small.jpg"))  # 64 x 48 = 3,072 pixels
    assert info.value.messages == [
        "“small.jpg” has too many pixels: at most 0.001 megapixels are accepted."
    ]


def test_thumbnail_of_an_unreadable_or_oversized_file_is_a_clean_error() -> None:
    truncated = io.BytesIO(jpeg().read()[:200])
    with pytest.raises(photos.UnreadablePhoto):
        photos.thumbnail(truncated)
    with pytest.raises(photos.UnreadablePhoto):
        photos.thumbnail(io.BytesIO(png_header(60_000, 60_000)))
    with pytest.raises(photos.UnreadablePhoto):
        photos.thumbnail(io.BytesIO(png_header(8_000, 5_001)))
    assert issubclass(photos.UnreadablePhoto, OSError)

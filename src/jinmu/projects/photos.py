"""Site photos of weekly reports: check that an upload is an image, read the time and place
its camera recorded (EXIF), and make small previews.

A phone writes `DateTimeOriginal` (and often `OffsetTimeOriginal`) in the Exif IFD and the
position in the GPS IFD; a screenshot or an edited picture may have none of them, so every
value is optional. A time without an offset is taken as local time (the site's time zone).
"""

from __future__ import annotations

import datetime as dt
import io
import mimetypes
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_DATETIME = 0x0132  # IFD0 DateTime: when the file was last changed (fallback only)
TAG_DATETIME_ORIGINAL = 0x9003  # Exif DateTimeOriginal: when the picture was taken
TAG_OFFSET_TIME_ORIGINAL = 0x9011  # Exif OffsetTimeOriginal, e.g. "+08:00"
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4

# Formats a phone or camera produces; anything else is refused before it is stored.
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF", "GIF", "MPO"})
THUMB_SIZE = (320, 320)
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class PhotoInfo:
    """What a photo's EXIF says about when and where it was taken (None when absent)."""

    taken_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def max_photo_bytes() -> int:
    """The largest photo accepted (the site's upload limit)."""
    return int(getattr(settings, "JINMU_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _rewind(file: Any) -> None:
    seek = getattr(file, "seek", None)
    if callable(seek):
        seek(0)


def check_image(file: Any) -> None:
    """Refuse a file that is too large or is not a picture Pillow can read."""
    name = getattr(file, "name", "") or _("photo")
    size = getattr(file, "size", None)
    if size is not None and size > max_photo_bytes():
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": max_photo_bytes() // (1024 * 1024)},
            code="photo_size",
        )
    _rewind(file)
    try:
        with Image.open(file) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("“%(name)s” is not a picture.") % {"name": name}, code="photo_invalid"
        ) from exc
    finally:
        _rewind(file)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("“%(name)s” is not a photo format we accept (JPEG, PNG, WebP, HEIF).")
            % {"name": name},
            code="photo_format",
        )


def _parse_time(text: Any, offset: Any) -> dt.datetime | None:
    """EXIF 'YYYY:MM:DD HH:MM:SS' (+ optional '+08:00') as an aware datetime."""
    if not isinstance(text, str):
        return None
    try:
        # EXIF times carry no zone; the offset tag (or the site's zone) is applied below.
        naive = dt.datetime.strptime(  # noqa: DTZ007
            text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S"
        )
    except ValueError:
        return None
    match = _OFFSET.match(offset.strip().rstrip("\x00")) if isinstance(offset, str) else None
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return naive.replace(tzinfo=dt.timezone(sign * delta))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _degrees(value: Any, ref: Any, negative: str) -> Decimal | None:
    """Degrees, minutes, seconds (rationals) and a hemisphere letter as signed degrees."""
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, InvalidOperation, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip().upper().startswith(negative):
        result = -result
    return result.quantize(_SIX_PLACES)


def read_exif(file: IO[bytes] | Any) -> PhotoInfo:
    """The time (DateTimeOriginal, else DateTime) and GPS position recorded in a photo."""
    _rewind(file)
    try:
        with Image.open(file) as image:
            exif = image.getexif()
            exif_ifd = dict(exif.get_ifd(EXIF_IFD))
            gps = dict(exif.get_ifd(GPS_IFD))
            fallback_time = exif.get(TAG_DATETIME)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return PhotoInfo()
    finally:
        _rewind(file)
    taken_at = _parse_time(
        exif_ifd.get(TAG_DATETIME_ORIGINAL), exif_ifd.get(TAG_OFFSET_TIME_ORIGINAL)
    ) or _parse_time(fallback_time, None)
    latitude = longitude = None
    if GPS_LATITUDE in gps and GPS_LONGITUDE in gps:
        latitude = _degrees(gps[GPS_LATITUDE], gps.get(GPS_LATITUDE_REF), "S")
        longitude = _degrees(gps[GPS_LONGITUDE], gps.get(GPS_LONGITUDE_REF), "W")
        if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
            latitude = None
        if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
            longitude = None
        if latitude is None or longitude is None:
            latitude = longitude = None
    return PhotoInfo(taken_at=taken_at, latitude=latitude, longitude=longitude)


def predates_week(taken_at: dt.datetime | None, monday: dt.date) -> bool:
    """True when the photo was taken (local time) before the Monday of the report's week."""
    if taken_at is None:
        return False
    return timezone.localtime(taken_at).date() < monday


def content_type(name: str | None) -> str:
    """The MIME type to serve a stored photo with."""
    return mimetypes.guess_type(name or "")[0] or "application/octet-stream"


def thumbnail(file: IO[bytes] | Any, size: tuple[int, int] = THUMB_SIZE) -> bytes:
    """A small JPEG preview, turned upright as the camera recorded."""
    _rewind(file)
    with Image.open(file) as image:
        upright = ImageOps.exif_transpose(image) or image
        preview = upright.convert("RGB")
        preview.thumbnail(size)
        out = io.BytesIO()
        preview.save(out, "JPEG", quality=80)
    _rewind(file)
    return out.getvalue()

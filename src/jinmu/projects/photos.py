"""Site photos of weekly reports: check that an upload is an image, read the time and place
its camera recorded (EXIF), and make small previews.

Only what Pillow recognises in the bytes counts, never the uploaded name or the browser's
content type: a GIF with `<script>` in a comment, named `x.html`, is still a GIF. The format
found decides the stored name's extension (`FORMAT_EXTENSIONS`) and the content type the photo
is served with (`FORMAT_CONTENT_TYPES`); the views add `nosniff` and a `sandbox` policy so a
browser never runs a stored file as a page. Pictures larger than `max_photo_pixels()` are
refused before they are decoded (a small compressed file can expand to gigabytes).

A phone writes `DateTimeOriginal` (and often `OffsetTimeOriginal`) in the Exif IFD and the
position in the GPS IFD; a screenshot or an edited picture may have none of them, so every
value is optional. A time without an offset is taken as local time (the site's time zone).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_DATETIME = 0x0132  # IFD0 DateTime: when the file was last changed (fallback only)
TAG_DATETIME_ORIGINAL = 0x9003  # Exif DateTimeOriginal: when the picture was taken
TAG_OFFSET_TIME_ORIGINAL = 0x9011  # Exif OffsetTimeOriginal, e.g. "+08:00"
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4

# Formats accepted, as Pillow names them, with the extension a stored photo gets and the
# content type it is served with. MPO (a JPEG with a second picture, written by some cameras and
# phones) is a JPEG byte stream and is stored and served as one.
FORMAT_EXTENSIONS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
FORMAT_CONTENT_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_FORMAT_ALIASES = {"MPO": "JPEG"}
ALLOWED_FORMATS = frozenset(FORMAT_EXTENSIONS)
# About 7,700 x 5,200: more than any phone's usual photo, and a decoded picture of at most
# ~160 MB (RGBA), so a "decompression bomb" cannot exhaust the server's memory.
MAX_PHOTO_PIXELS = 40_000_000
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


def max_photo_pixels() -> int:
    """The most pixels (width x height) a photo may have."""
    return int(getattr(settings, "JINMU_PHOTO_MAX_PIXELS", MAX_PHOTO_PIXELS))


class UnreadablePhoto(OSError):
    """A stored photo that cannot be read, or is too large to decode safely."""


def _rewind(file: Any) -> None:
    seek = getattr(file, "seek", None)
    if callable(seek):
        seek(0)


def _normalised(image_format: str | None) -> str:
    """Pillow's format name, with MPO read as the JPEG it is."""
    name = (image_format or "").upper()
    return _FORMAT_ALIASES.get(name, name)


# Pillow's own errors for files it cannot read. DecompressionBombError is raised by
# `Image.open` for pictures far above Pillow's limit, before ours is even checked.
_PILLOW_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    Image.DecompressionBombError,
)


def _open(file: Any) -> Image.Image:
    """Open a picture lazily (nothing decoded yet), without Pillow's size warning: the caller
    checks the size against `max_photo_pixels` itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file)


def check_image(file: Any) -> str:
    """Refuse a file that is too large or is not a picture Pillow can read in an accepted
    format; return the format found in its bytes ("JPEG", "PNG", "WEBP" or "GIF")."""
    name = getattr(file, "name", "") or _("photo")
    size = getattr(file, "size", None)
    if size is not None and size > max_photo_bytes():
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": max_photo_bytes() // (1024 * 1024)},
            code="photo_size",
        )
    limit = max_photo_pixels()
    too_large = ValidationError(
        _("“%(name)s” has too many pixels: at most %(limit)s megapixels are accepted.")
        % {"name": name, "limit": f"{limit / 1_000_000:g}"},
        code="photo_pixels",
    )
    _rewind(file)
    try:
        with _open(file) as image:
            image_format = _normalised(image.format)
            width, height = image.size
            if width * height > limit:
                raise too_large
            image.verify()
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except _PILLOW_ERRORS as exc:
        raise ValidationError(
            _("“%(name)s” is not a picture.") % {"name": name}, code="photo_invalid"
        ) from exc
    finally:
        _rewind(file)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("“%(name)s” is not a photo format we accept (JPEG, PNG, WebP, GIF).")
            % {"name": name},
            code="photo_format",
        )
    return image_format


def stored_name(image_format: str) -> str:
    """A fresh file name for a photo of an accepted format: `<uuid4 hex>.<extension>` (the
    uploaded name is never kept: it may claim to be a page)."""
    return f"{uuid.uuid4().hex}.{FORMAT_EXTENSIONS[_normalised(image_format)]}"


def detect_format(file: Any) -> str | None:
    """The accepted format a stored photo's bytes are in; None when unreadable or another."""
    _rewind(file)
    try:
        with _open(file) as image:
            image_format = _normalised(image.format)
    except _PILLOW_ERRORS:
        return None
    finally:
        _rewind(file)
    return image_format if image_format in ALLOWED_FORMATS else None


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
    if not result.is_finite():  # a 0/0 rational reads as NaN, which cannot be compared
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip().upper().startswith(negative):
        result = -result
    return result.quantize(_SIX_PLACES)


def read_exif(file: IO[bytes] | Any) -> PhotoInfo:
    """The time (DateTimeOriginal, else DateTime) and GPS position recorded in a photo."""
    _rewind(file)
    try:
        with _open(file) as image:
            exif = image.getexif()
            exif_ifd = dict(exif.get_ifd(EXIF_IFD))
            gps = dict(exif.get_ifd(GPS_IFD))
            fallback_time = exif.get(TAG_DATETIME)
    except _PILLOW_ERRORS:
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


def content_type(image_format: str) -> str:
    """The MIME type to serve a photo of an accepted format with (from `detect_format`)."""
    return FORMAT_CONTENT_TYPES[_normalised(image_format)]


def thumbnail(file: IO[bytes] | Any, size: tuple[int, int] = THUMB_SIZE) -> bytes:
    """A small JPEG preview, turned upright as the camera recorded.

    Raises `UnreadablePhoto` (an OSError) for a file Pillow cannot decode or one above
    `max_photo_pixels`, so a view can answer 404 instead of failing.
    """
    _rewind(file)
    try:
        with _open(file) as image:
            width, height = image.size
            if width * height > max_photo_pixels():
                raise UnreadablePhoto(f"{width} x {height} pixels is above the limit")
            # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is enough.
            image.draft("RGB", (size[0] * 2, size[1] * 2))
            upright = ImageOps.exif_transpose(image) or image
            preview = upright.convert("RGB")
            preview.thumbnail(size)
            out = io.BytesIO()
            preview.save(out, "JPEG", quality=80)
    except UnreadablePhoto:
        raise
    except _PILLOW_ERRORS as exc:
        raise UnreadablePhoto(str(exc)) from exc
    finally:
        _rewind(file)
    return out.getvalue()


def photo_response(image: FieldFile, *, thumb: bool = False) -> HttpResponseBase:
    """Serve a stored photo (or its JPEG preview) for the page and the API alike.

    The content type is that of the format found in the file's bytes, never guessed from its
    name; `nosniff` and a `sandbox` policy keep a browser from running it as a page even if
    opened directly. A missing or unreadable file, or one in a format not accepted, is a 404.
    """
    try:
        handle = image.open("rb")
    except (OSError, ValueError) as exc:  # missing file, or a row without one
        raise Http404 from exc
    response: HttpResponseBase
    if thumb:
        try:
            data = thumbnail(handle)
        except OSError as exc:
            raise Http404 from exc
        finally:
            handle.close()
        response = HttpResponse(data, content_type="image/jpeg")
    else:
        image_format = detect_format(handle)
        if image_format is None:
            handle.close()
            raise Http404
        response = FileResponse(handle, content_type=content_type(image_format))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response

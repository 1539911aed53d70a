"""Uploaded documents are judged by their content (magic bytes), not by their name: a program
renamed setup.pdf is refused, and so is a file whose first bytes do not match its extension.
Workbooks have their own, deeper check (`jinmu.core.uploads.check_xlsx`)."""

from __future__ import annotations

import os
from typing import Any

from django.utils.translation import gettext as _

from jinmu.core.uploads import OLE_MAGIC, ZIP_MAGIC, UploadError

_PDF_MAGIC = (b"%PDF",)
_OLE = (OLE_MAGIC,)
_ZIP = (ZIP_MAGIC, b"PK\x05\x06")
_JPEG = (b"\xff\xd8\xff",)
_PNG = (b"\x89PNG\r\n\x1a\n",)
# What a file of each extension starts with (its "magic bytes").
CONTENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": _PDF_MAGIC,
    ".ofd": _ZIP,  # GB/T 33190: a zip of XML parts
    ".doc": _OLE,
    ".xls": _OLE,
    ".ppt": _OLE,
    ".wps": _OLE + _ZIP,  # WPS writes either form
    ".et": _OLE + _ZIP,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": _PNG,
    ".zip": _ZIP,
    ".rar": (b"Rar!\x1a\x07",),
    ".7z": (b"7z\xbc\xaf\x27\x1c",),
}
# Programs, whatever their name says: Windows (MZ), Linux (ELF), macOS (Mach-O), Java classes
# and scripts with a #! line.
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)


def _head_of(upload: Any, size: int = 16) -> bytes:
    """The first bytes of an upload, leaving it rewound."""
    handle = getattr(upload, "file", upload)
    handle.seek(0)
    head = bytes(handle.read(size))
    handle.seek(0)
    return head


def check_document(upload: Any, *, name: str | None = None) -> str:
    """Refuse an upload whose content is not what its extension says; returns the extension.

    The content decides, not the name: a program renamed setup.pdf is refused, and so is a
    file whose first bytes do not match its type. Only the extensions of
    `CONTENT_SIGNATURES` are known.
    """
    filename = name if name is not None else str(getattr(upload, "name", "") or "")
    extension = os.path.splitext(filename)[1].lower()
    head = _head_of(upload)
    if not head:
        raise UploadError(
            _("The file is empty. Choose the document and upload it again."), code="empty"
        )
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadError(
            _("This file is a program, not a document (whatever its name says), and was refused."),
            code="executable",
        )
    expected = CONTENT_SIGNATURES.get(extension)
    if expected is None:
        raise UploadError(
            _("Files of this type are not kept. Allowed: {types}.").format(
                types=" ".join(CONTENT_SIGNATURES)
            ),
            code="extension",
        )
    if not head.startswith(expected):
        raise UploadError(
            _(
                "The content of this file is not a {type} file, although its name ends in "
                "{type}. Save the document again in that format, or give it its real extension."
            ).format(type=extension),
            code="content_mismatch",
        )
    return extension


def check_text_upload(data: bytes) -> None:
    """Refuse a “text” upload that is a program or binary data (NUL bytes)."""
    if data.startswith(_EXECUTABLE_MAGIC[:-1]) or b"\x00" in data:
        raise UploadError(
            _("This file is not a text file (it holds binary data) and was refused."),
            code="binary",
        )

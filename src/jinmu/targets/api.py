"""API of target extraction: `POST /api/v1/targets/extract/` turns a policy text into drafts.

The body carries either `text` or an uploaded `file` (UTF-8 text or .docx). Only users with a
domain scope may call it. Mounted by `jinmu.api.urls` with
`path("", include("jinmu.targets.api"))`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.parsers import FormParser, JSONParser, MultiPartParser
from jinmu.core.documents import check_text_upload
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.uploads import UploadError
from jinmu.targets.extraction import extract

DOCX_MAGIC = b"PK\x03\x04"


class ExtractAccess(permissions.BasePermission):
    """Only roles with a domain scope may draft targets."""

    message = gettext_lazy("Your role has no access to target extraction.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Users without a scope (bank, judge, auditors) are refused."""
        return scope_for(request.user).kind is not ScopeKind.NONE


class TargetDraftSerializer(serializers.Serializer[dict[str, Any]]):
    """A target draft, in the form of `jinmu targets extract --format jsonl`."""

    indicator = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    bound = serializers.CharField()
    value_high = serializers.FloatField(allow_null=True)
    condition = serializers.CharField(allow_null=True)
    period = serializers.CharField(allow_null=True)
    sentence = serializers.CharField()


def _unreadable() -> ValidationError:
    """The refusal of a file that is neither text nor a Word document."""
    return ValidationError(
        {"file": [_("The file is neither UTF-8 text nor a readable Word (.docx) file.")]}
    )


def _docx_text(data: bytes) -> str:
    """The paragraphs and table cells of a .docx, refusing archives that unpack too large."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > settings.JINMU_UPLOAD_MAX_UNZIPPED_BYTES:
            raise ValidationError({"file": [_("The Word file unpacks to more than is allowed.")]})
        document = docx.Document(io.BytesIO(data))
    # A zip that is not a Word document fails in python-docx with a missing part (KeyError), a
    # wrong content type (ValueError) or broken XML (lxml's errors derive from SyntaxError).
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, SyntaxError, OSError) as error:
        raise _unreadable() from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("，".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def text_of_upload(upload: UploadedFile[bytes]) -> str:
    """The text of an uploaded file: UTF-8 text or .docx; empty or binary files are refused."""
    size = upload.size or 0
    if size > settings.JINMU_UPLOAD_MAX_BYTES:
        raise ValidationError({"file": [_("The file is too large.")]})
    data = upload.read()
    if not data.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    if data.startswith(DOCX_MAGIC):
        text = _docx_text(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise _unreadable() from error
        if "\x00" in text:
            raise _unreadable()
        try:
            check_text_upload(data)  # a program renamed .txt is refused by its content
        except UploadError as error:
            raise ValidationError({"file": error.messages}) from error
    if not text.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    return text


class ExtractView(APIView):
    """Draft targets from a policy text: the quantified goals it states, one object each."""

    permission_classes = [permissions.IsAuthenticated, ExtractAccess]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=inline_serializer(
            "TargetExtract",
            {
                "text": serializers.CharField(required=False),
                "file": serializers.FileField(required=False),
            },
        ),
        responses={200: TargetDraftSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        """Extract the goals of `text` or of the uploaded `file`."""
        upload = request.FILES.get("file")
        if upload is not None:
            text = text_of_upload(upload)
        else:
            data = request.data
            raw = data.get("text") if hasattr(data, "get") else None
            if not isinstance(raw, str) or not raw.strip():
                raise ValidationError({"text": [_("Give a policy text or upload a file.")]})
            text = raw
        goals = [goal.to_dict() for goal in extract(text)]
        # The drafts are plain JSON already; the serializer only documents them in the schema.
        return Response(goals, status=status.HTTP_200_OK)


urlpatterns = [
    path("targets/extract/", ExtractView.as_view(), name="api-targets-extract"),
]

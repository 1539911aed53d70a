"""`POST /api/v1/targets/extract/`: text or file in, drafts out; bad uploads refused; scoped."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

URL = "/api/v1/targets/extract/"


TEXT = "力争年内新增上云企业40家，实施总投资12.5亿元的9个重点项目。"


@pytest.fixture
def api() -> APIClient:
    """An API client without credentials."""
    return APIClient()


def as_user(api: APIClient, world: Any, persona: str) -> APIClient:
    """The client signed in as one of the world's personas."""
    api.force_authenticate(world.user(persona))
    return api


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document with the given paragraphs."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_text_gives_drafts_in_the_jsonl_form(api: APIClient, world: Any) -> None:
    response = as_user(api, world, "industry").post(URL, {"text": TEXT}, format="json")
    assert response.status_code == 200
    drafts = response.json()
    assert [(d["kind"], d["value"], d["unit"]) for d in drafts] == [
        ("increment", 40, "家"),
        ("total", 12.5, "亿元"),
        ("count", 9, "个"),
    ]
    assert set(drafts[0]) == {
        "indicator",
        "kind",
        "value",
        "unit",
        "bound",
        "value_high",
        "condition",
        "period",
        "sentence",
    }


def test_utf8_text_file(api: APIClient, world: Any) -> None:
    upload = SimpleUploadedFile("plan.txt", TEXT.encode("utf-8"), content_type="text/plain")
    response = as_user(api, world, "leader").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 200
    assert len(response.json()) == 3


def test_word_file(api: APIClient, world: Any) -> None:
    data = docx_bytes("工作要点", TEXT)
    upload = SimpleUploadedFile("plan.docx", data, content_type="application/octet-stream")
    response = as_user(api, world, "town_a").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 200
    assert [d["value"] for d in response.json()] == [40, 12.5, 9]


def test_text_without_goals_is_an_empty_list(api: APIClient, world: Any) -> None:
    response = as_user(api, world, "industry").post(
        URL, {"text": "优化营商环境，提升服务水平。"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == []


def test_empty_upload_is_refused(api: APIClient, world: Any) -> None:
    upload = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = as_user(api, world, "industry").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_binary_upload_is_refused(api: APIClient, world: Any) -> None:
    upload = SimpleUploadedFile("x.bin", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", content_type="image/png")
    response = as_user(api, world, "industry").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_broken_word_file_is_refused(api: APIClient, world: Any) -> None:
    upload = SimpleUploadedFile("x.docx", b"PK\x03\x04broken", content_type="application/zip")
    response = as_user(api, world, "industry").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400


def test_a_zip_that_is_not_a_word_file_is_refused(api: APIClient, world: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "新增企业5家")
    upload = SimpleUploadedFile("x.docx", buffer.getvalue(), content_type="application/zip")
    response = as_user(api, world, "industry").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_neither_text_nor_file_is_refused(api: APIClient, world: Any) -> None:
    response = as_user(api, world, "industry").post(URL, {"text": "  "}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()


def test_messages_go_through_gettext(api: APIClient, world: Any) -> None:
    # The UI is Chinese; under the English msgids the message reads as written in the code.
    upload = SimpleUploadedFile("empty.txt", b"   ", content_type="text/plain")
    with translation.override("en"):
        response = as_user(api, world, "industry").post(URL, {"file": upload}, format="multipart")
    assert response.json()["file"] == ["The file is empty."]


def test_roles_without_a_scope_are_refused(api: APIClient, world: Any) -> None:
    response = as_user(api, world, "bank").post(URL, {"text": TEXT}, format="json")
    assert response.status_code == 403


def test_anonymous_is_refused(api: APIClient, world: Any) -> None:
    response = api.post(URL, {"text": TEXT}, format="json")
    assert response.status_code in (401, 403)

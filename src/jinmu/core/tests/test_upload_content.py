"""Uploads are checked by content, not by name; an oversized upload gets the size message
(issue 9: an MZ executable named setup.pdf was stored and served; over the limit the user read
"CSRF验证失败")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.core.documents import check_document, check_text_upload
from jinmu.core.uploads import UploadError
from jinmu.projects.models import Attachment
from jinmu.projects.tests.factories import ProjectFactory

MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.pdf", MZ, "executable"),
        ("setup.jpg", b"\x7fELF\x02\x01\x01", "executable"),
        ("report.pdf", b"PK\x03\x04 not a pdf", "content_mismatch"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "content_mismatch"),
        ("page.html", b"<script>", "extension"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_documents_are_judged_by_their_content(name: str, content: bytes, code: str) -> None:
    # when
    with pytest.raises(UploadError) as caught:
        check_document(SimpleUploadedFile(name, content))

    # then
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("意见.pdf", PDF),
        ("报告.docx", b"PK\x03\x04rest"),
        ("旧报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
        ("现场.jpg", b"\xff\xd8\xff\xe0rest"),
        ("图.PNG", b"\x89PNG\r\n\x1a\nrest"),
        ("资料.7z", b"7z\xbc\xaf\x27\x1crest"),
    ],
)
def test_real_documents_pass(name: str, content: bytes) -> None:
    # when / then
    assert check_document(SimpleUploadedFile(name, content)) == name[name.rindex(".") :].lower()


def test_a_program_named_setup_pdf_is_not_attached(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    # given
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory()
    client = Client()
    client.force_login(world.user("industry"))

    # when
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "other", "file": SimpleUploadedFile("setup.pdf", MZ)},
    )

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    assert not Attachment.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_program_as_policy_text_is_refused_in_the_api(world: Any) -> None:
    # given
    api = APIClient()
    api.force_authenticate(world.user("industry"))

    # when
    response = api.post(
        "/api/v1/targets/extract/",
        {"file": SimpleUploadedFile("policy.txt", b"MZ" + "到2026年增长8%".encode())},
        format="multipart",
    )

    # then
    assert response.status_code == 400
    assert response.json()["file"]


def test_text_with_nul_bytes_is_not_text() -> None:
    # when / then
    with pytest.raises(UploadError):
        check_text_upload("正文\x00".encode())
    check_text_upload("到2026年，规上工业增加值增长8%".encode())


def test_an_oversized_import_in_a_real_browser_gets_the_size_message_not_csrf(
    world: Any, settings: Any
) -> None:
    # given: a browser-like client (CSRF checked) sending the token in the form, as browsers do
    settings.JINMU_UPLOAD_MAX_BYTES = 1000
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("industry"))
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 200_000)

    # when
    response = client.post(
        reverse("enterprises:import"),
        {"csrfmiddlewaretoken": token, "kind": "enterprises", "file": upload},
    )

    # then
    assert response.status_code == 413
    html = response.content.decode()
    assert "CSRF verification failed" not in html
    assert "CSRF验证失败" not in html
    assert "0.2" in html  # the file's size in MB


def test_a_forged_small_post_still_fails_csrf(world: Any) -> None:
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("industry"))

    # when
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises"})

    # then
    assert response.status_code == 403


def test_an_api_body_over_the_memory_limit_is_a_413_with_the_size_message(
    world: Any, settings: Any
) -> None:
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = APIClient()
    api.force_authenticate(world.user("industry"))

    # when
    response = api.post(
        "/api/v1/targets/extract/", {"text": "到2026年增长8%。" * 400}, format="multipart"
    )

    # then
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]

"""The policy-text page: drafts reviewed with their sentence highlighted, then confirmed all or
nothing; bad input refused with a message on its field."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from jinmu.targets.models import Target

TEXT = "全年新增国家级高新技术企业30家以上，新增上云企业60家。"
# The second goal names nothing of the catalogue.
UNMATCHED = "全年新增国家级高新技术企业30家以上，新增绿色工厂5家。"


def _review(client: Client, text: str = TEXT, year: int = 2026) -> Any:
    """Post the text and return the review page."""
    response = client.post(reverse("targets:extract"), {"text": text, "year": year})
    assert response.status_code == 200, response.content.decode()
    return response


def _data(review: Any, **changes: Any) -> dict[str, Any]:
    """The review form as the browser would post it, with `changes` (field name of a row as
    "N-field"; a value of None leaves the field out, e.g. an unchecked checkbox)."""
    formset = review.context["formset"]
    data: dict[str, Any] = {"year": review.context["review"]["year"].value()}
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = value
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if name == "keep":
                value = "on" if value else None
            elif hasattr(value, "pk"):
                value = value.pk
            if value is not None:
                data[form.add_prefix(name)] = value
    for key, value in changes.items():
        full = f"{formset.prefix}-{key}"
        if value is None:
            data.pop(full, None)
        else:
            data[full] = value
    return data


def _confirm(client: Client, data: dict[str, Any]) -> Any:
    return client.post(reverse("targets:extract_confirm"), data)


@pytest.fixture
def industry(client: Client, world: Any) -> Client:
    client.force_login(world.user("industry"))
    return client


def test_the_form_defaults_to_this_year(industry: Client) -> None:
    page = industry.get(reverse("targets:extract"))
    assert page.status_code == 200
    assert page.context["form"]["year"].value() == timezone.localdate().year
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_review_shows_each_draft_highlighted_with_its_suggested_indicator(
    industry: Client,
) -> None:
    review = _review(industry)
    html = review.content.decode()
    forms = review.context["formset"].forms
    assert [form["name"].value() for form in forms] == ["国家级高新技术企业", "上云企业"]
    assert "全年新增国家级高新技术企业<mark>30家以上</mark>，新增上云企业60家。" in html
    assert "全年新增国家级高新技术企业30家以上，新增上云企业<mark>60家</mark>。" in html
    # The suggested indicator is selected, and every draft is kept by default.
    assert re.search(r'<option value="high-tech-new" selected>', html)
    assert re.search(r'<option value="cloud-new" selected>', html)
    assert all(form.kept for form in forms)
    assert not Target.objects.exists()


def test_the_sentence_is_escaped_around_the_mark(industry: Client) -> None:
    review = _review(industry, "全年新增<b>国家级高新技术企业</b>30家以上。")
    html = review.content.decode()
    assert "<b>国家级" not in html
    assert "&lt;b&gt;国家级高新技术企业&lt;/b&gt;<mark>30家以上</mark>。" in html


def test_confirming_creates_the_targets(industry: Client, world: Any) -> None:
    review = _review(industry)
    data = _data(
        review,
        **{
            "0-front": "innovation",
            "0-action": "brand",
            "0-responsible_unit": world.industry_office.pk,
            "1-value": "65",
        },
    )
    with translation.override("en"):
        response = _confirm(industry, data)
    assert response.status_code == 302
    assert response.url == reverse("targets:board")
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes == ["2 targets created for 2026."]
    targets = {t.indicator_id: t for t in Target.objects.all()}
    assert set(targets) == {"high-tech-new", "cloud-new"}
    high_tech = targets["high-tech-new"]
    assert (high_tech.value, high_tech.bound, high_tech.unit) == (Decimal(30), "at_least", "家")
    assert (high_tech.front, high_tech.action) == ("innovation", "brand")
    assert high_tech.responsible_unit == world.industry_office
    assert high_tech.region_id == world.county.code
    assert high_tech.year == 2026
    assert high_tech.name == "国家级高新技术企业"
    assert high_tech.source_sentence == TEXT
    assert targets["cloud-new"].value == Decimal(65)


def test_a_dropped_row_is_skipped(industry: Client) -> None:
    review = _review(industry)
    response = _confirm(industry, _data(review, **{"0-keep": None}))
    assert response.status_code == 302
    assert list(Target.objects.values_list("indicator_id", flat=True)) == ["cloud-new"]


def test_a_dropped_row_may_stay_unmatched(industry: Client) -> None:
    review = _review(industry, UNMATCHED)
    assert review.context["formset"].forms[1]["indicator"].value() is None
    response = _confirm(industry, _data(review, **{"1-keep": None}))
    assert response.status_code == 302
    assert Target.objects.get().indicator_id == "high-tech-new"


def test_dropping_every_row_stores_nothing(industry: Client) -> None:
    review = _review(industry)
    with translation.override("en"):
        response = _confirm(industry, _data(review, **{"0-keep": None, "1-keep": None}))
    assert response.status_code == 400
    assert "Every draft was dropped; no target was created." in response.content.decode()
    assert not Target.objects.exists()


def test_an_unmatched_indicator_left_blank_is_an_error_on_its_row(industry: Client) -> None:
    review = _review(industry, UNMATCHED)
    response = _confirm(industry, _data(review))
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert not forms[0].errors
    assert forms[1].errors["indicator"] == ["“绿色工厂”未匹配到指标目录中的指标，请手动选择。"]
    assert "“绿色工厂”未匹配到指标目录中的指标，请手动选择。" in response.content.decode()
    # The review keeps what the user wrote, highlight included.
    assert "新增绿色工厂<mark>5家</mark>" in response.content.decode()
    assert not Target.objects.exists()


def test_an_unmatched_indicator_can_be_chosen(industry: Client) -> None:
    review = _review(industry, UNMATCHED)
    response = _confirm(industry, _data(review, **{"1-indicator": "morning-star-new"}))
    assert response.status_code == 302
    assert Target.objects.filter(indicator_id="morning-star-new", value=5).exists()


def test_a_unit_that_does_not_fit_is_an_error_on_the_right_row(industry: Client) -> None:
    """The service counts kept rows only: its drafts.0 is the page's second row here."""
    review = _review(industry)
    data = _data(review, **{"0-keep": None, "1-unit": "亿元"})
    response = _confirm(industry, data)
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert not forms[0].errors
    assert forms[1].errors["unit"] == ["单位“亿元”与指标“新增上云企业”不符，该指标以“家”计。"]
    assert "单位“亿元”与指标“新增上云企业”不符" in response.content.decode()
    assert not Target.objects.exists()


def test_one_bad_row_stores_none_of_the_good_ones(industry: Client) -> None:
    review = _review(industry)
    response = _confirm(industry, _data(review, **{"1-unit": "亿元"}))
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["unit"]
    assert not Target.objects.exists()


def test_an_empty_text_is_refused(industry: Client) -> None:
    response = industry.post(reverse("targets:extract"), {"text": "  ", "year": 2026})
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == ["请提供政策文本或上传文件。"]
    assert "请提供政策文本或上传文件。" in response.content.decode()


def test_a_text_without_goals_is_refused(industry: Client) -> None:
    with translation.override("en"):
        response = industry.post(
            reverse("targets:extract"), {"text": "坚持创新驱动，推动高质量发展。", "year": 2026}
        )
    assert response.status_code == 400
    assert "No quantified goal" in response.context["form"].errors["text"][0]


def test_an_empty_upload_is_refused(industry: Client) -> None:
    upload = SimpleUploadedFile("empty.txt", b"   \n", content_type="text/plain")
    response = industry.post(reverse("targets:extract"), {"file": upload, "year": 2026})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["文件为空。"]


def test_a_zero_byte_upload_is_refused_on_the_file_only(industry: Client) -> None:
    upload = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = industry.post(reverse("targets:extract"), {"file": upload, "year": 2026})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["file"]
    assert "空" in errors["file"][0]


def test_a_binary_upload_is_refused(industry: Client) -> None:
    upload = SimpleUploadedFile("data.txt", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "text/plain")
    response = industry.post(reverse("targets:extract"), {"file": upload, "year": 2026})
    assert response.status_code == 400
    message = "该文件既不是 UTF-8 文本，也不是可读取的 Word（.docx）文件。"
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()


def test_a_text_upload_works(industry: Client) -> None:
    upload = SimpleUploadedFile("goals.txt", TEXT.encode(), content_type="text/plain")
    response = industry.post(reverse("targets:extract"), {"file": upload, "year": 2026})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2


def test_a_docx_upload_works(industry: Client) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、主要目标")
    document.add_paragraph("力争新增省级专精特新中小企业15家以上。")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile(
        "goals.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response = industry.post(reverse("targets:extract"), {"file": upload, "year": 2027})
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert [form["indicator"].value() for form in forms] == ["srdi-provincial-new"]
    assert "<mark>15家以上</mark>" in response.content.decode()
    confirmed = _confirm(industry, _data(response))
    assert confirmed.status_code == 302
    target = Target.objects.get()
    assert (target.year, target.value, target.indicator_id) == (2027, 15, "srdi-provincial-new")


def test_a_range_keeps_its_upper_value(industry: Client) -> None:
    review = _review(industry, "力争新增上云企业50—60家。")
    form = review.context["formset"].forms[0]
    assert (form["bound"].value(), form["value_high"].value()) == ("range", "60")
    assert _confirm(industry, _data(review)).status_code == 302
    target = Target.objects.get()
    assert (target.value, target.value_high) == (Decimal(50), Decimal(60))


def test_a_bad_year_is_refused(industry: Client) -> None:
    response = industry.post(reverse("targets:extract"), {"text": TEXT, "year": 1900})
    assert response.status_code == 400
    assert response.context["form"].errors["year"] == ["请输入2000年至2100年之间的年份。"]


@pytest.mark.parametrize("persona", ["town_a", "bank", "department", "chain", "enterprise"])
def test_others_are_refused(client: Client, world: Any, persona: str) -> None:
    client.force_login(world.user(persona))
    assert client.get(reverse("targets:extract")).status_code == 403
    assert client.post(reverse("targets:extract"), {"text": TEXT}).status_code == 403
    assert client.post(reverse("targets:extract_confirm"), {}).status_code == 403
    assert not Target.objects.exists()


def test_the_system_admin_may_extract(client: Client, world: Any) -> None:
    client.force_login(world.user("admin"))
    assert client.get(reverse("targets:extract")).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client: Client, world: Any) -> None:
    response = client.get(reverse("targets:extract"))
    assert response.status_code == 302
    assert "login" in response.url


def test_a_tampered_review_stores_nothing(industry: Client) -> None:
    review = _review(industry)
    data = _data(review, **{"TOTAL_FORMS": "5000", "0-span_start": "999", "0-span_end": "-3"})
    response = _confirm(industry, data)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()
    assert not Target.objects.exists()
    # A span that does not fit the sentence shows the sentence unmarked.
    del data["form-TOTAL_FORMS"]
    response = _confirm(industry, {**data, "form-TOTAL_FORMS": "2", "form-1-unit": "亿元"})
    assert response.status_code == 400
    assert f'<div class="draft-sentence">{TEXT}</div>' in response.content.decode()


def _goals(count: int) -> str:
    """A text of `count` goals (an even number), each matching the catalogue."""
    return "新增国家级高新技术企业30家，新增上云企业60家。" * (count // 2)


def _reads(queries: CaptureQueriesContext) -> list[str]:
    """The rows read (SELECTs), without a saved target's checks that its relations exist and
    without the audit chain's head, which each audit row reads (and locks) to chain itself."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT")
        and not query["sql"].startswith("SELECT 1 AS")
        and 'FROM "core_auditchainhead"' not in query["sql"]
    ]


def _reading(reads: list[str], table: str) -> list[str]:
    return [sql for sql in reads if f'FROM "{table}"' in sql]


def test_the_review_costs_as_many_queries_for_20_drafts_as_for_2(
    industry: Client, django_assert_max_num_queries: Any
) -> None:
    _review(industry, _goals(2))  # the session and caches warmed up
    with CaptureQueriesContext(connection) as two:
        _review(industry, _goals(2))
    with django_assert_max_num_queries(len(two)):
        review = _review(industry, _goals(20))
    forms = review.context["formset"].forms
    assert len(forms) == 20
    # Every row still offers the catalogue and the county's units, with its match selected.
    html = review.content.decode()
    assert html.count('<option value="high-tech-new" selected>') == 10
    assert html.count('<option value="cloud-new" selected>') == 10
    assert html.count("产业办</option>") == 20


def test_confirming_reads_indicators_and_units_once_however_many_drafts(
    industry: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    def confirm(count: int, *, most: int | None = None) -> CaptureQueriesContext:
        review = _review(industry, _goals(count))
        data = _data(
            review, **{f"{i}-responsible_unit": world.industry_office.pk for i in range(count)}
        )
        with CaptureQueriesContext(connection) as queries:
            if most is None:
                response = _confirm(industry, data)
            else:
                with django_assert_max_num_queries(most):
                    response = _confirm(industry, data)
        assert response.status_code == 302, response.content.decode()
        return queries

    confirm(2)  # the session and caches warmed up
    two = confirm(2)
    # What grows with the drafts is each target's own writing: its savepoints, the checks
    # that its relations exist, its row and its audit row.
    per_target = (len(two) - len(_reads(two))) // 2
    twenty = confirm(20, most=len(_reads(two)) + 20 * per_target)
    assert Target.objects.filter(responsible_unit=world.industry_office).count() == 24
    for queries in (two, twenty):
        reads = _reads(queries)
        # the catalogue (for the selects) and the drafts' indicators (in the service)
        assert len(_reading(reads, "targets_indicator")) <= 2
        assert len(_reading(reads, "core_unit")) <= 3
    assert len(_reads(twenty)) <= len(_reads(two))

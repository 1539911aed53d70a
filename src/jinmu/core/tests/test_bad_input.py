"""Bad input never 500s: control characters, out-of-range ids, numbers and dates (issue 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.core.validators import (
    strip_refused_characters,
    validate_date_range,
    validate_latitude,
    validate_longitude,
    validate_past_date,
    validate_text,
)
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory, make_uscc

HUGE = "99999999999999999999"  # beyond 2^64


def _jinmu_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("jinmu.")]


def _refusals(model: type[models.Model], field: models.Field[Any, Any], value: Any) -> list[str]:
    """The error codes of `field` when it holds `value` (other fields are not checked)."""
    instance = model()
    setattr(instance, field.attname, value)
    others = [f.name for f in model._meta.fields if f.name != field.name]
    try:
        instance.clean_fields(exclude=others)
    except ValidationError as exc:
        return [e.code or "" for e in exc.error_dict.get(field.name, [])]
    return []


def _text_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    return [
        (model, field)
        for model in _jinmu_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


# --- the validators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["名\x01称", "名\x0b称", "\x7f", "a\x85b", "\ufffe", "\uffff", "\ud800", "a\u202eb", "\x00"],
)
def test_control_characters_are_refused_even_in_multiline_text(text: str) -> None:
    # when / then
    with pytest.raises(ValidationError) as caught:
        validate_text(text, multiline=True)
    assert caught.value.code == "control_character"
    assert "U+" in caught.value.messages[0]


def test_tab_and_line_breaks_are_fine_in_multiline_text_only() -> None:
    # given
    text = "第一行\n第二行\r\n\t缩进"

    # when / then
    validate_text(text, multiline=True)
    with pytest.raises(ValidationError):
        validate_text(text, multiline=False)
    validate_text("宁津县 健身器材（有限）公司 — A&B · 50%", multiline=False)


def test_message_says_where_the_character_is_in_chinese() -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        validate_text("宁津\x01", multiline=False)

    # then
    assert "U+0001" in caught.value.messages[0]
    assert "第 3 个字符" in caught.value.messages[0]
    assert "控制字符" in caught.value.messages[0]


def test_stripping_keeps_line_breaks_and_drops_the_rest() -> None:
    # when / then
    assert strip_refused_characters("A\x01B\x0bC\nD\ufffe") == "ABC\nD"


def test_coordinates_and_dates_have_one_rule_each() -> None:
    # when / then
    for refused in (
        lambda: validate_latitude(91),
        lambda: validate_latitude(-90.5),
        lambda: validate_longitude(180.1),
        lambda: validate_date_range(dt.date(9999, 12, 31)),
        lambda: validate_date_range(dt.date(1899, 12, 31)),
        lambda: validate_past_date(dt.date.today() + dt.timedelta(days=1)),
        lambda: validate_past_date(dt.date(1850, 1, 1)),
    ):
        with pytest.raises(ValidationError):
            refused()
    validate_latitude(-90)
    validate_longitude(180)
    validate_date_range(dt.date(2100, 12, 31))
    validate_past_date(dt.date.today())


# --- every model field: one mechanism ------------------------------------------------------------


def test_there_are_text_fields_to_walk() -> None:
    # given / when
    fields = _text_fields()

    # then: the walk below covers every app, including users and regions
    labels = {model._meta.app_label for model, _field in fields}
    assert {"core", "enterprises", "chains", "projects", "problems", "targets"} <= labels
    assert len(fields) > 60


@pytest.mark.parametrize(
    ("model", "field"),
    _text_fields(),
    ids=lambda item: getattr(item, "__name__", None) or getattr(item, "name", ""),
)
def test_every_text_field_of_every_model_refuses_control_characters(
    model: type[models.Model], field: models.Field[Any, Any]
) -> None:
    # when
    codes = _refusals(model, field, "a\x01b")
    line_break = _refusals(model, field, "a\nb")

    # then: a field with choices refuses anything not a choice before the validators run
    if field.choices:
        assert codes == ["invalid_choice"]
        return
    assert "control_character" in codes
    if isinstance(field, models.TextField):
        assert "control_character" not in line_break
    else:
        assert "control_character" in line_break


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (model, field)
        for model in _jinmu_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    ],
    ids=lambda item: getattr(item, "__name__", None) or getattr(item, "name", ""),
)
def test_every_date_field_refuses_the_year_9999(
    model: type[models.Model], field: models.Field[Any, Any]
) -> None:
    # when
    codes = _refusals(model, field, dt.date(9999, 12, 31))

    # then: exactly one message (a founding date says "in the future", others "out of range")
    assert len(codes) == 1
    assert codes[0] in ("date_range", "future_date")


# --- ids and numbers out of range ---------------------------------------------------------------


def api_as(world: Any, persona: str) -> APIClient:
    """An API client signed in as a persona."""
    client = APIClient()
    client.force_authenticate(world.user(persona))
    return client


@pytest.mark.parametrize("value", ["1e20", HUGE, "-1", "abc", "1.5"])
def test_api_filter_with_an_id_out_of_range_is_a_400_with_a_message(world: Any, value: str) -> None:
    # given
    AnnualFiguresFactory(enterprise=EnterpriseFactory(region=world.town_a))
    api = api_as(world, "industry")

    # when
    figures = api.get("/api/v1/annual-figures/", {"enterprise": value})
    qualifications = api.get("/api/v1/qualifications/", {"enterprise": value})
    problems = api.get("/api/v1/problems/", {"project": value})

    # then
    for response in (figures, qualifications, problems):
        assert response.status_code == 400, response.content
        assert response.json()[next(iter(response.json()))][0]


def test_api_filter_with_a_year_beyond_64_bits_is_a_400(world: Any) -> None:
    # when
    response = api_as(world, "industry").get("/api/v1/annual-figures/", {"year": HUGE})

    # then
    assert response.status_code == 400
    assert "year" in response.json()


def test_lookups_through_foreign_keys_with_huge_ids_match_nothing(world: Any) -> None:
    # given
    figures = AnnualFiguresFactory(enterprise=EnterpriseFactory(region=world.town_a))
    huge = int(HUGE)

    # when / then: SQLite raised OverflowError here (a 500 wherever an id came from a request)
    assert not AnnualFigures.objects.filter(enterprise_id=huge).exists()
    assert not AnnualFigures.objects.filter(enterprise=huge).exists()
    assert not AnnualFigures.objects.filter(enterprise__in=[huge]).exists()
    assert list(Enterprise.objects.filter(pk__in=[huge, figures.enterprise_id])) == [
        figures.enterprise
    ]


def test_api_detail_with_a_huge_id_is_a_404(world: Any) -> None:
    # when
    response = api_as(world, "industry").get(f"/api/v1/enterprises/{HUGE}/")

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["1e20", HUGE])
def test_list_pages_with_huge_ids_in_filters_answer(world: Any, value: str) -> None:
    # given
    client = Client()
    client.force_login(world.user("industry"))

    # when
    projects = client.get(reverse("projects:list"), {"enterprise": value, "node": value})
    enterprises = client.get(reverse("enterprises:list"), {"chain": value, "node": value})

    # then
    assert projects.status_code in (200, 400)
    assert enterprises.status_code in (200, 400)


# --- control characters at the API door ---------------------------------------------------------


def test_api_refuses_a_control_character_in_a_name_field_by_field(world: Any) -> None:
    # given
    api = api_as(world, "industry")
    data = {
        "uscc": make_uscc(800001),
        "name": "宁津\x01健身器材有限公司",
        "region": world.town_a.code,
        "scale": "above",
    }

    # when
    response = api.post("/api/v1/enterprises/", data, format="json")

    # then
    assert response.status_code == 400
    assert "U+0001" in response.json()["name"][0]
    assert not Enterprise.objects.exists()


def test_api_refuses_a_line_break_in_a_single_line_field(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)

    # when
    response = api_as(world, "industry").patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"name": "宁津\n健身", "expected_version": enterprise.version},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert "name" in response.json()
    enterprise.refresh_from_db()
    assert "\n" not in enterprise.name


def test_api_refuses_control_characters_in_any_body_before_a_serializer_sees_it(
    world: Any,
) -> None:
    # given: a body for an operation whose serializer is not a model serializer
    api = api_as(world, "industry")

    # when
    response = api.post(
        "/api/v1/targets/extract/", {"text": "到2026年，规上工业增加值增长\x0b8%"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert "U+000B" in response.json()["text"][0]


def test_a_photo_position_of_zero_over_zero_is_unknown_not_a_crash() -> None:
    # given: EXIF rationals of 0/0 read as NaN, which cannot be compared with the range
    from jinmu.projects import photos

    # when / then
    assert photos._degrees((float("nan"), 0.0, 0.0), "N", "S") is None
    assert photos._degrees((float("inf"), 0.0, 0.0), "E", "W") is None


# --- every page with hostile query parameters ----------------------------------------------------

HOSTILE_QUERY = {
    "year": HUGE,
    "week": "9999-W99",
    "cursor": HUGE,
    "baseline": HUGE,
    "page_size": HUGE,
    "enterprise": "1e20",
    "project": HUGE,
    "node": HUGE,
    "chain": HUGE,
    "town": HUGE,
    "park": HUGE,
    "tag": HUGE,
    "responsible_unit": HUGE,
    "q": "名称' OR 1=1 --",
    "to": HUGE,
    "size": HUGE,
}


def _page_paths() -> list[str]:
    """Every page URL without arguments, and every one with integer arguments (huge ids)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    paths: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                paths.append(route)

    walk(get_resolver().url_patterns, "/")
    pages = []
    for route in paths:
        skipped = ("/api/", "/django-admin/", "/static/", "/media/", "/logout/")
        if route.startswith(skipped) or "^" in route:
            continue
        if "<" in route and any(c in route for c in ("<str:", "<slug:", "<path:", "<uuid:")):
            continue
        pages.append(route.replace("<int:pk>", HUGE).replace("<int:", "<").split("<")[0])
    return sorted(set(pages))


def test_every_page_answers_hostile_query_parameters_without_a_server_error(world: Any) -> None:
    # given
    client = Client(raise_request_exception=False)
    client.force_login(world.user("industry"))
    pages = _page_paths()
    assert len(pages) > 20

    # when: each page is read with the parameters, and sent them as a form
    answers = {}
    for page in pages:
        answers[f"GET {page}"] = client.get(page, HOSTILE_QUERY).status_code
        answers[f"POST {page}"] = client.post(page, HOSTILE_QUERY).status_code

    # then
    assert {page: code for page, code in answers.items() if code >= 500} == {}


@pytest.mark.parametrize("path", ["/projects/", "/enterprises/", "/api/v1/enterprises/"])
def test_control_characters_in_query_parameters_are_a_400(world: Any, path: str) -> None:
    # given: a NUL cannot even be sent to PostgreSQL (a 500 there before)
    client = Client()
    client.force_login(world.user("industry"))

    # when
    response = client.get(path, {"q": "名\x00称"})

    # then
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()

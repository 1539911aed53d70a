"""Every API list drawn by `FastListSerializer` (and the filter backend that skips an unnamed
filterset) gives the JSON plain DRF gives, byte for byte, on rows with nulls, decimals, dates,
times, choices, ids of related rows and method fields."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient, APIRequestFactory

from jinmu.api import rows
from jinmu.api.filters import NamedFilterBackend
from jinmu.api.views import TokenListView
from jinmu.chains.api.views import (
    BottleneckViewSet,
    ChainNodeViewSet,
    ChainPartnerViewSet,
    ChainViewSet,
)
from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    ChainPartnerFactory,
)
from jinmu.core.tokens import issue_token
from jinmu.enterprises.api.views import (
    AnnualFiguresViewSet,
    EnterpriseViewSet,
    QualificationViewSet,
)
from jinmu.enterprises.tests.factories import (
    AnnualFiguresFactory,
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.problems.api import ProblemViewSet
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.api.ledger import ProjectViewSet
from jinmu.projects.tests.factories import ProjectFactory, ReportFactory


def _view(view_class: Any, user: Any, query: str = "") -> Any:
    """A list view as DRF sets it up for a GET by `user`."""
    request = APIRequestFactory().get(f"/api/v1/x/{query}")
    request.user = user
    kwargs = {"action_map": {"get": "list"}} if hasattr(view_class, "get_extra_actions") else {}
    view = view_class(**kwargs)
    view.format_kwarg = None
    view.args, view.kwargs = (), {}
    view.request = view.initialize_request(request)
    view.request.user = user
    view.headers = {}
    return view


def _fast_and_plain(view_class: Any, user: Any, query: str = "") -> tuple[bytes, bytes, int]:
    """One page of the list as the view draws it and as plain DRF draws it (JSON bytes)."""
    view = _view(view_class, user, query)
    page = view.paginate_queryset(view.filter_queryset(view.get_queryset()))
    fast = view.get_serializer(page, many=True)
    assert isinstance(fast, rows.FastListSerializer)
    child = view.get_serializer_class()(context=view.get_serializer_context())
    plain = serializers.ListSerializer(child=child, instance=page)
    render = JSONRenderer().render
    return render(fast.data), render(plain.data), len(page)


def _assert_same(view_class: Any, user: Any, query: str = "", rows_expected: int = 2) -> bytes:
    fast, plain, count = _fast_and_plain(view_class, user, query)
    assert fast == plain
    assert count >= rows_expected
    return fast


@pytest.fixture
def industry(world: Any) -> Any:
    return world.user("industry")


def test_projects(world: Any, industry: Any) -> None:
    ProjectFactory(region=world.town_a, total_investment=Decimal("123456789.50"), park=world.park)
    ProjectFactory(region=world.town_b, light="red", light_override="red", total_investment=None)
    _assert_same(ProjectViewSet, industry)
    _assert_same(ProjectViewSet, industry, "?ordering=-total_investment")


def test_problems_with_and_without_related_rows(world: Any, industry: Any) -> None:
    # given: a problem from a report, of a project, an enterprise and a unit; and a bare one
    report = ReportFactory(project__region=world.town_a, week=dt.date(2026, 12, 28))
    enterprise = EnterpriseFactory()
    Problem.objects.create(
        region=world.town_a,
        project=report.project,
        report=report,
        enterprise=enterprise,
        owner_unit=world.town_a_unit,
        title="用电",
        source=ProblemSource.WEEKLY_REPORT,
        status=ProblemStatus.OPEN,
        raised_on=dt.date(2026, 11, 10),
        due_on=dt.date(2026, 11, 20),
    )
    Problem.objects.create(
        region=world.county,
        title="用地",
        source=ProblemSource.MANUAL,
        status=ProblemStatus.RESOLVED,
        raised_on=dt.date(2026, 11, 11),
        resolved_on=dt.date(2026, 11, 12),
    )

    # when
    shown = _assert_same(ProblemViewSet, industry)

    # then: the names and the week are those of the related rows (as `source=` read them)
    listed = {row["title"]: row for row in json.loads(shown)}
    full = listed["用电"]
    assert full["project_name"] == report.project.name
    assert full["enterprise_name"] == enterprise.name
    assert full["owner_unit_name"] == world.town_a_unit.name
    assert full["report_week"] == "2026-W53"
    bare = listed["用地"]
    assert [bare[k] for k in ("project_name", "enterprise_name", "owner_unit_name")] == [None] * 3
    assert bare["report_week"] is None


def test_problem_method_fields_read_the_request_they_serve(world: Any, industry: Any) -> None:
    # given: a problem due yesterday, listed once (its class's plan is kept)
    Problem.objects.create(
        region=world.county,
        title="逾期",
        source=ProblemSource.WEEKLY_REPORT,
        status=ProblemStatus.OPEN,
        raised_on=dt.date(2026, 1, 1),
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    _assert_same(ProblemViewSet, industry, rows_expected=1)

    # when: read as of a day before it was due
    view = _view(ProblemViewSet, industry)
    context = {**view.get_serializer_context(), "today": dt.date(2025, 1, 1)}
    data = view.get_serializer_class()(view.get_queryset(), many=True, context=context).data

    # then: the overdue flag follows that request's day
    assert [row["is_overdue"] for row in data] == [False]


def test_annual_figures(world: Any, industry: Any) -> None:
    AnnualFiguresFactory(year=2024, value_added=None)
    AnnualFiguresFactory(year=2025, total_profit=Decimal("-12.50"))
    _assert_same(AnnualFiguresViewSet, industry)
    _assert_same(AnnualFiguresViewSet, industry, "?year=2025", rows_expected=1)


def test_enterprises(world: Any, industry: Any) -> None:
    EnterpriseFactory(park=world.park, latitude=Decimal("37.6512345"), former_names=["旧名"])
    EnterpriseFactory(founded_on=dt.date(2001, 2, 3), contact_phone="")
    _assert_same(EnterpriseViewSet, industry)
    _assert_same(EnterpriseViewSet, industry, "?scale=below")


def test_qualifications(world: Any, industry: Any) -> None:
    QualificationFactory(valid_until=None)
    QualificationFactory(
        kind=QualificationKindFactory(code="srdi", name="专精特新"),
        valid_until=timezone.localdate() + dt.timedelta(days=10),
    )
    _assert_same(QualificationViewSet, industry)


def test_chains_nodes_partners_bottlenecks(world: Any, industry: Any) -> None:
    chain = ChainFactory(office=world.chain_office, weak_share_threshold=Decimal("0.300"))
    parent = ChainNodeFactory(chain=chain, local_demand=Decimal("1000000.00"))
    ChainNodeFactory(chain=chain, parent=parent, local_demand=None, kind="facility")
    ChainPartnerFactory(chain=chain, unit=world.industry_office)
    ChainPartnerFactory(chain=chain, unit=None, kind="finance")
    BottleneckFactory(node=parent, owner_unit=world.town_a_unit)
    BottleneckFactory(node=parent, owner_unit=None, status="cleared", cleared_on=dt.date.today())
    ChainFactory()
    _assert_same(ChainViewSet, industry)
    _assert_same(ChainNodeViewSet, industry)
    _assert_same(ChainNodeViewSet, industry, f"?chain={chain.pk}")
    _assert_same(ChainPartnerViewSet, industry)
    _assert_same(BottleneckViewSet, industry)


def test_tokens(world: Any, industry: Any) -> None:
    issue_token(user=industry, name="一")
    issue_token(user=industry)
    _assert_same(TokenListView, industry)


# --------------------------------------------------------------------------- filters


def test_an_unnamed_filterset_is_not_built_once_known_to_keep_every_row(
    world: Any, industry: Any, monkeypatch: Any
) -> None:
    # given: problems, one listed before (the class is known to keep every row unfiltered)
    for n in range(3):
        Problem.objects.create(
            region=world.county,
            title=f"问题{n}",
            source=ProblemSource.WEEKLY_REPORT,
            status=ProblemStatus.OPEN if n else ProblemStatus.RESOLVED,
            raised_on=dt.date(2026, 1, 1),
        )
    client = APIClient()
    client.force_authenticate(industry)
    everything = client.get("/api/v1/problems/").json()["results"]
    built: list[Any] = []
    original = NamedFilterBackend.get_filterset

    def spy(self: Any, *args: Any) -> Any:
        built.append(1)
        return original(self, *args)

    monkeypatch.setattr(NamedFilterBackend, "get_filterset", spy)

    # when / then: without a filter, nothing is built and every row is listed
    assert client.get("/api/v1/problems/?page_size=50").json()["results"] == everything
    assert built == []
    # a named filter is applied as before, and a bad value is still a 400
    open_ = client.get("/api/v1/problems/?status=open").json()["results"]
    assert len(open_) == 2
    assert len(everything) == 3
    assert client.get("/api/v1/problems/?owner_unit=999999").status_code == 400
    assert built


def test_a_query_naming_no_filter_lists_what_the_full_filterset_lists(
    world: Any, industry: Any
) -> None:
    ProjectFactory(region=world.town_a)
    ProjectFactory(region=world.town_b)
    for view_class in (ProjectViewSet, ProblemViewSet, AnnualFiguresViewSet, ChainNodeViewSet):
        view = _view(view_class, industry)
        skipped = view.filter_queryset(view.get_queryset())
        filterset = view.filterset_class(
            view.request.query_params, queryset=view.get_queryset(), request=view.request
        )
        assert filterset.is_valid()
        assert list(skipped.values_list("pk", flat=True).order_by("pk")) == list(
            filterset.qs.values_list("pk", flat=True).order_by("pk")
        )


# --------------------------------------------------------------------------- token


def test_a_token_call_reads_the_user_and_its_scope_in_one_query(world: Any) -> None:
    # given: a unit member's token
    user = world.user("town_a")
    _token, key = issue_token(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/auth/tokens/")  # last used: written at most once a minute

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/problems/")

    # then: the token (with user, unit and regions), the role permissions, the rows
    assert response.status_code == 200
    assert len(queries) == 3, [q["sql"][:80] for q in queries]


# --------------------------------------------------------------------------- decimals


@pytest.mark.parametrize(
    ("max_digits", "places"), [(16, 2), (18, 2), (4, 3), (9, 6), (None, 2), (20, 0)]
)
def test_decimals_are_shown_as_drf_shows_them(max_digits: int | None, places: int) -> None:
    field = serializers.DecimalField(max_digits=max_digits, decimal_places=places)
    show = rows._shower(field)
    values: list[Any] = [
        Decimal("0"),
        Decimal("-12.5"),
        Decimal("1.005"),
        Decimal("0.0049"),
        Decimal("123.456789"),
        Decimal("1E+2"),
        7,
        2.675,
        "3.14159",
    ]
    for value in values:
        assert _outcome(show, value) == _outcome(field.to_representation, value), value


def _outcome(show: Any, value: Any) -> Any:
    """What showing `value` gives, or the kind of error it raises (too many digits)."""
    try:
        return show(value)
    except ArithmeticError as error:
        return type(error)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_datetimes_are_shown_as_drf_shows_them(zone: str) -> None:
    values: list[Any] = [
        dt.datetime(2026, 12, 7, 21, 56, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        dt.datetime(2026, 12, 7, 21, 56),  # naive: made aware by the field
        "2026-12-07T21:56:00Z",
    ]
    with timezone.override(zone):
        field = serializers.DateTimeField()
        show = rows._shower(field)
        for value in values:
            assert show(value) == field.to_representation(value), value  # type: ignore[operator]
    own = serializers.DateTimeField(default_timezone=dt.UTC)
    assert rows._shower(own)(values[1]) == own.to_representation(values[1])  # type: ignore[operator]

"""The enterprise FilterSet: search (name, credit code, pinyin initials, former names), filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.enterprises.filtersets import EnterpriseFilterSet
from jinmu.enterprises.models import Enterprise, IndustryCode
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)


def filtered(user: Any, query: str) -> set[str]:
    """Names the FilterSet returns for `query`, as the page, API and export call it."""
    request = RequestFactory().get("/enterprises/?" + query)
    request.user = user
    filterset = EnterpriseFilterSet(
        QueryDict(query), queryset=Enterprise.objects.for_user(user), request=request
    )
    return set(filterset.qs.values_list("name", flat=True))


def industry(code: str, name: str, level: str) -> IndustryCode:
    """An industry code (the reference data may already hold it)."""
    row, _created = IndustryCode.objects.get_or_create(
        code=code, defaults={"name": name, "level": level}
    )
    return row


@pytest.fixture
def admin(world: Any) -> Any:
    """A region-wide user."""
    return world.user("admin")


def test_pinyin_initials_find_the_enterprise(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司")
    EnterpriseFactory(name="德州电梯有限公司")

    # when / then
    assert filtered(admin, "q=njjs") == {"宁津健身器材有限公司"}
    assert filtered(admin, "q=NJJS") == {"宁津健身器材有限公司"}
    # the trade name's initials, after the place name (宁津)
    assert filtered(admin, "q=jsqc") == {"宁津健身器材有限公司"}
    # initials from the middle of the name are not searched (that would scan every name)
    assert filtered(admin, "q=yxgs") == set()


def test_trade_name_initials_skip_the_place(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="宁津县华健体育器材有限公司")
    EnterpriseFactory(name="山东津力健身器材股份有限公司")
    EnterpriseFactory(name="德州安德实木家具有限责任公司")

    # when / then
    assert filtered(admin, "q=hjty") == {"宁津县华健体育器材有限公司"}
    assert filtered(admin, "q=jl") == {"山东津力健身器材股份有限公司"}
    assert filtered(admin, "q=adsm") == {"德州安德实木家具有限责任公司"}
    assert filtered(admin, "q=njx") == {"宁津县华健体育器材有限公司"}


def test_name_search_is_a_substring_match(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司")
    EnterpriseFactory(name="德州电梯有限公司")

    # when / then
    assert filtered(admin, "q=电梯") == {"德州电梯有限公司"}


def test_credit_code_matches_exactly_or_by_prefix(world: Any, admin: Any) -> None:
    # given
    first = EnterpriseFactory(name="甲公司")
    EnterpriseFactory(name="乙公司")

    # when / then
    assert filtered(admin, f"q={first.uscc}") == {"甲公司"}
    assert filtered(admin, f"q={first.uscc.lower()}") == {"甲公司"}
    assert "甲公司" in filtered(admin, f"q={first.uscc[:10]}")


def test_former_names_are_searched(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="新名字有限公司", former_names=["宁津老厂", "津城五金厂"])
    EnterpriseFactory(name="别的公司")

    # when / then
    assert filtered(admin, "q=老厂") == {"新名字有限公司"}
    assert filtered(admin, "q=五金厂") == {"新名字有限公司"}


def test_town_and_park_filters(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="甲公司", region=world.town_a)
    EnterpriseFactory(name="乙公司", region=world.town_b)
    EnterpriseFactory(name="丙公司", region=world.town_a, park=world.park)

    # when / then
    assert filtered(admin, f"town={world.town_a.code}") == {"甲公司", "丙公司"}
    assert filtered(admin, f"park={world.park.pk}") == {"丙公司"}


def test_a_town_outside_the_scope_is_not_a_valid_choice(world: Any) -> None:
    # given
    EnterpriseFactory(name="甲公司", region=world.town_a)
    user = world.user("town_a")
    request = RequestFactory().get("/")
    request.user = user

    # when
    filterset = EnterpriseFilterSet(
        QueryDict(f"town={world.town_b.code}"),
        queryset=Enterprise.objects.for_user(user),
        request=request,
    )

    # then: the choice is refused and nothing outside the scope appears
    assert not filterset.is_valid()
    assert "town" in filterset.errors
    assert [town.code for town in filterset.form.fields["town"].queryset] == [world.town_a.code]


def test_chain_and_node_filters(world: Any, admin: Any) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    other_node = ChainNodeFactory(chain=chain)
    EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(name="甲公司"))
    EnterpriseNodeFactory(node=other_node, enterprise=EnterpriseFactory(name="乙公司"))
    EnterpriseFactory(name="丙公司")

    # when / then
    assert filtered(admin, f"chain={chain.pk}") == {"甲公司", "乙公司"}
    assert filtered(admin, f"node={node.pk}") == {"甲公司"}


def test_scale_and_status_filters(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="规上公司", scale="above")
    EnterpriseFactory(name="规下公司", scale="below")
    EnterpriseFactory(name="注销公司", status="deregistered")

    # when / then
    assert filtered(admin, "scale=above") == {"规上公司"}
    assert filtered(admin, "status=deregistered") == {"注销公司"}


def test_qualification_filter_counts_only_valid_ones(world: Any, admin: Any) -> None:
    # given
    kind = QualificationKindFactory()
    today = dt.date.today()
    QualificationFactory(
        kind=kind,
        enterprise=EnterpriseFactory(name="有效公司"),
        granted_on=today - dt.timedelta(days=300),
        valid_until=today + dt.timedelta(days=30),
    )
    QualificationFactory(
        kind=kind,
        enterprise=EnterpriseFactory(name="过期公司"),
        granted_on=today - dt.timedelta(days=1200),
        valid_until=today - dt.timedelta(days=1),
    )

    # when / then
    assert filtered(admin, f"qualification={kind.code}") == {"有效公司"}


def test_industry_filter_matches_by_code_prefix(world: Any, admin: Any) -> None:
    # given
    industry("C", "制造业", "section")
    division = industry("C34", "通用设备制造业", "division")
    elevators = industry("C3435", "电梯、自动扶梯及升降机制造", "class")
    furniture = industry("C21", "家具制造业", "division")
    EnterpriseFactory(name="电梯公司", industry=elevators)
    EnterpriseFactory(name="通用设备公司", industry=division)
    EnterpriseFactory(name="家具公司", industry=furniture)

    # when / then
    assert filtered(admin, "industry=C34") == {"电梯公司", "通用设备公司"}
    assert filtered(admin, "industry=c3435") == {"电梯公司"}
    assert filtered(admin, "industry=C") == {"电梯公司", "通用设备公司", "家具公司"}


def _options(admin: Any, name: str) -> list[tuple[str, str]]:
    """The (value, text) options of the filter form's `name` select."""
    request = RequestFactory().get("/enterprises/")
    request.user = admin
    form = EnterpriseFilterSet(None, queryset=Enterprise.objects.none(), request=request).form
    return [(str(value), str(text)) for value, text in form.fields[name].widget.choices]


def test_reference_choices_are_cached_until_their_data_changes(
    world: Any, admin: Any, django_assert_num_queries: Any
) -> None:
    # given: the options read once
    kind = QualificationKindFactory(code="gazelle", name="瞪羚企业")
    industry("C34", "通用设备制造业", "division")
    assert ("C34", "C34 通用设备制造业") in _options(admin, "industry")
    assert (kind.code, "瞪羚企业") in _options(admin, "qualification")

    # when: read again, the reference data is not queried
    with django_assert_num_queries(0):
        industry_options = _options(admin, "industry")
    assert ("C34", "C34 通用设备制造业") in industry_options

    # when: a kind is renamed, another deactivated, a code added
    kind.name = "瞪羚企业（省级）"
    kind.save()
    QualificationKindFactory(code="retired", name="停用资质", is_active=False)
    industry("C35", "专用设备制造业", "division")

    # then: the options follow
    assert (kind.code, "瞪羚企业（省级）") in _options(admin, "qualification")
    assert "停用资质" not in {text for _value, text in _options(admin, "qualification")}
    assert ("C35", "C35 专用设备制造业") in _options(admin, "industry")


def test_filters_combine(world: Any, admin: Any) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司", region=world.town_a, scale="above")
    EnterpriseFactory(name="宁津健身器械有限公司", region=world.town_b, scale="above")

    # when / then
    assert filtered(admin, f"q=njjs&town={world.town_a.code}&scale=above") == {
        "宁津健身器材有限公司"
    }


def test_dense_initials_search_returns_the_same_rows(
    world: Any, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given names most of which start with the county's initials
    from jinmu.enterprises import filtersets

    for name in ("宁津县华健体育器材有限公司", "宁津县金曹机械有限公司", "德州安德家具有限公司"):
        EnterpriseFactory(name=name)
    sparse = filtered(admin, "q=njx")

    # when the same search is planned as a dense one (walk the sort order with LIKE)
    monkeypatch.setattr(filtersets, "DENSE_MATCHES", 0)
    dense = filtered(admin, "q=njx")

    # then both plans find the same enterprises
    assert sparse == dense == {"宁津县华健体育器材有限公司", "宁津县金曹机械有限公司"}
    assert filtered(admin, "q=NJX") == dense


def test_a_kept_select_reads_its_options_once_per_form(
    world: Any, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a filter form whose town select keeps its options
    from jinmu.core import options

    reads: list[object] = []
    remembered = options.remembered
    monkeypatch.setattr(
        options, "remembered", lambda *args: reads.append(args[0]) or remembered(*args)
    )
    request = RequestFactory().get("/enterprises/")
    request.user = admin
    form = EnterpriseFilterSet(None, queryset=Enterprise.objects.none(), request=request).form

    # when: the select is drawn (which passes over its options twice) and drawn again
    html = str(form["town"]) + str(form["town"])

    # then: its options were asked for once, and every town is on it
    assert len(reads) == 1
    assert html.count("<option") == 2 * len(list(form.fields["town"].widget.choices))

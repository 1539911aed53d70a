"""The attraction pipeline, the 一企一年一技改 coverage, the curated project lists and the
attraction panel: what each user sees, counts, filters and the list editing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.core.models import AuditLog
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects.choices import ProjectKind, ProjectStatus, Purpose
from jinmu.projects.models import LedgerSettings, Project, ProjectTag
from jinmu.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 20)
YI = Decimal("100000000")
WAN = Decimal("10000")


@pytest.fixture
def pinned(monkeypatch: Any) -> dt.date:
    """Pages think today is 20 March 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def attraction(world: Any, status: str, **fields: Any) -> Project:
    fields.setdefault("region", world.town_a)
    fields.setdefault("fixed_asset_investment", Decimal("0"))
    project: Project = ProjectFactory(
        kind=ProjectKind.ATTRACTION, level="", status=status, **fields
    )
    return project


def renovation(enterprise: Any, **fields: Any) -> Project:
    fields.setdefault("region", enterprise.region)
    fields.setdefault("total_investment", 800 * WAN)
    fields.setdefault("status", ProjectStatus.PREPARING)
    project: Project = ProjectFactory(
        kind=ProjectKind.RENOVATION, level="", enterprise=enterprise, **fields
    )
    return project


def card_html(html: str, name: str) -> str:
    """The piece of the page from the card of the project named `name` to the next card."""
    chunks = [c for c in html.split("project-card")[1:] if name in c]
    assert len(chunks) == 1
    return chunks[0]


def stage_counts(response: Any) -> dict[str, int]:
    return {column.status: column.count for column in response.context["stages"]}


# --- attraction pipeline ------------------------------------------------------------------------


def test_pipeline_counts_and_amounts_per_stage(client: Any, world: Any, pinned: dt.date) -> None:
    # given: two leads, one negotiation, one signed, one started, one terminated
    attraction(world, ProjectStatus.LEAD, name="线索甲", total_investment=2 * YI)
    attraction(world, ProjectStatus.LEAD, name="线索乙", total_investment=3 * YI)
    attraction(world, ProjectStatus.NEGOTIATING, name="在谈项目")
    attraction(world, ProjectStatus.SIGNED, name="签约项目")
    attraction(world, ProjectStatus.STARTED, name="开工项目", region=world.town_b)
    attraction(world, ProjectStatus.TERMINATED, name="终止项目", total_investment=YI)
    ProjectFactory(region=world.town_a, name="重点项目")
    client.force_login(world.user("industry"))
    # when
    response = client.get(reverse("projects:attraction"))
    # then
    assert response.status_code == 200
    counts = stage_counts(response)
    assert counts["lead"] == 2
    assert counts["negotiating"] == 1
    assert counts["signed"] == 1
    assert counts["started"] == 1
    assert counts["effective"] == 0
    assert "terminated" not in counts
    assert response.context["terminated"].count == 1
    lead_column = response.context["stages"][0]
    assert lead_column.amount == 5 * YI
    assert lead_column.share == 100
    html = response.content.decode()
    for name in ("线索甲", "线索乙", "在谈项目", "签约项目", "开工项目", "终止项目"):
        assert name in html
    assert "重点项目" not in html
    assert 'id="terminated-count">1<' in html


def test_pipeline_card_shows_badges_deadline_purpose_and_gap(
    client: Any, world: Any, pinned: dt.date
) -> None:
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    node = ChainNodeFactory(chain=chain, name="智能控制模块")
    attraction(
        world,
        ProjectStatus.LEAD,
        name="蓝光电梯补芯",
        investor="沈阳蓝光集团",
        origin_province="辽宁省",
        origin_city="沈阳市",
        total_investment=12 * YI,
        purpose=Purpose.FILL,
        chain=chain,
        node=node,
        lead_registered_on=D(2026, 3, 1),  # owner was due on the 2nd
    )
    attraction(
        world,
        ProjectStatus.LEAD,
        name="新线索",
        total_investment=YI,
        lead_registered_on=D(2026, 3, 20),
    )
    client.force_login(world.user("industry"))
    html = client.get(reverse("projects:attraction")).content.decode()
    card = card_html(html, "蓝光电梯补芯")
    assert "沈阳蓝光集团" in card
    assert "辽宁省沈阳市" in card
    assert _("Over 1bn") in card
    assert str(Purpose.FILL.label) in card
    assert "智能控制模块" in card
    assert reverse("chains:node", args=[node.pk]) in card
    assert 'data-state="overdue"' in card
    fresh = card_html(html, "新线索")
    assert 'data-state="due"' in fresh
    assert 'data-state="overdue"' not in fresh
    assert _("Over 100m") in fresh
    assert f'bg-purple-lt">{_("Over 1bn")}<' not in fresh
    assert 'id="summary-overdue">1<' in html


def test_pipeline_filters(client: Any, world: Any, pinned: dt.date) -> None:
    chain = ChainFactory(office=world.chain_office)
    attraction(
        world,
        ProjectStatus.LEAD,
        name="补链浙江",
        purpose=Purpose.FILL,
        origin_province="浙江省",
        chain=chain,
    )
    attraction(
        world,
        ProjectStatus.LEAD,
        name="强链江苏",
        purpose=Purpose.STRENGTHEN,
        origin_province="江苏省",
    )
    client.force_login(world.user("industry"))
    url = reverse("projects:attraction")
    by_purpose = client.get(url, {"purpose": Purpose.FILL}).content.decode()
    assert "补链浙江" in by_purpose
    assert "强链江苏" not in by_purpose
    by_province = client.get(url, {"province": "江苏省"}).content.decode()
    assert "强链江苏" in by_province
    assert "补链浙江" not in by_province
    by_chain = client.get(url, {"chain": chain.pk})
    assert stage_counts(by_chain)["lead"] == 1
    # A province nobody comes from is refused on the form, not silently ignored.
    bad = client.get(url, {"province": "火星"})
    assert bad.context["form"].errors["province"]


def test_pipeline_overdue_filter(client: Any, world: Any, pinned: dt.date) -> None:
    attraction(world, ProjectStatus.LEAD, name="逾期线索", lead_registered_on=D(2026, 2, 1))
    attraction(world, ProjectStatus.LEAD, name="按期线索", lead_registered_on=TODAY)
    client.force_login(world.user("industry"))
    html = client.get(reverse("projects:attraction"), {"overdue": "on"}).content.decode()
    assert "逾期线索" in html
    assert "按期线索" not in html


def test_pipeline_year_summary_uses_the_eligibility_rules(
    client: Any, world: Any, pinned: dt.date
) -> None:
    fixed = {"fixed_asset_investment": 6000 * WAN}
    signed_2026 = {"signed_on": D(2026, 2, 1)}
    attraction(world, ProjectStatus.STARTED, total_investment=YI, **fixed, **signed_2026)
    attraction(world, ProjectStatus.STARTED, total_investment=11 * YI, **fixed, **signed_2026)
    attraction(world, ProjectStatus.SIGNED, total_investment=15 * YI, **fixed, **signed_2026)
    # 过亿 in total, but fixed assets short: not a 过亿元 project under the rules
    attraction(world, ProjectStatus.STARTED, total_investment=2 * YI, **signed_2026)
    attraction(
        world, ProjectStatus.STARTED, total_investment=5 * YI, **fixed, signed_on=D(2025, 12, 31)
    )
    client.force_login(world.user("industry"))
    summary = client.get(reverse("projects:attraction")).context["summary"]
    assert summary["year"] == 2026
    assert summary["signed"] == 4
    assert summary["signed_amount"] == 29 * YI
    assert (summary["over_100m"], summary["over_1b"]) == (3, 2)
    assert (summary["counted"], summary["counted_over_1b"]) == (2, 1)
    last_year = client.get(reverse("projects:attraction"), {"year": 2025}).context["summary"]
    assert last_year["signed"] == 1
    assert last_year["counted"] == 1


def test_pipeline_scoping(client: Any, world: Any, pinned: dt.date) -> None:
    firm = EnterpriseFactory(region=world.town_a)
    attraction(world, ProjectStatus.LEAD, name="大曹线索")
    attraction(world, ProjectStatus.SIGNED, name="企业自己的项目", enterprise=firm)
    attraction(world, ProjectStatus.LEAD, name="保店线索", region=world.town_b)
    client.force_login(world.user("town_b"))
    html = client.get(reverse("projects:attraction")).content.decode()
    assert "保店线索" in html
    assert "大曹线索" not in html
    assert "企业自己的项目" not in html
    owner = world.user("enterprise")
    owner.enterprise = firm
    owner.save()
    client.force_login(owner)
    response = client.get(reverse("projects:attraction"))
    html = response.content.decode()
    assert "企业自己的项目" in html
    assert "大曹线索" not in html
    assert "保店线索" not in html
    assert sum(stage_counts(response).values()) == 1


def test_pipeline_queries_do_not_grow_with_projects(
    client: Any, world: Any, pinned: dt.date
) -> None:
    LedgerSettings.objects.create(region=world.town_b, lead_owner_days=2)
    client.force_login(world.user("industry"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("projects:attraction")).status_code == 200
        return len(context.captured_queries)

    for status in (ProjectStatus.LEAD, ProjectStatus.SIGNED, ProjectStatus.STARTED):
        attraction(world, status, lead_registered_on=D(2026, 3, 1), signed_on=D(2026, 3, 2))
    few = queries()
    for i in range(12):
        for status in (ProjectStatus.LEAD, ProjectStatus.SIGNED, ProjectStatus.STARTED):
            attraction(
                world,
                status,
                region=world.town_b if i % 2 else world.town_a,
                lead_registered_on=D(2026, 3, 1),
                signed_on=D(2026, 3, 2),
                lead_owner=world.user("industry"),
            )
    assert queries() == few


@pytest.mark.parametrize("persona", ["bank", "judge", "auditor"])
def test_pipeline_refused_without_a_scope(client: Any, world: Any, persona: str) -> None:
    client.force_login(world.user(persona))
    assert client.get(reverse("projects:attraction")).status_code == 403
    assert client.get(reverse("projects:renovation_coverage")).status_code == 403


# --- 一企一年一技改 -----------------------------------------------------------------------------


def coverage(client: Any, **params: Any) -> Any:
    params.setdefault("year", 2026)
    response = client.get(reverse("projects:renovation_coverage"), params)
    assert response.status_code == 200
    return response


def test_coverage_lists_firms_with_and_without_a_renovation(
    client: Any, world: Any, pinned: dt.date
) -> None:
    # given: four 规上 firms and one 规下
    without = EnterpriseFactory(region=world.town_a, scale="above", name="未技改企业")
    with_ = EnterpriseFactory(region=world.town_a, scale="above", name="已技改企业")
    last_year = EnterpriseFactory(region=world.town_b, scale="above", name="去年技改的企业")
    started = EnterpriseFactory(region=world.town_b, scale="above", name="实际开工在今年")
    small = EnterpriseFactory(region=world.town_a, scale="below", name="规下企业")
    renovation(with_, name="智能化改造项目", planned_start=D(2026, 5, 1))
    renovation(last_year, planned_start=D(2025, 6, 1))
    renovation(last_year, planned_start=D(2026, 2, 1), status=ProjectStatus.TERMINATED)
    # Planned for last year but actually started this year: belongs to this year.
    renovation(
        started,
        planned_start=D(2025, 11, 1),
        actual_start=D(2026, 1, 10),
        status=ProjectStatus.STARTED,
    )
    renovation(small, planned_start=D(2026, 5, 1))
    client.force_login(world.user("industry"))
    # when
    response = coverage(client)
    # then
    html = response.content.decode()
    context = response.context
    assert (context["total"], context["covered"], context["uncovered"]) == (4, 2, 2)
    assert context["coverage"] == Decimal("50.0")
    assert {e.pk for e in context["page"].rows} == {without.pk, last_year.pk}
    assert "未技改企业" in html
    assert "去年技改的企业" in html
    assert "已技改企业" not in html
    assert "规下企业" not in html
    covered = coverage(client, show="with").content.decode()
    assert "已技改企业" in covered
    assert "智能化改造项目" in covered
    assert "实际开工在今年" in covered
    assert "未技改企业" not in covered
    # In 2025 only the firm whose renovation started then is covered: the other one was planned
    # for 2025 but actually started in 2026.
    last = coverage(client, year=2025, show="with")
    assert last.context["covered"] == 1
    assert [e.pk for e in last.context["page"].rows] == [last_year.pk]


def test_coverage_counts_large_renovations(client: Any, world: Any, pinned: dt.date) -> None:
    firm = EnterpriseFactory(region=world.town_a, scale="above")
    renovation(firm, planned_start=D(2026, 4, 1), total_investment=500 * WAN)
    renovation(firm, planned_start=D(2026, 4, 1), total_investment=500 * WAN - Decimal("0.01"))
    renovation(firm, planned_start=D(2025, 4, 1), total_investment=900 * WAN)
    client.force_login(world.user("industry"))
    response = coverage(client)
    assert response.context["large_count"] == 1
    assert response.context["renovation_count"] == 2
    assert 'id="coverage-large">1 ' in response.content.decode()


def test_coverage_without_dates_uses_the_registration_year(client: Any, world: Any) -> None:
    firm = EnterpriseFactory(region=world.town_a, scale="above")
    renovation(firm)  # created now, no dates
    client.force_login(world.user("industry"))
    this_year = timezone.localdate().year
    assert coverage(client, year=this_year).context["covered"] == 1
    assert coverage(client, year=this_year - 1).context["covered"] == 0


def test_coverage_filters_by_town_and_chain(client: Any, world: Any, pinned: dt.date) -> None:
    chain = ChainFactory(office=world.chain_office)
    on_chain = EnterpriseFactory(region=world.town_a, scale="above", name="链上企业")
    EnterpriseNodeFactory(enterprise=on_chain, node=ChainNodeFactory(chain=chain))
    EnterpriseFactory(region=world.town_a, scale="above", name="大曹企业")
    EnterpriseFactory(region=world.town_b, scale="above", name="保店企业")
    client.force_login(world.user("industry"))
    town = coverage(client, town=world.town_b.code).content.decode()
    assert "保店企业" in town
    assert "大曹企业" not in town
    by_chain = coverage(client, chain=chain.pk).content.decode()
    assert "链上企业" in by_chain
    assert "大曹企业" not in by_chain
    assert "保店企业" not in by_chain


def test_coverage_scoping(client: Any, world: Any, pinned: dt.date) -> None:
    mine = EnterpriseFactory(region=world.town_a, scale="above", name="我的企业")
    EnterpriseFactory(region=world.town_a, scale="above", name="大曹其他企业")
    EnterpriseFactory(region=world.town_b, scale="above", name="保店企业")
    client.force_login(world.user("town_b"))
    response = coverage(client)
    html = response.content.decode()
    assert response.context["total"] == 1
    assert "保店企业" in html
    assert "大曹其他企业" not in html
    assert "我的企业" not in html
    owner = world.user("enterprise")
    owner.enterprise = mine
    owner.save()
    client.force_login(owner)
    response = coverage(client)
    html = response.content.decode()
    assert response.context["total"] == 1
    assert "我的企业" in html
    assert "大曹其他企业" not in html
    assert "保店企业" not in html


# --- project lists (tags) ---------------------------------------------------------------------


def test_tag_list_counts_only_visible_projects(client: Any, world: Any) -> None:
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    a = ProjectFactory(region=world.town_a, name="大曹重点")
    b = ProjectFactory(region=world.town_b, name="保店重点")
    a.tags.add(tag)
    b.tags.add(tag)
    client.force_login(world.user("industry"))
    listing = client.get(reverse("projects:tags"))
    assert [t.project_count for t in listing.context["tags"]] == [2]
    client.force_login(world.user("town_b"))
    listing = client.get(reverse("projects:tags"))
    assert "双十项目库" in listing.content.decode()
    assert [t.project_count for t in listing.context["tags"]] == [1]
    detail = client.get(reverse("projects:tag", args=[tag.pk])).content.decode()
    assert "保店重点" in detail
    assert "大曹重点" not in detail


def test_enterprise_users_do_not_read_lists(client: Any, world: Any) -> None:
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    client.force_login(world.user("enterprise"))
    assert client.get(reverse("projects:tags")).status_code == 403
    assert client.get(reverse("projects:tag", args=[tag.pk])).status_code == 404


def test_industry_office_creates_and_renames_a_list(client: Any, world: Any) -> None:
    client.force_login(world.user("industry"))
    response = client.post(
        reverse("projects:tag_create"), {"name": "双十项目库", "description": "县级双十"}
    )
    tag = ProjectTag.objects.get(name="双十项目库")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:tag", args=[tag.pk])
    assert tag.region_id == world.county.code
    assert AuditLog.objects.filter(object_id=str(tag.pk)).exists()
    response = client.post(reverse("projects:tag_edit", args=[tag.pk]), {"name": "双十库"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "双十库"


def test_list_names_are_unique_and_required(client: Any, world: Any) -> None:
    ProjectTag.objects.create(region=world.county, name="双十项目库")
    client.force_login(world.user("industry"))
    duplicate = client.post(reverse("projects:tag_create"), {"name": "双十项目库"})
    assert duplicate.status_code == 200
    assert _("A project list with this name already exists.") in duplicate.content.decode()
    empty = client.post(reverse("projects:tag_create"), {"name": ""})
    assert empty.context["form"].errors["name"]
    assert ProjectTag.objects.count() == 1


@pytest.mark.parametrize("persona", ["town_a", "chain", "leader"])
def test_only_the_industry_office_curates(client: Any, world: Any, persona: str) -> None:
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    project = ProjectFactory(region=world.town_a)
    client.force_login(world.user(persona))
    assert client.get(reverse("projects:tag_create")).status_code == 403
    assert (
        client.post(reverse("projects:tag_edit", args=[tag.pk]), {"name": "x"}).status_code == 403
    )
    add = client.post(reverse("projects:tag_add", args=[tag.pk]), {"project": project.pk})
    assert add.status_code == 403
    assert not project.tags.exists()
    assert "Rename" not in client.get(reverse("projects:tag", args=[tag.pk])).content.decode()


def test_add_and_remove_a_project(client: Any, world: Any) -> None:
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    other = ProjectTag.objects.create(region=world.county, name="省重点")
    project = ProjectFactory(region=world.town_a, name="金属制品产业园")
    project.tags.add(other)
    client.force_login(world.user("industry"))
    search = client.get(reverse("projects:tag", args=[tag.pk]), {"q": "金属"})
    assert [p.pk for p in search.context["candidates"]] == [project.pk]
    response = client.post(reverse("projects:tag_add", args=[tag.pk]), {"project": project.pk})
    assert response.status_code == 302
    assert set(project.tags.all()) == {tag, other}
    page = client.get(reverse("projects:tag", args=[tag.pk]))
    assert "金属制品产业园" in page.content.decode()
    assert page.context["count"] == 1
    client.post(reverse("projects:tag_remove", args=[tag.pk]), {"project": project.pk})
    assert set(project.tags.all()) == {other}


def test_adding_a_project_out_of_scope_is_404(client: Any, world: Any) -> None:
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    client.force_login(world.user("industry"))
    missing = client.post(reverse("projects:tag_add", args=[tag.pk]), {"project": 999999})
    assert missing.status_code == 404
    assert client.get(reverse("projects:tag_add", args=[tag.pk])).status_code == 405


# --- attraction panel ---------------------------------------------------------------------------


def render_panel(project: Project, today: dt.date) -> str:
    template = Template("{% load project_attraction %}{% attraction_panel project %}")
    return template.render(Context({"project": project, "today": today}))


def test_attraction_panel_shows_verdict_and_deadlines(world: Any) -> None:
    project = attraction(
        world,
        ProjectStatus.LEAD,
        total_investment=YI,
        fixed_asset_investment=5999 * WAN,
        lead_registered_on=D(2026, 3, 2),
        referrer="县商会",
    )
    html = render_panel(project, D(2026, 3, 4))
    assert "5,999.00" in html  # the fixed-asset reason
    assert _("No contract has been signed yet.") in html
    assert _("Name an owner") in html
    assert _("Tell the referrer") in html
    assert "bg-red-lt" in html  # the owner is a day overdue
    assert "2026-03-03" in html


def test_attraction_panel_is_empty_for_other_kinds(world: Any) -> None:
    assert render_panel(ProjectFactory(region=world.town_a), TODAY) == ""


@pytest.mark.parametrize("persona", ["bank", "judge", "auditor", "security"])
def test_the_ledger_is_refused_to_roles_that_may_not_read_it(
    client: Any, world: Any, persona: str
) -> None:
    # given a project in the county
    ProjectFactory(region=world.town_a, name="不该看到的项目")
    client.force_login(world.user(persona))
    # when / then: the page and the API refuse (no view_project among the role's permissions)
    page = client.get(reverse("projects:list"))
    assert page.status_code == 403
    assert "不该看到的项目" not in page.content.decode()
    assert client.get("/api/v1/projects/").status_code == 403

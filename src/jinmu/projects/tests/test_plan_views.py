"""Battle map pages: access, milestone forms, plan decisions, Excel, print, panels (the approvals
pages are in test_approval_views)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jinmu.core.tests.factories import UnitFactory
from jinmu.projects import planning
from jinmu.projects.choices import PlanState
from jinmu.projects.models import ApprovalItem, Baseline, Milestone, Project
from jinmu.projects.tests.factories import ApprovalFactory, MilestoneFactory, ProjectFactory

D = dt.date


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Pages and messages in the English msgids, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def project(world: Any) -> Project:
    """A project in 大曹镇 (town_a) with two milestones."""
    project = ProjectFactory(region=world.town_a, name="健身器材产业园项目")
    MilestoneFactory(
        project=project,
        name="土地摘牌",
        planned_start=D(2026, 1, 5),
        planned_end=D(2026, 1, 30),
        actual_start=D(2026, 1, 5),
        actual_end=D(2026, 2, 9),
        owner_unit=UnitFactory(name="自然资源局"),
        weight=Decimal("2"),
        sort_order=1,
    )
    MilestoneFactory(
        project=project,
        name="主体封顶",
        planned_start=D(2026, 2, 1),
        planned_end=D(2026, 8, 31),
        sort_order=2,
    )
    return project


def plan_url(project: Project) -> str:
    return reverse("projects:plan", args=[project.pk])


def approve(world: Any, project: Project) -> Baseline:
    return planning.approve_plan(actor=world.user("industry"), project=project)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("persona", ["town_a", "industry", "admin"])
def test_editors_see_the_chart_and_the_forms(
    client: Any, world: Any, project: Project, persona: str
) -> None:
    client.force_login(world.user(persona))
    response = client.get(plan_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="plan-gantt"' in body
    assert 'id="plan-gantt-print"' in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "jinmu/print.css" in body
    assert 'media="print"' in body
    assert reverse("projects:milestone_create", args=[project.pk]) in body
    assert "土地摘牌" in body
    assert "自然资源局" in body
    data = response.context["gantt"]
    assert [row["name"] for row in data["rows"]] == ["土地摘牌", "主体封顶"]
    first = data["rows"][0]
    assert first["plan"] == ["2026-01-05", "2026-01-30"]
    assert first["actual"] == ["2026-01-05", "2026-02-09"]
    assert first["baseline"] is None
    assert first["owner"] == "自然资源局"
    assert first["weight"] == "2"
    assert first["days_late"] == 10
    assert data["today"] == timezone.localdate().isoformat()
    # the chart data is in the page as JSON
    assert (
        json.loads(
            body.split('id="plan-gantt-data" type="application/json">')[1].split("</script>")[0]
        )["rows"][1]["name"]
        == "主体封顶"
    )


@pytest.mark.parametrize("persona", ["leader", "department"])
def test_readers_see_the_chart_without_milestone_forms(
    client: Any, world: Any, project: Project, persona: str
) -> None:
    client.force_login(world.user(persona))
    response = client.get(plan_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="plan-gantt"' in body
    assert reverse("projects:milestone_create", args=[project.pk]) not in body
    assert "Record actuals" not in body
    assert ">Edit<" not in body
    # the leader approves, the department does not
    approve_url = reverse("projects:plan_approve", args=[project.pk])
    assert (approve_url in body) is (persona == "leader")


@pytest.mark.parametrize("persona", ["town_b", "chain", "enterprise", "bank"])
def test_out_of_scope_is_404_everywhere(
    client: Any, world: Any, project: Project, persona: str
) -> None:
    milestone = project.milestones.first()
    item = ApprovalFactory(project=project)
    client.force_login(world.user(persona))
    pk = project.pk
    for url in (
        plan_url(project),
        reverse("projects:plan_xlsx", args=[pk]),
        reverse("projects:approvals", args=[pk]),
        reverse("projects:milestone_edit", args=[pk, milestone.pk]),
        reverse("projects:approval_edit", args=[pk, item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("projects:milestone_create", args=[pk]),
        reverse("projects:milestone_delete", args=[pk, milestone.pk]),
        reverse("projects:plan_approve", args=[pk]),
        reverse("projects:plan_replan", args=[pk]),
        reverse("projects:approval_delete", args=[pk, item.pk]),
    ):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert Milestone.objects.count() == 2
    assert ApprovalItem.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client: Any, project: Project) -> None:
    response = client.get(plan_url(project))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --------------------------------------------------------------------------- milestone forms


def test_milestone_ending_before_it_starts_shows_on_the_field(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {
            "name": "竣工验收",
            "planned_start": "2026-09-30",
            "planned_end": "2026-09-01",
            "weight": "1",
            "sort_order": "3",
        },
    )
    assert response.status_code == 200
    form = response.context["add_form"]
    assert form.errors["planned_end"] == ["A milestone cannot end before it starts."]
    assert "A milestone cannot end before it starts." in response.content.decode()
    assert Milestone.objects.count() == 2


def test_future_actual_end_shows_on_the_field(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {
            "name": "竣工验收",
            "planned_start": "2026-09-01",
            "planned_end": "2026-09-30",
            "actual_start": "2026-01-01",
            "actual_end": tomorrow.isoformat(),
            "weight": "1",
            "sort_order": "3",
        },
    )
    assert response.status_code == 200
    assert response.context["add_form"].errors["actual_end"] == [
        "An actual date cannot be in the future."
    ]
    assert Milestone.objects.count() == 2


def test_town_adds_edits_and_deletes_a_draft_milestone(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {
            "name": "竣工验收",
            "planned_start": "2026-09-01",
            "planned_end": "2026-09-30",
            "weight": "1.5",
            "sort_order": "3",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(name="竣工验收")
    assert milestone.region_id == world.town_a.code
    edit_url = reverse("projects:milestone_edit", args=[project.pk, milestone.pk])
    page = client.get(edit_url)
    assert page.status_code == 200
    assert (
        reverse("projects:milestone_delete", args=[project.pk, milestone.pk])
        in page.content.decode()
    )
    response = client.post(
        edit_url,
        {
            "name": "竣工验收",
            "planned_start": "2026-09-01",
            "planned_end": "2026-10-15",
            "weight": "1.5",
            "sort_order": "3",
            "version": milestone.version,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.planned_end == D(2026, 10, 15)
    # a second save from the same (now stale) form is refused, the input kept
    response = client.post(
        edit_url,
        {
            "name": "竣工验收",
            "planned_start": "2026-09-01",
            "planned_end": "2026-11-30",
            "weight": "1.5",
            "sort_order": "3",
            "version": milestone.version - 1,
        },
    )
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.planned_end == D(2026, 10, 15)
    response = client.post(
        reverse("projects:milestone_delete", args=[project.pk, milestone.pk]),
        {"version": milestone.version},
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_readers_cannot_post_milestones(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("leader"))
    response = client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {
            "name": "x",
            "planned_start": "2026-09-01",
            "planned_end": "2026-09-30",
            "weight": "1",
            "sort_order": "3",
        },
    )
    assert response.status_code == 403
    assert Milestone.objects.count() == 2


# --------------------------------------------------------------------------- plan decisions


def test_approve_button_freezes_the_plan(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(reverse("projects:plan_approve", args=[project.pk]))
    assert response.status_code == 403
    client.force_login(world.user("industry"))
    page = client.get(plan_url(project))
    signature = page.context["signature"]
    response = client.post(
        reverse("projects:plan_approve", args=[project.pk]),
        {"version": project.version, "plan": signature},
        follow=True,
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    body = response.content.decode()
    assert "Plan approved; baseline frozen." in body
    assert "Baseline 1" in body
    assert response.context["gantt"]["rows"][0]["baseline"] == ["2026-01-05", "2026-01-30"]


def test_approving_a_plan_changed_since_the_page_opened_is_refused(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("industry"))
    signature = client.get(plan_url(project)).context["signature"]
    MilestoneFactory(project=project, name="后加的节点")
    response = client.post(
        reverse("projects:plan_approve", args=[project.pk]),
        {"version": project.version, "plan": signature},
        follow=True,
    )
    assert "The plan changed after you opened the page" in response.content.decode()
    assert not Baseline.objects.exists()


def test_approved_plan_form_freezes_planned_fields_but_records_actuals(
    client: Any, world: Any, project: Project
) -> None:
    approve(world, project)
    milestone = project.milestones.get(name="主体封顶")
    client.force_login(world.user("town_a"))
    page = client.get(plan_url(project))
    body = page.content.decode()
    assert reverse("projects:milestone_create", args=[project.pk]) not in body
    assert "Request a re-plan" in body
    edit_url = reverse("projects:milestone_edit", args=[project.pk, milestone.pk])
    page = client.get(edit_url)
    assert page.context["form"].fields["planned_end"].disabled
    assert (
        reverse("projects:milestone_delete", args=[project.pk, milestone.pk])
        not in page.content.decode()
    )
    response = client.post(
        edit_url,
        {
            "name": "主体封顶",
            "planned_start": "2026-02-01",
            "planned_end": "2026-12-31",  # ignored: the field is frozen
            "actual_start": "2026-02-03",
            "weight": "9",
            "sort_order": "2",
            "version": milestone.version,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.planned_end == D(2026, 8, 31)
    assert milestone.weight == Decimal("1")
    assert milestone.actual_start == D(2026, 2, 3)


def test_replan_needs_a_reason_then_approval_adds_a_baseline(
    client: Any, world: Any, project: Project
) -> None:
    approve(world, project)
    client.force_login(world.user("town_a"))
    replan_url = reverse("projects:plan_replan", args=[project.pk])
    response = client.post(replan_url, {"reason": "", "version": project.version})
    assert response.status_code == 200
    assert response.context["replan_form"].errors["reason"]
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    response = client.post(
        replan_url, {"reason": "设备到货延期", "version": project.version}, follow=True
    )
    project.refresh_from_db()
    assert project.plan_state == PlanState.REPLANNING
    assert "设备到货延期" in response.content.decode()
    # the planned side is editable again
    milestone = project.milestones.get(name="主体封顶")
    edit = client.get(reverse("projects:milestone_edit", args=[project.pk, milestone.pk]))
    assert not edit.context["form"].fields["planned_end"].disabled
    # the leader approves the re-plan
    client.force_login(world.user("leader"))
    page = client.get(plan_url(project))
    body = page.content.decode()
    assert reverse("projects:plan_replan_approve", args=[project.pk]) in body
    assert "t-town-a" in body  # who asked
    response = client.post(
        reverse("projects:plan_replan_approve", args=[project.pk]),
        {"version": project.version, "plan": page.context["signature"]},
        follow=True,
    )
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    baselines = response.context["baselines"]
    assert [(b.number, b.reason) for b in baselines] == [(1, ""), (2, "设备到货延期")]
    assert response.context["chosen"].number == 2
    # an earlier baseline can be chosen for the comparison
    older = client.get(plan_url(project) + "?baseline=1")
    assert older.context["chosen"].number == 1


def test_refusing_a_replan_returns_to_the_baseline(
    client: Any, world: Any, project: Project
) -> None:
    approve(world, project)
    milestone = project.milestones.get(name="主体封顶")
    planning.request_replan(actor=world.user("town_a"), project=project, reason="延期")
    planning.update_milestone(
        actor=world.user("town_a"), milestone=milestone, data={"planned_end": D(2026, 12, 31)}
    )
    client.force_login(world.user("industry"))
    project.refresh_from_db()
    client.post(
        reverse("projects:plan_replan_reject", args=[project.pk]), {"version": project.version}
    )
    milestone.refresh_from_db()
    project.refresh_from_db()
    assert project.plan_state == PlanState.APPROVED
    assert milestone.planned_end == D(2026, 8, 31)


# --------------------------------------------------------------------------- Excel


def test_excel_export_has_every_milestone_and_a_gantt_in_cells(
    client: Any, world: Any, project: Project
) -> None:
    # given an approved plan whose second milestone moved in a re-plan, and a hostile name
    approve(world, project)
    MilestoneFactory(project=project, name='=HYPERLINK("http://x")', sort_order=3)
    client.force_login(world.user("department"))
    # when
    response = client.get(reverse("projects:plan_xlsx", args=[project.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "健身器材产业园项目" in sheet["A1"].value
    header = [cell.value for cell in sheet[2]][:12]
    assert header == [
        "#",
        "Milestone",
        "Owner unit",
        "Weight",
        "Baseline start",
        "Baseline end",
        "Planned start",
        "Planned end",
        "Actual start",
        "Actual end",
        "Days late",
        "State",
    ]
    first = [cell.value for cell in sheet[3]][:12]
    assert first[1:4] == ["土地摘牌", "自然资源局", 2]
    assert [v.date() if v else None for v in first[4:10]] == [
        D(2026, 1, 5),
        D(2026, 1, 30),
        D(2026, 1, 5),
        D(2026, 1, 30),
        D(2026, 1, 5),
        D(2026, 2, 9),
    ]
    assert first[10:12] == [10, "Done late"]
    second = [cell.value for cell in sheet[4]][:12]
    assert second[1] == "主体封顶"
    third = [cell.value for cell in sheet[5]]
    assert third[1] == '\'=HYPERLINK("http://x")'  # a formula never reaches the sheet
    assert sheet.cell(row=5, column=2).data_type == "s"
    # the Gantt in cells: week columns after the 12 fixed ones, filled where the plan runs
    week_headers = [cell.value for cell in sheet[2]][12:]
    assert week_headers[0].startswith("W02 01-05")
    plan_colour = "008DB4F5"
    second_fills = [
        sheet.cell(row=4, column=13 + i).fill.fgColor.rgb for i in range(len(week_headers))
    ]
    assert plan_colour in second_fills
    first_fills = [sheet.cell(row=3, column=13 + i).fill.fgColor.rgb for i in range(6)]
    assert first_fills[0] == "00F76707"  # done late: orange from its actual start
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 8  # A3


# --------------------------------------------------------------------------- panels


def test_plan_and_approvals_panels(world: Any, project: Project) -> None:
    ApprovalFactory(project=project, kind="land", actual_on=D(2026, 1, 5))
    project.actual_start = D(2026, 1, 5)
    project.save()
    html = Template(
        "{% load project_plans %}{% plan_panel project user %}{% approvals_panel project user %}"
    ).render(Context({"project": project, "user": world.user("town_a")}))
    assert "1 of 2 milestones done" in html
    assert "67%" in html  # weight 2 of 3
    assert "主体封顶" in html  # the next milestone
    assert reverse("projects:plan", args=[project.pk]) in html
    assert reverse("projects:approvals", args=[project.pk]) in html
    assert 'data-rule="land_to_start" data-state="achieved"' in html
    assert 'data-rule="delivery_to_title" data-state="waiting"' in html
    leader_html = Template("{% load project_plans %}{% plan_panel project user %}").render(
        Context({"project": project, "user": world.user("leader")})
    )
    assert "Awaiting your approval" in leader_html


# --------------------------------------------------------------------------- unit choices


def strangers(world: Any) -> list[Any]:
    """Units that cannot own work in 宁津县: another county's department, an enterprise, a
    bank."""
    from jinmu.core.choices import RegionLevel, UnitKind
    from jinmu.core.tests.factories import RegionFactory

    qingyun = RegionFactory(
        code="371423", name="庆云县", level=RegionLevel.COUNTY, parent=world.county.parent
    )
    return [
        UnitFactory(name="庆云县住建局", region=qingyun),
        UnitFactory(name="某某机械有限公司", kind=UnitKind.ENTERPRISE),
        UnitFactory(name="宁津农商银行", kind=UnitKind.BANK),
    ]


def test_milestone_owner_is_chosen_among_the_countys_units(
    client: Any, world: Any, project: Project
) -> None:
    others = strangers(world)
    client.force_login(world.user("town_a"))
    page = client.get(plan_url(project))
    offered = set(page.context["add_form"].fields["owner_unit"].queryset)
    assert {world.town_b_unit, world.park, world.industry_office} <= offered
    assert not offered & set(others)
    body = page.content.decode()
    assert "宁津农商银行" not in body
    assert "庆云县住建局" not in body
    for unit in others:
        response = client.post(
            reverse("projects:milestone_create", args=[project.pk]),
            {
                "name": "竣工验收",
                "planned_start": "2026-09-01",
                "planned_end": "2026-09-30",
                "owner_unit": unit.pk,
                "weight": "1",
                "sort_order": "3",
            },
        )
        assert response.status_code == 200
        assert list(response.context["add_form"].errors) == ["owner_unit"]
    assert Milestone.objects.count() == 2
    # an approved plan may reassign the owner, but only to a unit of the county
    approve(world, project)
    milestone = Milestone.objects.get(name="主体封顶")
    edit_url = reverse("projects:milestone_edit", args=[project.pk, milestone.pk])
    data = {"owner_unit": others[0].pk, "sort_order": "2", "version": milestone.version}
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["owner_unit"]
    response = client.post(edit_url, {**data, "owner_unit": world.town_a_unit.pk})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.owner_unit == world.town_a_unit

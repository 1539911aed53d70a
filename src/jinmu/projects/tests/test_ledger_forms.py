"""The ledger's form pages: create and edit in 万元, lifecycle transitions, the light override,
annual plans, documents and reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import (
    Attachment,
    ChallengeReview,
    Project,
    ProjectTag,
    ProjectYearPlan,
    StatusChange,
)
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.tests.test_ledger_views import (  # noqa: F401
    TODAY,
    _login,
    _names,
    english,
    today,
)

# --- create and edit --------------------------------------------------------------------------


def test_the_form_shows_only_the_kinds_fields(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    key = client.get(reverse("projects:create", args=["key"])).context["form"]
    bond = client.get(reverse("projects:create", args=["bond"])).context["form"]

    # then
    assert "investor" not in key.fields
    assert "bond_issued" not in key.fields
    assert "bond_issued" in bond.fields
    assert "investor" not in bond.fields
    assert "status" not in key.fields
    assert "light" not in key.fields


def test_create_takes_money_in_wan_and_stores_yuan(world: Any, client: Client) -> None:
    # given
    user = _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:create", args=["key"]),
        {
            "name": "县级重点项目",
            "level": "county",
            "region": world.town_a.code,
            "total_investment": "29130.5",
            "fixed_asset_investment": "20000",
            "responsible_unit": world.industry_office.pk,
        },
    )

    # then
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.total_investment == Decimal("291305000.00")
    assert project.fixed_asset_investment == Decimal("200000000.00")
    assert (project.kind, project.status) == ("key", "preparing")
    assert StatusChange.objects.get(project=project).changed_by == user


def test_create_refuses_bad_input_field_by_field(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:create", args=["key"]),
        {
            "name": "",
            "level": "",
            "region": world.county.code,
            "total_investment": "-5",
            "planned_start": "2026-05-01",
            "planned_completion": "2026-04-01",
        },
    )

    # then
    form = response.context["form"]
    assert response.status_code == 200
    assert {"name", "level", "total_investment"} <= set(form.errors)
    assert not Project.objects.exists()


def test_create_passes_the_models_own_rules_back_to_the_fields(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when: completion before start (a rule of the record, checked by the service)
    response = client.post(
        reverse("projects:create", args=["key"]),
        {
            "name": "日期颠倒",
            "level": "county",
            "region": world.county.code,
            "planned_start": "2026-05-01",
            "planned_completion": "2026-04-01",
        },
    )

    # then
    assert "planned_completion" in response.context["form"].errors
    assert not Project.objects.exists()


def test_a_town_can_only_choose_its_own_town(world: Any, client: Client) -> None:
    # given
    _login(client, world, "town_a")

    # when
    form_page = client.get(reverse("projects:create", args=["key"]))
    refused = client.post(
        reverse("projects:create", args=["key"]),
        {"name": "越界", "level": "county", "region": world.town_b.code},
    )

    # then
    regions = list(form_page.context["form"].fields["region"].queryset)
    assert regions == [world.town_a]
    assert "region" in refused.context["form"].errors
    assert not Project.objects.exists()


def test_the_enterprise_is_named_by_credit_code_or_name(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(name="宁津县华健体育器材有限公司")
    _login(client, world, "industry")

    # when
    client.post(
        reverse("projects:create", args=["renovation"]),
        {
            "name": "智能化改造",
            "region": world.county.code,
            "enterprise": enterprise.uscc,
            "direction": "intelligent",
            "equipment_investment": "800",
        },
    )
    unknown = client.post(
        reverse("projects:create", args=["renovation"]),
        {"name": "未知企业", "region": world.county.code, "enterprise": "不存在公司"},
    )

    # then
    project = Project.objects.get()
    assert project.enterprise == enterprise
    assert project.equipment_investment == Decimal("8000000.00")
    assert "enterprise" in unknown.context["form"].errors


def test_unknown_kind_is_404_and_readers_get_403(world: Any, client: Client) -> None:
    # when
    _login(client, world, "industry")
    unknown = client.get(reverse("projects:create", args=["rocket"]))
    _login(client, world, "bank")
    bank = client.get(reverse("projects:create", args=["key"]))

    # then
    assert (unknown.status_code, bank.status_code) == (404, 403)


def test_edit_shows_yuan_as_wan_and_saves(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(name="旧名", total_investment=Decimal("291300000"))
    _login(client, world, "industry")
    url = reverse("projects:edit", args=[project.pk])

    # when
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "name": "新名",
            "level": "county",
            "region": project.region_id,
            "version": 1,
            "total_investment": "29130",
        },
    )

    # then
    assert 'value="29130"' in str(form["total_investment"])
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.version) == ("新名", 2)


def test_a_stale_edit_is_refused_with_a_clear_message(world: Any, client: Client) -> None:
    # given: the form was opened on version 1, someone saved version 2 since
    project = ProjectFactory(name="他人已改", version=2)
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        {"name": "我的修改", "level": "county", "region": project.region_id, "version": 1},
    )

    # then
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "他人已改"


def test_edit_puts_the_project_on_lists(world: Any, client: Client) -> None:
    # given
    tag = ProjectTag.objects.create(region=world.county, name="双十")
    project = ProjectFactory()
    _login(client, world, "industry")

    # when
    client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "name": project.name,
            "level": "county",
            "region": project.region_id,
            "version": 1,
            "tags": [tag.pk],
        },
    )

    # then
    assert list(project.tags.all()) == [tag]


# --- transitions, light, plans ----------------------------------------------------------------


def test_a_transition_from_the_page(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.PREPARING)
    _login(client, world, "town_a")

    # when
    response = client.post(
        reverse("projects:transition", args=[project.pk]),
        {"to_status": "started", "on": "2026-11-02", "reason": "开工", "version": 1},
    )

    # then
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.actual_start) == ("started", dt.date(2026, 11, 2))
    assert StatusChange.objects.get(project=project).reason == "开工"


def test_a_refused_transition_says_why_and_changes_nothing(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:transition", args=[project.pk]), {"to_status": "effective", "version": 1}
    )

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors["to_status"]
    assert "cannot move to" in errors[0]
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING
    assert not StatusChange.objects.exists()


def test_a_leader_overrides_the_light_with_a_reason(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.STARTED)
    _login(client, world, "leader")
    url = reverse("projects:override", args=[project.pk])

    # when
    refused = client.post(url, {"light": "red", "reason": "", "version": 1})
    accepted = client.post(url, {"light": "red", "reason": "约谈后仍未整改", "version": 1})

    # then
    assert "reason" in refused.context["form"].errors
    assert accepted.status_code == 302
    project.refresh_from_db()
    assert (project.light, project.light_override_reason) == ("red", "约谈后仍未整改")


def test_a_town_cannot_override(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    _login(client, world, "town_a")

    # when
    response = client.post(
        reverse("projects:override", args=[project.pk]), {"light": "green", "reason": "x"}
    )

    # then
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.light_override == ""


def test_year_plan_in_wan_with_a_monthly_profile(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory()
    _login(client, world, "industry")
    url = reverse("projects:year_plan", args=[project.pk])
    shares = "0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 0.95 1"

    # when
    bad = client.post(url, {"year": 2026, "planned_investment": "6000", "monthly_shares": "1 2"})
    good = client.post(url, {"year": 2026, "planned_investment": "6000", "monthly_shares": shares})

    # then
    assert "monthly_shares" in bad.context["form"].errors
    assert good.status_code == 302
    plan = ProjectYearPlan.objects.get(project=project)
    assert plan.planned_investment == Decimal("60000000.00")
    assert plan.monthly_shares[0] == 0.05
    assert plan.monthly_shares[-1] == 1


# --- documents and reviews --------------------------------------------------------------------


def test_upload_a_document(world: Any, client: Client, settings: Any, tmp_path: Any) -> None:
    # given
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory(kind=ProjectKind.BOND, level="", status=ProjectStatus.APPLIED)
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "legal_opinion", "title": "", "file": SimpleUploadedFile("意见.pdf", b"%PDF")},
    )

    # then
    assert response.status_code == 302
    attachment = Attachment.objects.get(project=project)
    assert (attachment.kind, attachment.title) == ("legal_opinion", "意见.pdf")


def test_a_document_of_a_type_we_do_not_keep_is_refused(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory()
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"kind": "other", "file": SimpleUploadedFile("page.html", b"<script>")},
    )

    # then
    assert "file" in response.context["form"].errors
    assert not Attachment.objects.exists()


def test_documents_download_only_within_scope(
    world: Any, client: Client, settings: Any, tmp_path: Any
) -> None:
    # given
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory(region=world.town_a)
    attachment = Attachment.objects.create(
        project=project,
        region=project.region,
        kind="contract",
        title="合同",
        file=SimpleUploadedFile("contract.pdf", b"%PDF-1.4 body"),
    )
    url = reverse("projects:attachment", args=[attachment.pk])

    # when
    _login(client, world, "town_a")
    own = client.get(url)
    _login(client, world, "town_b")
    other = client.get(url)

    # then
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert b"".join(own.streaming_content) == b"%PDF-1.4 body"
    assert other.status_code == 404


def test_a_challenge_review_updates_the_score(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(kind=ProjectKind.CHALLENGE, level="", status=ProjectStatus.REVIEWING)
    _login(client, world, "industry")
    url = reverse("projects:review_add", args=[project.pk])

    # when
    client.post(url, {"reviewer": "专家甲", "score": "80"})
    client.post(url, {"reviewer": "专家乙", "score": "91"})
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    # then
    project.refresh_from_db()
    assert project.review_score == Decimal("85.50")
    assert ChallengeReview.objects.filter(project=project).count() == 2
    assert "专家甲" in page
    assert "85.50" in page

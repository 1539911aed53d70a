"""Done when: a new county goes from `jinmu setup` to a town user's weekly report, with no demo
data, through the pages each role uses (sign-in with the password, TOTP for the administrator)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import Unit, User
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.factories import make_uscc
from jinmu.projects import reporting
from jinmu.projects.models import Project, WeeklyReport

DATA = Path(__file__).parent / "data"
ADMIN_PASSWORD = "First#Admin2026"
INITIAL = {"industry-1": "Industry#Start2026", "dacao-1": "Dacao#Start2026"}
NEW_PASSWORD = "Chosen#Myself2026"


def sign_in(username: str, password: str) -> Client:
    """Sign in on /login/ as a person would, then settle what the platform asks for first: a
    TOTP enrolment (the code computed from the new device's key as the app would) or a new
    password in place of the initial one."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    for _step in range(4):
        response = client.get(reverse("home"))
        location = response.get("Location", "") if response.status_code == 302 else ""
        if location.startswith(reverse("account_otp_setup")):
            client.get(location)  # shows the QR code: creates the pending device
            device = TOTPDevice.objects.get(user__username=username, confirmed=False)
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
            answer = client.post(location, {"otp": f"{code:06d}"})
            assert answer.status_code == 302, answer.content.decode()[:500]
        elif location.startswith(reverse("account_password")):
            answer = client.post(
                location,
                {
                    "old_password": password,
                    "new_password1": NEW_PASSWORD,
                    "new_password2": NEW_PASSWORD,
                },
            )
            assert answer.status_code == 302, answer.content.decode()[:500]
        else:
            assert response.status_code == 200, location
            return client
    raise AssertionError("sign-in did not settle")


@pytest.fixture
def otp_for_administrators(settings: Any) -> None:
    """The production rule: the three administrators sign in with a TOTP second factor."""
    settings.JINMU_OTP_REQUIRED_ROLES = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


def test_a_new_county_from_setup_to_a_weekly_report(
    db: Any, tmp_path: Path, otp_for_administrators: None
) -> None:
    # given a fresh database and `jinmu setup` with the official list
    secret = tmp_path / "password"
    secret.write_text(ADMIN_PASSWORD, encoding="utf-8")
    call_command(
        "setup", "--county", "371422", "--regions", str(DATA / "divisions-sample.txt"),
        "--admin", "ningjin-security", "--admin-password-file", str(secret), stdout=StringIO(),
    )  # fmt: skip
    assert not Enterprise.objects.exists()
    assert not Project.objects.exists()

    # when the security administrator signs in (enrolling TOTP) and sets up units and users
    security = sign_in("ningjin-security", ADMIN_PASSWORD)
    units = security.get(reverse("organisation:units")).content.decode()
    assert "宁津县产业办" in units
    assert "大曹镇人民政府" in units
    response = security.post(
        reverse("organisation:unit_create"),
        {
            "region": "371422",
            "name": "宁津县统计局",
            "short_name": "统计局",
            "kind": UnitKind.DEPARTMENT,
        },
    )
    assert response.status_code == 302
    office = Unit.objects.get(kind=UnitKind.INDUSTRY_OFFICE)
    dacao = Unit.objects.get(kind=UnitKind.TOWN, town_region_id="371422105")
    for username, unit, role in (
        ("industry-1", office, Role.INDUSTRY_OFFICE),
        ("dacao-1", dacao, Role.TOWN),
    ):
        response = security.post(
            reverse("organisation:user_create"),
            {
                "username": username,
                "display_name": username,
                "unit": unit.pk,
                "roles": [role],
                "password1": INITIAL[username],
                "password2": INITIAL[username],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    # …and still reads no business data
    assert security.get(reverse("enterprises:list")).status_code == 403

    # when the industry office registers an enterprise and a key project in 大曹镇
    industry = sign_in("industry-1", INITIAL["industry-1"])
    response = industry.post(
        reverse("enterprises:create"),
        {
            "uscc": make_uscc(800001),
            "name": "宁津县新建五金有限公司",
            "region": "371422105",
            "scale": "above",
            "status": "operating",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get()
    response = industry.post(
        reverse("projects:create", args=["key"]),
        {
            "name": "新建五金扩产项目",
            "level": "county",
            "region": "371422105",
            "enterprise": enterprise.uscc,
            "total_investment": "12000",
            "fixed_asset_investment": "10000",
            "responsible_unit": dacao.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get()
    # a key project is under weekly scheduling from its first state (准备): the page says so
    assert reporting.is_monitored(project)

    # then the town user files this week's report on the report form
    town = sign_in("dacao-1", INITIAL["dacao-1"])
    form_page = town.get(reverse("projects:report", args=[project.pk]))
    assert form_page.status_code == 200
    week = form_page.context["form"]["week"].value()
    response = town.post(
        reverse("projects:report", args=[project.pk]),
        {
            "week": week,
            "invested_wan": "120",
            "percent_complete": "10",
            "progress_text": "场地平整",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = WeeklyReport.objects.get(project=project)
    assert report.iso_week == week
    assert report.submitted_by == User.objects.get(username="dacao-1")
    # and the county holds only what its people entered: no demo rows
    assert Enterprise.objects.count() == 1
    assert Project.objects.count() == 1
    assert set(User.objects.values_list("username", flat=True)) == {
        "ningjin-security", "industry-1", "dacao-1",
    }  # fmt: skip

"""`jinmu setup`: the first start of a real county, with no demo data."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import AuditLog, Region, Unit, User
from jinmu.enterprises.models import Enterprise

DATA = Path(__file__).parent / "data"
PASSWORD = "First#Admin2026"


def _setup(tmp_path: Path, *extra: str) -> str:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "setup", "--county", "371422", "--admin", "sec-admin",
        "--admin-password-file", str(secret), *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_setup_creates_the_county_its_towns_units_and_the_security_administrator(
    db: Any, tmp_path: Path
) -> None:
    # when
    output = _setup(tmp_path, "--regions", str(DATA / "divisions-sample.txt"))
    # then the county with its parents, only its own towns (streets too)
    county = Region.objects.get(code="371422")
    assert (county.name, county.level, county.parent_id) == ("宁津县", "county", "371400")
    assert Region.objects.get(code="371400").parent_id == "370000"
    towns = Region.objects.filter(parent=county).order_by("code")
    assert [t.name for t in towns] == ["宁城街道", "津城街道", "保店镇", "大曹镇"]
    assert not Region.objects.filter(code__startswith="371423").exists()
    assert not any(t.is_demo_code for t in towns)
    # the leadership, the industry office and a unit per town
    units = {u.name: u for u in Unit.objects.all()}
    assert units["宁津县委县政府"].kind == UnitKind.LEADERSHIP
    assert units["宁津县产业办"].kind == UnitKind.INDUSTRY_OFFICE
    assert units["大曹镇人民政府"].town_region_id == "371422105"
    assert units["宁城街道办事处"].town_region_id == "371422001"
    assert len(units) == 6
    # the first security administrator, and no demo data
    admin = User.objects.get(username="sec-admin")
    assert admin.roles == [Role.SECURITY_ADMIN]
    assert admin.region_id == "371422"
    assert admin.check_password(PASSWORD)
    assert User.objects.count() == 1
    assert not Enterprise.objects.exists()
    assert AuditLog.objects.filter(object_repr="宁津县产业办").exists()
    assert "宁津县 (371422) is set up. Regions created: 7 (towns and streets: 4)" in output


def test_setup_refuses_to_run_twice(db: Any, tmp_path: Path) -> None:
    # given
    _setup(tmp_path, "--regions", str(DATA / "divisions-sample.txt"))
    # when
    with pytest.raises(CommandError) as caught:
        _setup(tmp_path, "--regions", str(DATA / "divisions-sample.txt"))
    # then
    assert "set up already" in str(caught.value)
    assert User.objects.count() == 1


def test_setup_without_a_list_takes_the_names_from_options(db: Any, tmp_path: Path) -> None:
    # when
    output = _setup(
        tmp_path, "--county-name", "宁津县", "--city-name", "德州市", "--province-name", "山东省"
    )
    # then
    assert Region.objects.get(code="370000").name == "山东省"
    assert Region.objects.get(code="371422").name == "宁津县"
    assert not Region.objects.filter(level="town").exists()
    assert "No towns were given" in output


def test_setup_asks_for_a_missing_name(db: Any, tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as caught:
        _setup(tmp_path, "--county-name", "宁津县")
    # then
    assert "--province-name" in str(caught.value)
    assert not Region.objects.exists()


def test_setup_refuses_a_weak_password_and_creates_nothing(db: Any, tmp_path: Path) -> None:
    # given
    weak = tmp_path / "weak"
    weak.write_text("password", encoding="utf-8")
    # when
    with pytest.raises(CommandError) as caught:
        call_command(
            "setup", "--county", "371422", "--admin", "sec", "--admin-password-file", str(weak),
            "--regions", str(DATA / "divisions-sample.txt"),
        )  # fmt: skip
    # then
    assert "security administrator cannot be created" in str(caught.value)
    assert not Region.objects.exists()


def test_setup_reads_the_password_from_the_environment(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setenv("JINMU_ADMIN_PASSWORD", PASSWORD)
    # when
    call_command(
        "setup", "--county", "371422", "--admin", "sec",
        "--regions", str(DATA / "divisions-sample.txt"), stdout=StringIO(),
    )  # fmt: skip
    # then
    assert User.objects.get(username="sec").check_password(PASSWORD)


def test_setup_refuses_a_code_that_is_not_a_county(db: Any, tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as caught:
        call_command("setup", "--county", "371400", "--admin", "sec")
    # then
    assert "not a county-level code" in str(caught.value)


def test_setup_refuses_a_broken_list_with_its_lines(db: Any, tmp_path: Path) -> None:
    # given
    broken = tmp_path / "list.txt"
    broken.write_text("370000 山东省\n37142 宁津县\n371422105000 大曹镇\n", encoding="utf-8")
    # when
    with pytest.raises(CommandError) as caught:
        _setup(tmp_path, "--regions", str(broken))
    # then
    assert "line 2" in str(caught.value)
    assert not Region.objects.exists()


def test_a_second_county_of_the_province_reuses_its_parents(db: Any, tmp_path: Path) -> None:
    # given
    _setup(tmp_path, "--regions", str(DATA / "divisions-sample.txt"))
    secret = tmp_path / "password"
    # when 庆云县 starts too, in the same deployment
    call_command(
        "setup", "--county", "371423", "--regions", str(DATA / "divisions-sample.txt"),
        "--admin", "qingyun-security", "--admin-password-file", str(secret), stdout=StringIO(),
    )  # fmt: skip
    # then
    assert Region.objects.get(code="371423").parent_id == "371400"
    assert Region.objects.get(code="371423100").name == "庆云镇"
    assert Region.objects.filter(code="370000").count() == 1
    assert User.objects.get(username="qingyun-security").region_id == "371423"

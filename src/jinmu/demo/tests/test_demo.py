"""The demo county: `jinmu demo` builds Ningjin with valid, consistent, deterministic data."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from jinmu.chains.choices import FacilityType, NodeKind, Segment
from jinmu.chains.models import Chain, ChainNode, EnterpriseNode
from jinmu.core.choices import RegionLevel, Role
from jinmu.core.models import AuditLog, Region, User
from jinmu.core.validators import uscc_check_character, validate_uscc
from jinmu.demo import (
    DEMO_PASSWORD,
    build_demo,
    format_logins,
    generate_enterprises,
    login_rows,
    prepare_world,
)
from jinmu.demo.enterprises import ABOVE_SCALE_REVENUE, LATEST_YEAR
from jinmu.enterprises.models import (
    AnnualFigures,
    Enterprise,
    IndustryCode,
    Qualification,
    QualificationKind,
)
from jinmu.enterprises.reference import QUALIFICATION_KINDS, load_reference
from jinmu.enterprises.text import pinyin_initials, pinyin_key
from jinmu.targets.models import ReportedValue, Target

pytestmark = pytest.mark.django_db

SMALL = 300


def _demo(n: int = SMALL, seed: int = 7) -> str:
    out = StringIO()
    call_command("demo", enterprises=n, seed=seed, stdout=out)
    return out.getvalue()


def _fingerprint() -> str:
    rows = sorted(Enterprise.objects.values_list("uscc", "name"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_reference_data_is_loaded_by_the_migration_and_reloads_idempotently() -> None:
    # given the migrated test database
    sections = IndustryCode.objects.filter(level="section")
    divisions_c = IndustryCode.objects.filter(level="division", parent_id="C")
    # when the reference data is loaded again
    result = load_reference()
    out = StringIO()
    call_command("load_reference", stdout=out)
    # then nothing changed, and the standard's shape is there
    assert not result.changed
    assert "0 created, 0 updated" in out.getvalue()
    assert sorted(sections.values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRST")
    assert [int(c[1:]) for c in divisions_c.values_list("code", flat=True)] == list(range(13, 44))
    assert IndustryCode.objects.get(code="C3435").name == "电梯、自动扶梯及升降机制造"
    assert IndustryCode.objects.get(code="C2443").parent_id == "C244"
    assert not IndustryCode.objects.filter(parent__isnull=True).exclude(level="section").exists()
    kinds = {k.code: k for k in QualificationKind.objects.all()}
    assert set(kinds) >= {k.code for k in QUALIFICATION_KINDS}
    assert kinds["high-tech"].validity_years == 3
    assert kinds["tech-sme"].validity_years == 1
    assert kinds["cloud"].validity_years is None


def test_demo_builds_the_county_with_valid_unique_credit_codes() -> None:
    # when
    output = _demo()
    # then
    assert "300 enterprises" in output
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(codes) == SMALL
    assert len(set(codes)) == SMALL
    for code in codes:
        validate_uscc(code)
        assert code.startswith("91371422")
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(set(names)) == SMALL
    towns = Region.objects.filter(level=RegionLevel.TOWN, parent_id="371422")
    assert towns.count() == 12
    assert all(towns.values_list("is_demo_code", flat=True))
    assert {"大曹镇", "保店镇", "宁城街道", "刘营伍乡"} <= set(towns.values_list("name", flat=True))
    # every enterprise lies in one of the towns, and a park only in the park's own town
    assert not Enterprise.objects.exclude(region__in=towns).exists()
    for firm in Enterprise.objects.exclude(park=None).select_related("park"):
        assert firm.park is not None
        assert firm.park.town_region_id == firm.region_id


def test_chains_have_nodes_on_every_segment_facilities_and_some_real_gaps() -> None:
    # when
    _demo()
    # then
    chains = list(Chain.objects.all())
    assert len(chains) == 7
    facility_types: set[str] = set()
    for chain in chains:
        nodes = list(chain.nodes.all())
        assert 15 <= len(nodes) <= 40, chain.name
        assert {n.segment for n in nodes} == set(Segment.values), chain.name
        assert any(n.kind == NodeKind.FACILITY for n in nodes), chain.name
        facility_types |= {n.facility_type for n in nodes if n.kind == NodeKind.FACILITY}
        assert chain.office is not None
        assert chain.chief is not None
        assert chain.partners.values("kind").distinct().count() == 7, chain.name
    assert facility_types == set(FacilityType.values)
    assert ChainNode.objects.filter(name__endswith="共享喷漆中心").count() == 4
    operating = EnterpriseNode.objects.filter(enterprise__status="operating")
    empty = ChainNode.objects.exclude(kind=NodeKind.GROUP).exclude(
        pk__in=operating.values("node_id")
    )
    assert {"控制板与显示屏", "曳引机", "超高分子量聚乙烯树脂"} <= set(
        empty.values_list("name", flat=True)
    )
    for chain in chains:
        leaders = EnterpriseNode.objects.filter(node__chain=chain, role="leader")
        assert 1 <= leaders.count() <= 3, chain.name
    assert ChainNode.objects.filter(local_demand__gt=0).count() > 60


def test_figures_scale_and_qualifications_are_consistent() -> None:
    # when
    _demo()
    # then 规上 means revenue ≥ 20 million yuan in the latest year, operating
    latest = {
        f.enterprise_id: f.operating_revenue for f in AnnualFigures.objects.filter(year=LATEST_YEAR)
    }
    for firm in Enterprise.objects.all():
        revenue = latest.get(firm.pk)
        above = (
            firm.status == "operating" and revenue is not None and (revenue >= ABOVE_SCALE_REVENUE)
        )
        assert (firm.scale == "above") == above, firm.name
        assert (firm.name_pinyin, firm.name_initials) == (
            pinyin_key(firm.name),
            pinyin_initials(firm.name),
        )
    assert Enterprise.objects.filter(scale="above").exists()
    for figures in AnnualFigures.objects.all():
        assert figures.st_staff is not None
        assert figures.employees is not None
        assert figures.st_staff <= figures.employees
        assert figures.region_id == Enterprise.objects.get(pk=figures.enterprise_id).region_id
    assert set(AnnualFigures.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    today = timezone.localdate()
    for q in Qualification.objects.select_related("kind"):
        assert q.granted_on <= today
        if q.valid_until is not None:
            assert q.valid_until >= q.granted_on
    registered = Qualification.objects.filter(kind__code="above-scale-registered")
    assert registered.count() == Enterprise.objects.filter(scale="above").count()
    states = Counter(q.expiry_state(today) for q in Qualification.objects.all())
    assert states["expired"] > 0
    assert states["expiring"] > 0
    assert states["valid"] > 0


def test_demo_logins_authenticate_and_land_in_the_right_units() -> None:
    # when
    _demo()
    # then every login in the table signs in with the demo password
    rows = login_rows()
    assert {
        "admin",
        "auditor",
        "leader",
        "industry",
        "chain-fitness",
        "town-dacao",
        "town-baodian",
        "enterprise",
        "security",
    } <= {r[0] for r in rows}
    for username, password, *_ in rows:
        assert password == DEMO_PASSWORD
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=password) is not None, username
    roles = {u.username: u.roles for u in User.objects.all()}
    assert roles["admin"] == [Role.SYSTEM_ADMIN]
    assert roles["auditor"] == [Role.AUDIT_ADMIN]
    assert roles["security"] == [Role.SECURITY_ADMIN]
    assert roles["leader"] == [Role.COUNTY_LEADER]
    industry = User.objects.get(username="industry")
    assert industry.roles == [Role.INDUSTRY_OFFICE]
    assert industry.unit is not None
    assert industry.unit.name == "产业办"
    chain_office = User.objects.get(username="chain-fitness")
    assert Chain.objects.get(name="健身器材").office == chain_office.unit
    dacao = User.objects.get(username="town-dacao")
    assert dacao.unit is not None
    assert dacao.unit.town_region is not None
    assert dacao.unit.town_region.name == "大曹镇"
    baodian = User.objects.get(username="town-baodian")
    assert baodian.unit is not None
    assert baodian.unit.town_region is not None
    assert baodian.unit.town_region.name == "保店镇"
    # the enterprise user's firm is in 大曹镇, on the fitness chain, with figures and titles
    firm = User.objects.get(username="enterprise").enterprise
    assert firm is not None
    assert firm.region.name == "大曹镇"
    assert EnterpriseNode.objects.filter(enterprise=firm, node__chain__name="健身器材").exists()
    assert firm.figures.count() == 3
    high_tech = firm.qualifications.get(kind__code="high-tech")
    assert high_tech.expiry_state() == "expiring"
    table = format_logins()
    assert "Jinmu@demo2026" in table
    assert "town-dacao" in table
    assert "链长办" in table


def test_seed_data_is_audited_with_one_summary_row_per_model() -> None:
    # when
    _demo()
    # then
    rows = AuditLog.objects.filter(object_id="*")
    per_model = Counter(rows.values_list("content_type", flat=True))
    assert set(per_model.values()) == {1}
    enterprise_row = rows.get(content_type=ContentType.objects.get_for_model(Enterprise))
    assert enterprise_row.actor is None
    assert enterprise_row.action == "create"
    assert enterprise_row.after is not None
    assert enterprise_row.after["rows"] == SMALL
    # The targets are confirmed through the services, as the industry office would: those rows
    # are audited one by one under its name; everything else is a summary row.
    service_types = [ContentType.objects.get_for_model(m) for m in (Target, ReportedValue)]
    per_row = AuditLog.objects.exclude(object_id="*")
    assert per_row.exists()
    assert set(per_row.values_list("content_type", flat=True)) <= {t.pk for t in service_types}
    assert set(per_row.values_list("actor__username", flat=True)) <= {"industry", "dept-stats"}


def test_if_empty_keeps_existing_data_and_says_so() -> None:
    # given
    _demo()
    counts = (
        Enterprise.objects.count(),
        AnnualFigures.objects.count(),
        User.objects.count(),
        AuditLog.objects.count(),
    )
    # when
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    call_command("demo", "--if-empty", stdout=out)
    # then
    assert "not loaded again" in out.getvalue()
    assert counts == (
        Enterprise.objects.count(),
        AnnualFigures.objects.count(),
        User.objects.count(),
        AuditLog.objects.count(),
    )


def test_logins_option_only_prints_the_table() -> None:
    # when
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    # then
    assert "chain-fitness" in out.getvalue()
    assert not Enterprise.objects.exists()


def test_same_seed_same_data() -> None:
    # given two builds with the same seed in a fresh database each (the first one rolled back)
    def build(seed: int) -> str:
        with transaction.atomic():
            build_demo(seed=seed, enterprises=120)
            fingerprint = _fingerprint()
            transaction.set_rollback(True)
        return fingerprint

    # when
    first, second, other = build(11), build(11), build(12)
    # then
    assert first == second
    assert first != other


def test_generator_adds_firms_to_an_existing_demo_without_clashes() -> None:
    # given
    build_demo(seed=3, enterprises=100)
    ctx = prepare_world()
    # when a benchmark adds more firms with another seed
    result = generate_enterprises(400, seed=4, ctx=ctx, anchors=False, batch_size=150)
    # then
    assert result.enterprises == 400
    assert Enterprise.objects.count() == 500
    assert Enterprise.objects.values("uscc").distinct().count() == 500
    assert Enterprise.objects.values("name").distinct().count() == 500
    assert result.links >= 400
    # and the id sequence moved past the ids the generator assigned (PostgreSQL)
    first17 = "91371422ABCDEFGH1"
    later = Enterprise.objects.create(
        uscc=first17 + uscc_check_character(first17), name="后来登记的企业", region_id="371422105"
    )
    assert later.pk > max(Enterprise.objects.exclude(pk=later.pk).values_list("pk", flat=True))

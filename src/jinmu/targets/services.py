"""Writes of targets: create and change a target, decompose it to units, turn confirmed
extraction drafts into targets, and record a department's monthly value.

Every function is keyword-only, atomic and audited; a refusal stores nothing. The industry
office and the system administrator keep the targets; departments report values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.chains.models import Chain
from jinmu.core.choices import UnitKind
from jinmu.core.models import Region, Unit
from jinmu.core.permissions import has_action
from jinmu.core.regions import county_code, county_code_of
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.services import apply_fields, check_version, save_object
from jinmu.core.types import User
from jinmu.targets.choices import Bound, IndicatorSource, Period
from jinmu.targets.mapping import match_indicator, unit_factor, unit_fits
from jinmu.targets.models import Indicator, ReportedValue, Target

# Fields a target form, the API or a draft may set.
TARGET_FIELDS = (
    "indicator",
    "name",
    "year",
    "period",
    "value",
    "bound",
    "value_high",
    "unit",
    "condition",
    "front",
    "action",
    "responsible_unit",
    "chain",
    "additive",
    "monthly_shares",
    "source_sentence",
    "region",
)
# Kept from the parent by every part of a decomposition.
INHERITED_FIELDS = (
    "indicator",
    "name",
    "year",
    "period",
    "unit",
    "bound",
    "condition",
    "front",
    "action",
)
# What a decomposed whole may not change (its parts were set in these terms) …
DECOMPOSED_FIXED = ("indicator", "unit", "bound", "year", "period")
# … and what it passes on to its parts when it changes.
_PASSED_ON = ("name", "condition", "front", "action")
# Period words of the extraction's `period`, in the order they are tried.
_PERIOD_WORDS = (
    ("上半年", Period.H1),
    ("下半年", Period.H2),
    ("一季度", Period.Q1),
    ("二季度", Period.Q2),
    ("三季度", Period.Q3),
    ("四季度", Period.Q4),
)


def can_manage_targets(actor: User) -> bool:
    """Who may create, change and decompose targets."""
    return has_action(actor, "targets.change_target")


def can_report_values(actor: User) -> bool:
    """Who may enter the monthly value of a reported indicator."""
    return has_action(actor, "targets.report_target")


def can_report_indicator(actor: User, indicator: Indicator) -> bool:
    """Whether the actor may enter or correct this indicator's values: those who keep targets
    always; a department only the indicators it reports (the indicator's `reported_by` names
    the department's short name or name)."""
    if not can_report_values(actor):
        return False
    if can_manage_targets(actor) or not indicator.reported_by:
        return True
    unit = getattr(actor, "unit", None)
    return unit is not None and indicator.reported_by in (unit.short_name, unit.name)


def _require_manager(actor: User) -> None:
    """Refuse unless the actor keeps targets."""
    if not can_manage_targets(actor):
        raise PermissionDenied(_("Only the industry office can set targets."))


def _require_region(actor: User, region_code: str) -> None:
    """Refuse a write outside the actor's region."""
    scope = scope_for(actor)
    if scope.kind is not ScopeKind.REGION or not str(region_code).startswith(scope.region_prefix):
        raise PermissionDenied(_("You may only set targets inside your own region."))


def county_of_manager(actor: User) -> Region:
    """The county whose targets the actor keeps; anyone else is refused."""
    _require_manager(actor)
    code = county_code_of(actor)
    county = Region.objects.filter(code=code).first() if code else None
    if county is None:
        raise PermissionDenied(_("Only the industry office can set targets."))
    return county


def actor_region(actor: User) -> Region | None:
    """The region the actor works in (their own, or their unit's)."""
    region: Region | None = getattr(actor, "region", None)
    unit = getattr(actor, "unit", None)
    if region is None and unit is not None:
        region = unit.region
    return region


def _decimal(value: Any, field: str) -> Decimal:
    """A decimal from a number or a numeric string; refused per field otherwise."""
    if isinstance(value, Decimal):
        return value
    try:
        # Floats go through str() so 291.3 stays 291.3 rather than its binary expansion.
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError({field: _("Enter a number.")}) from error


def _normalise(target: Target) -> None:
    """Check the value and unit, and store money in the indicator's unit (万元 → 亿元), so the
    target compares directly with what the indicator measures."""
    errors: dict[str, str] = {}
    if target.value is not None and _decimal(target.value, "value") < 0:
        errors["value"] = _("A target value cannot be negative.")
    if target.indicator_id and not unit_fits(target.indicator, target.unit or ""):
        errors["unit"] = _(
            "The unit {unit} does not fit the indicator {indicator}, which is counted in {own}."
        ).format(
            unit=target.unit or "—", indicator=target.indicator.name, own=target.indicator.unit
        )
    if errors:
        raise ValidationError(errors)
    if target.indicator_id and target.unit != target.indicator.unit:
        factor = unit_factor(target.unit, target.indicator.unit)
        # Rounded to the four places a target keeps (1.5万元 is 0.00015亿元 → 0.0002), so a
        # conversion never fails on digits the user did not type.
        target.value = _four(_decimal(target.value, "value") * factor)
        if target.value_high is not None:
            target.value_high = _four(_decimal(target.value_high, "value_high") * factor)
        target.unit = target.indicator.unit


def _four(value: Decimal) -> Decimal:
    """Rounded half up to four decimal places."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _place(target: Target) -> None:
    """Keep the target's region, responsible unit and chain consistent, since they decide both
    who sees it and what it measures: a town's target lies in the town; a chain office answers
    for its chain; the unit belongs to the target's county."""
    unit = target.responsible_unit
    if unit is None:
        return
    county = county_code(target.region_id)
    if not unit.region_id.startswith(county):
        raise ValidationError({"responsible_unit": _("Choose a unit of the target's county.")})
    if unit.kind == UnitKind.TOWN and unit.town_region_id:
        if target.region_id == unit.town_region_id:
            return
        if len(target.region_id) > 6 and not target.parent_id:
            raise ValidationError(
                {"responsible_unit": _("A town's target lies in that town, not in another.")}
            )
        # A county goal given to a town is the town's own goal, and a part handed to another
        # town moves there: either way it is measured in, and seen by, that town only.
        target.region_id = unit.town_region_id
        return
    if unit.kind == UnitKind.CHAIN_OFFICE:
        if target.chain_id is None:
            chains = list(Chain.objects.filter(office=unit)[:2])
            if len(chains) != 1:
                raise ValidationError({"chain": _("Choose the chain this office answers for.")})
            target.chain = chains[0]
        elif target.chain is not None and target.chain.office_id != unit.pk:
            raise ValidationError({"chain": _("This chain is kept by another office.")})


def whole_of(target: Target) -> Decimal:
    """The amount the parts of an additive target may add up to."""
    if target.bound == Bound.RANGE and target.value_high is not None:
        return Decimal(target.value_high)
    return Decimal(target.value)


def _check_parts_sum(parent: Target) -> None:
    """Refuse when the stored parts of an additive target add up to more than the whole."""
    if not parent.additive:
        return
    total = sum((Decimal(p.value) for p in parent.parts.all()), Decimal(0))
    if total > whole_of(parent):
        raise ValidationError({"value": _parts_exceed_message(total, whole_of(parent))})


def _parts_exceed_message(total: Decimal, whole: Decimal) -> str:
    """The message of a decomposition larger than its target."""
    return _("The parts add up to {total}, more than the target's {whole}.").format(
        total=plain(total), whole=plain(whole)
    )


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros (30, not 30.0000)."""
    return format(value.normalize(), "f")


@transaction.atomic
def create_target(*, actor: User, data: Mapping[str, Any]) -> Target:
    """Create a target in the actor's region (or `data["region"]`) after checking its unit,
    value and range."""
    _require_manager(actor)
    target = apply_fields(Target(), data, TARGET_FIELDS)
    if not target.region_id:
        region = actor_region(actor)
        if region is None:
            raise ValidationError({"region": _("Choose the region the target applies to.")})
        target.region = region
    _require_region(actor, target.region_id)
    _normalise(target)
    _place(target)
    _require_region(actor, target.region_id)
    target.created_by = actor
    return save_object(target, actor=actor)


@transaction.atomic
def update_target(
    *, actor: User, target: Target, data: Mapping[str, Any], expected_version: int | None
) -> Target:
    """Change a target's fields. A part keeps what it inherits from its whole; a decomposed
    whole keeps what its parts were set in (indicator, unit, bound, year, period) and passes
    its name, condition, front and action on to them; the sums must still hold."""
    _require_manager(actor)
    _require_region(actor, target.region_id)
    if target.parent_id:
        # Locks the whole first, as decompose() does, so parts are summed one writer at a time.
        Target.objects.select_for_update().get(pk=target.parent_id)
    current = Target.objects.select_for_update().get(pk=target.pk)
    check_version(current, expected_version)
    changed = {
        name for name in data if name in TARGET_FIELDS and data[name] != getattr(current, name)
    }
    errors: dict[str, str] = {}
    if current.parent_id:
        for name in sorted(changed & set(INHERITED_FIELDS)):
            errors[name] = _("A part keeps this from the target it is part of.")
    elif current.parts.exists():
        # The parts were set in these terms; they would silently stop adding up.
        for name in sorted(changed & set(DECOMPOSED_FIXED)):
            errors[name] = _("A decomposed target keeps this; its parts were set in it.")
    if errors:
        raise ValidationError(errors)
    apply_fields(target, data, TARGET_FIELDS)
    _require_region(actor, target.region_id)
    _normalise(target)
    _place(target)
    _require_region(actor, target.region_id)
    save_object(target, actor=actor, expected_version=expected_version)
    _check_parts_sum(target)
    if target.parent_id:
        _check_parts_sum(Target.objects.get(pk=target.parent_id))
    passed_on = changed & set(_PASSED_ON)
    if passed_on and not target.parent_id:
        for part in target.parts.select_for_update():
            for name in passed_on:
                setattr(part, name, getattr(target, name))
            save_object(part, actor=actor)
    return target


def _part_holder(parent: Target, part: Mapping[str, Any], index: int) -> dict[str, Any]:
    """The region, responsible unit and chain of one part, from its `town` (region code),
    `unit` (a park or department) or `chain`."""
    key = f"parts.{index}"
    named = [name for name in ("town", "unit", "chain") if part.get(name)]
    if len(named) != 1:
        raise ValidationError({key: _("Name one town, park, department or chain per part.")})
    county = county_code(parent.region_id)
    if named[0] == "town":
        code = str(part["town"])
        town = Region.objects.filter(code=code, code__startswith=county).first()
        if town is None or town.code == parent.region_id:
            raise ValidationError({f"{key}.town": _("No such town in the target's region.")})
        town_unit = Unit.objects.filter(kind=UnitKind.TOWN, town_region=town).first()
        return {"region": town, "responsible_unit": town_unit, "chain": None}
    if named[0] == "unit":
        raw_unit = part["unit"]
        unit = raw_unit if isinstance(raw_unit, Unit) else Unit.objects.filter(pk=raw_unit).first()
        if (
            unit is None
            or unit.kind not in (UnitKind.PARK, UnitKind.DEPARTMENT, UnitKind.TOWN)
            or not unit.region_id.startswith(county)
        ):
            raise ValidationError(
                {f"{key}.unit": _("Choose a park or department of the target's region.")}
            )
        region = unit.town_region if unit.kind == UnitKind.TOWN and unit.town_region else None
        return {"region": region or parent.region, "responsible_unit": unit, "chain": None}
    raw_chain = part["chain"]
    chain = (
        raw_chain if isinstance(raw_chain, Chain) else Chain.objects.filter(pk=raw_chain).first()
    )
    if chain is None or not chain.region_id.startswith(county):
        raise ValidationError({f"{key}.chain": _("Choose a chain of the target's region.")})
    return {"region": parent.region, "responsible_unit": chain.office, "chain": chain}


@transaction.atomic
def decompose(*, actor: User, target: Target, parts: list[dict[str, Any]]) -> list[Target]:
    """Split a target into parts held by towns, parks, chains or departments; for an additive
    target the parts (with any stored before) must not exceed the whole."""
    _require_manager(actor)
    _require_region(actor, target.region_id)
    if not parts:
        raise ValidationError({"parts": _("Give at least one part.")})
    # Lock the whole so two decompositions cannot together exceed it.
    target = Target.objects.select_for_update().select_related("region").get(pk=target.pk)
    errors: dict[str, list[str]] = {}
    children: list[Target] = []
    for index, part in enumerate(parts):
        try:
            holder = _part_holder(target, part, index)
            value = _decimal(part.get("value"), f"parts.{index}.value")
            if value < 0:
                raise ValidationError(
                    {f"parts.{index}.value": _("A target value cannot be negative.")}
                )
            child = Target(parent=target, value=value, created_by=actor, **holder)
            for name in INHERITED_FIELDS:
                setattr(child, name, getattr(target, name))
            if part.get("value_high") is not None:
                child.value_high = _decimal(part["value_high"], f"parts.{index}.value_high")
            child.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                name = field if field.startswith("parts") else f"parts.{index}.{field}"
                errors.setdefault(name, []).extend(messages)
            continue
        children.append(child)
    if target.additive and not errors:
        stored = sum((Decimal(p.value) for p in target.parts.all()), Decimal(0))
        total = stored + sum((Decimal(c.value) for c in children), Decimal(0))
        if total > whole_of(target):
            errors["parts"] = [_parts_exceed_message(total, whole_of(target))]
    if errors:
        raise ValidationError(errors)
    return [save_object(child, actor=actor, validate=False) for child in children]


def period_of_draft(text: str | None) -> str:
    """The period of an extraction's `period` text (上半年 → h1, 三季度 → q3, else the year)."""
    for word, period in _PERIOD_WORDS:
        if text and word in text:
            return period.value
    return Period.YEAR.value


def _unit_key(value: Any) -> int | None:
    """A draft's `responsible_unit` as a unit's pk; None when it names none."""
    if value is None or isinstance(value, bool | Unit):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _DraftLookups:
    """The drafts' indicators and units, each read in one query however many drafts there are."""

    def __init__(self, region: Region, drafts: list[dict[str, Any]]) -> None:
        codes = {str(draft["indicator_code"]) for draft in drafts if draft.get("indicator_code")}
        active = Indicator.objects.filter(is_active=True)
        self.by_code = active.in_bulk(codes, field_name="code") if codes else {}
        self.catalogue: list[Indicator] | None = None  # the active catalogue, read when needed
        unit_keys = {
            _unit_key(draft.get("responsible_unit"))
            for draft in drafts
            if not isinstance(draft.get("responsible_unit"), Unit)
        } - {None}
        self.units = Unit.objects.filter(region=region).in_bulk(unit_keys) if unit_keys else {}

    def indicator(self, draft: Mapping[str, Any], unit: str) -> Indicator | None:
        """The draft's indicator: by its code, else matched in the catalogue by name and unit."""
        code = draft.get("indicator_code")
        if code:
            return self.by_code.get(str(code))
        if self.catalogue is None:
            self.catalogue = list(Indicator.objects.filter(is_active=True))
        return match_indicator(str(draft.get("indicator") or ""), unit, self.catalogue)

    def responsible(self, draft: Mapping[str, Any]) -> tuple[Unit | None, bool]:
        """The draft's responsible unit and whether it was found (naming none is found)."""
        responsible = draft.get("responsible_unit")
        if responsible is None or isinstance(responsible, Unit):
            return responsible, True
        unit_key = _unit_key(responsible)
        found = self.units.get(unit_key) if unit_key is not None else None
        return found, found is not None


def _draft_data(
    draft: Mapping[str, Any],
    *,
    indicator: Indicator,
    responsible: Unit | None,
    region: Region,
    year: int,
    unit: str,
) -> dict[str, Any]:
    """The target fields of a confirmed draft; a value that is not a number is refused."""
    high = draft.get("value_high")
    return {
        "indicator": indicator,
        "name": str(draft.get("indicator") or indicator.name)[:200],
        "year": year,
        "period": period_of_draft(draft.get("period")),
        "value": _decimal(draft.get("value"), "value"),
        "bound": draft.get("bound") or Bound.EXACT,
        "value_high": None if high is None else _decimal(high, "value_high"),
        "unit": unit,
        "condition": str(draft.get("condition") or "")[:100],
        "front": draft.get("front") or "",
        "action": draft.get("action") or "",
        "responsible_unit": responsible,
        "source_sentence": str(draft.get("sentence") or ""),
        "region": region,
    }


def _collect(errors: dict[str, list[str]], key: str, error: ValidationError) -> None:
    """Add a refusal's messages under the draft's key."""
    for field, messages in error.message_dict.items():
        errors.setdefault(f"{key}.{field}", []).extend(messages)


def _target_from_draft(
    draft: Mapping[str, Any],
    key: str,
    *,
    actor: User,
    region: Region,
    year: int,
    lookups: _DraftLookups,
    errors: dict[str, list[str]],
) -> Target | None:
    """One draft's target, or None with its refusals added to `errors`."""
    unit = str(draft.get("unit") or "")
    indicator = lookups.indicator(draft, unit)
    if indicator is None:
        errors.setdefault(f"{key}.indicator", []).append(
            _("“{name}” matches no indicator of the catalogue; choose one.").format(
                name=draft.get("indicator") or "—"
            )
        )
        return None
    responsible, found = lookups.responsible(draft)
    if not found:
        errors.setdefault(f"{key}.responsible_unit", []).append(_("No such unit in this region."))
        return None
    try:
        data = _draft_data(
            draft, indicator=indicator, responsible=responsible, region=region, year=year, unit=unit
        )
    except ValidationError as error:
        _collect(errors, key, error)
        return None
    try:
        # A savepoint per draft, so every draft's errors are collected before the whole
        # batch is rolled back.
        with transaction.atomic():
            return create_target(actor=actor, data=data)
    except ValidationError as error:
        _collect(errors, key, error)
        return None


@transaction.atomic
def targets_from_drafts(
    *, actor: User, region_code: str, year: int, drafts: list[dict[str, Any]]
) -> list[Target]:
    """Turn confirmed extraction drafts (optionally with `indicator_code`, `front`, `action`,
    `responsible_unit`) into targets of `region_code` and `year`; any refused draft stores
    none of them."""
    _require_manager(actor)
    _require_region(actor, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region": _("No such region.")})
    if not drafts:
        raise ValidationError({"drafts": _("There are no drafts to confirm.")})
    errors: dict[str, list[str]] = {}
    lookups = _DraftLookups(region, drafts)
    created: list[Target] = []
    for index, draft in enumerate(drafts):
        target = _target_from_draft(
            draft,
            f"drafts.{index}",
            actor=actor,
            region=region,
            year=year,
            lookups=lookups,
            errors=errors,
        )
        if target is not None:
            created.append(target)
    if errors:
        raise ValidationError(errors)
    return created


def _first_of_month(day: dt.date) -> dt.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


@transaction.atomic
def report_value(
    *,
    actor: User,
    indicator: Indicator,
    region_code: str,
    month: dt.date,
    value: Any,
    evidence: str,
    expected_version: int | None = None,
) -> ReportedValue:
    """Record (or, with `expected_version`, correct) the month's value of a reported indicator;
    a future month and a value without evidence are refused."""
    if not can_report_values(actor):
        raise PermissionDenied(_("Only departments report indicator values."))
    if not can_report_indicator(actor, indicator):
        raise PermissionDenied(
            _("{indicator} is reported by {unit}.").format(
                indicator=indicator.name, unit=indicator.reported_by
            )
        )
    scope = scope_for(actor)
    if scope.kind is not ScopeKind.REGION or not region_code.startswith(scope.region_prefix):
        raise PermissionDenied(_("You may only report values for your own region."))
    errors: dict[str, str] = {}
    if indicator.source != IndicatorSource.REPORTED:
        errors["indicator"] = _("This indicator is measured from the platform, not reported.")
    month = _first_of_month(month)
    if month > _first_of_month(timezone.localdate()):
        errors["month"] = _("A value cannot be reported for a month that has not begun.")
    if not (evidence or "").strip():
        errors["evidence"] = _("Give the evidence of the value (a document or statistic).")
    number = _decimal(value, "value")
    if errors:
        raise ValidationError(errors)
    existing = (
        ReportedValue.objects.select_for_update()
        .filter(region_id=region_code, indicator=indicator, month=month)
        .first()
    )
    if existing is not None and expected_version is None:
        # Overwriting needs the version the reporter saw, so two reports cannot race silently.
        raise ValidationError({"month": _("A value for this indicator and month already exists.")})
    row = existing or ReportedValue(region_id=region_code, indicator=indicator, month=month)
    row.value = number
    row.evidence = evidence.strip()
    row.reported_by = actor
    unit = getattr(actor, "unit", None)
    if unit is not None and row.reporting_unit_id is None:
        # A correction keeps the unit that reported the value; the audit log names the editor.
        row.reporting_unit = unit
    return save_object(row, actor=actor, expected_version=expected_version)

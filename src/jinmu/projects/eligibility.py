"""Whether an attraction project counts as a 过亿元 (or 过10亿元) attraction project.

Rules from practice.md (宣城 2024), each threshold from the region's `LedgerSettings`:

- 过亿元 / 过10亿元 are read from the total investment alone (`attraction_min_total`,
  `attraction_big_total`): the labels a project carries in lists.
- It *qualifies by amount* when the total reaches `attraction_min_total` and the fixed-asset
  investment reaches `attraction_min_fixed_assets` (a manufacturing lead: ≥ 1亿 with ≥ 6000万
  fixed assets).
- It is *eligible* when it qualifies by amount and none of its `exclusions` (local capital,
  fiscal investment, real estate …) is among the region's `attraction_excluded` categories.
- It is *counted as attracted* when it is eligible and has been successfully attracted: contract
  signed, business and tax registration done and main works started — in the attraction
  lifecycle, the project has reached 开工 (started, completed, in production or effective). A
  terminated project is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from jinmu.core.money import wan_text_exact
from jinmu.projects.choices import (
    LIFECYCLES,
    STARTED_STATES,
    AttractionExclusion,
    ProjectKind,
    ProjectStatus,
)
from jinmu.projects.leads import filter_per_settings
from jinmu.projects.models import LedgerSettings, Project, settings_for

_QS = TypeVar("_QS", bound=models.QuerySet[Any])

_ORDER = list(LIFECYCLES[ProjectKind.ATTRACTION])


@dataclass(frozen=True)
class Eligibility:
    """The verdict on one project, with the reasons (translated) behind each negative flag."""

    applies: bool
    over_100m: bool = False
    over_1b: bool = False
    qualifies_by_amount: bool = False
    amount_reasons: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    attracted: bool = False
    stage_reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Qualifies by amount and falls in no excluded category."""
        return self.qualifies_by_amount and not self.excluded

    @property
    def counted(self) -> bool:
        """Counted as a successfully attracted 过亿元 project."""
        return self.eligible and self.attracted

    @property
    def counted_over_1b(self) -> bool:
        """Counted, and over the 过10亿 line."""
        return self.counted and self.over_1b

    @property
    def exclusion_reasons(self) -> list[str]:
        """One sentence per excluded category the project falls in."""
        return [_("Excluded category: %(category)s.") % {"category": c} for c in self.excluded]

    @property
    def reasons(self) -> list[str]:
        """Everything that keeps the project from being counted."""
        if not self.applies:
            return [_("Only investment attraction projects are counted.")]
        return [*self.amount_reasons, *self.exclusion_reasons, *self.stage_reasons]


def _at_least(value: Decimal | None, threshold: Decimal | None) -> bool:
    """A missing threshold is no threshold; a missing amount never reaches a real one."""
    if threshold is None:
        return True
    return value is not None and value >= threshold


def excluded_categories(project: Project, rules: LedgerSettings) -> list[str]:
    """Codes of the project's exclusions that the region excludes from counting."""
    excluded = set(rules.attraction_excluded or [])
    return [code for code in (project.exclusions or []) if code in excluded]


def _shortfall(
    amount: Decimal | None, minimum: Decimal | None, missing: str, below: str
) -> str | None:
    """Why an amount misses its minimum (`missing` when not given, `below` formatted with
    both in 10k yuan), or None when there is no minimum or the amount reaches it."""
    if minimum is None:
        return None
    if amount is None:
        return missing
    if amount < minimum:
        return below % {"amount": wan_text_exact(amount), "minimum": wan_text_exact(minimum)}
    return None


def _amount_reasons(project: Project, rules: LedgerSettings) -> list[str]:
    reasons = (
        _shortfall(
            project.total_investment,
            rules.attraction_min_total,
            _("The total investment is not given."),
            _(
                "Total investment of %(amount)s (10k yuan) is below the minimum of "
                "%(minimum)s (10k yuan)."
            ),
        ),
        _shortfall(
            project.fixed_asset_investment,
            rules.attraction_min_fixed_assets,
            _("The fixed-asset investment is not given."),
            _(
                "Fixed-asset investment of %(amount)s (10k yuan) is below the minimum of "
                "%(minimum)s (10k yuan)."
            ),
        ),
    )
    return [reason for reason in reasons if reason is not None]


def _stage_reasons(project: Project) -> list[str]:
    status = project.status
    if status == ProjectStatus.TERMINATED:
        return [_("The project was terminated.")]
    if status in STARTED_STATES:
        return []
    position = _ORDER.index(status) if status in _ORDER else -1
    reasons: list[str] = []
    if position < _ORDER.index(ProjectStatus.SIGNED):
        reasons.append(_("No contract has been signed yet."))
    if position < _ORDER.index(ProjectStatus.REGISTERED):
        reasons.append(_("Business and tax registration is not done yet."))
    reasons.append(_("Main works have not started yet."))
    return reasons


def eligibility(project: Project, settings: LedgerSettings | None = None) -> Eligibility:
    """Judge one project under its region's settings (or the `settings` given)."""
    if project.kind != ProjectKind.ATTRACTION:
        return Eligibility(applies=False)
    rules = settings or settings_for(project.region_id)
    total = project.total_investment
    amount_reasons = _amount_reasons(project, rules)
    stage_reasons = _stage_reasons(project)
    labels = dict(AttractionExclusion.choices)
    return Eligibility(
        applies=True,
        over_100m=_at_least(total, rules.attraction_min_total) and total is not None,
        over_1b=rules.attraction_big_total is not None
        and _at_least(total, rules.attraction_big_total),
        qualifies_by_amount=not amount_reasons,
        amount_reasons=amount_reasons,
        excluded=[str(labels.get(code, code)) for code in excluded_categories(project, rules)],
        attracted=not stage_reasons,
        stage_reasons=stage_reasons,
    )


# --------------------------------------------------------------------------- querysets


def _total_at_least(threshold: Decimal | None) -> Q:
    if threshold is None:
        return Q(total_investment__isnull=False)
    return Q(total_investment__gte=threshold)


def _over_100m(rules: LedgerSettings) -> Q:
    return _total_at_least(rules.attraction_min_total)


def _over_1b(rules: LedgerSettings) -> Q:
    if rules.attraction_big_total is None:
        return Q(pk__in=[])
    return Q(total_investment__gte=rules.attraction_big_total)


def _by_amount(rules: LedgerSettings) -> Q:
    condition = Q()
    if rules.attraction_min_total is not None:
        condition &= Q(total_investment__gte=rules.attraction_min_total)
    if rules.attraction_min_fixed_assets is not None:
        condition &= Q(fixed_asset_investment__gte=rules.attraction_min_fixed_assets)
    return condition


def _not_excluded(rules: LedgerSettings) -> Q:
    # The exclusions are a JSON list of codes; its text holds each code in double quotes, which
    # works alike on SQLite and PostgreSQL (JSON containment is not available on SQLite).
    condition = Q()
    for code in rules.attraction_excluded or []:
        condition &= ~Q(exclusions_text__contains=f'"{code}"')
    return condition


def _eligible(rules: LedgerSettings) -> Q:
    return _by_amount(rules) & _not_excluded(rules)


def _counted(rules: LedgerSettings) -> Q:
    return _eligible(rules) & Q(status__in=[s.value for s in STARTED_STATES])


def _attraction(queryset: _QS) -> _QS:
    queryset = queryset.filter(kind=ProjectKind.ATTRACTION)
    if "exclusions_text" in queryset.query.annotations:  # helpers may be chained
        return queryset
    return queryset.annotate(exclusions_text=Cast("exclusions", TextField()))


def over_100m(queryset: _QS, region: Any = None) -> _QS:
    """Attraction projects whose total investment reaches the 过亿元 line."""
    return filter_per_settings(_attraction(queryset), _over_100m, region=region)


def over_1b(queryset: _QS, region: Any = None) -> _QS:
    """Attraction projects whose total investment reaches the 过10亿元 line."""
    return filter_per_settings(_attraction(queryset), _over_1b, region=region)


def qualifying(queryset: _QS, region: Any = None) -> _QS:
    """Attraction projects that qualify by amount (total and fixed assets)."""
    return filter_per_settings(_attraction(queryset), _by_amount, region=region)


def eligible(queryset: _QS, region: Any = None) -> _QS:
    """Attraction projects that qualify by amount and fall in no excluded category."""
    return filter_per_settings(_attraction(queryset), _eligible, region=region)


def counted(queryset: _QS, region: Any = None) -> _QS:
    """Eligible attraction projects that were successfully attracted (works started).

    With `region` that region's settings apply to all rows (a county counting with its own
    rules); without it each project follows the settings of its own region.
    """
    return filter_per_settings(_attraction(queryset), _counted, region=region)

"""The form of a target: `TargetForm` creates or edits one (edits carry the version they were
opened on). Every choice is limited to the user's region, so an out-of-scope value is an
invalid choice; `jinmu.targets.services` writes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain
from jinmu.core.choices import UnitKind
from jinmu.core.forms import add_version_field, bootstrap
from jinmu.core.models import Unit
from jinmu.core.places import county_prefix
from jinmu.core.scoping import scope_for
from jinmu.core.types import User
from jinmu.targets.choices import MAX_YEAR, MIN_YEAR, Action, Bound, Front, Period
from jinmu.targets.models import Indicator, Target
from jinmu.targets.services import DECOMPOSED_FIXED, INHERITED_FIELDS, plain

# Units a target form suggests (the catalogue's units; any other is typed).
UNIT_SUGGESTIONS = ("家", "个", "项", "亿元", "万元", "%")
# Kinds of units that may answer for a target or hold a part of one.
RESPONSIBLE_KINDS = (
    UnitKind.INDUSTRY_OFFICE,
    UnitKind.CHAIN_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.TOWN,
    UnitKind.PARK,
)
_SEPARATORS = re.compile(r"[,，、;；\s]+")
# What the form shows but does not take: a part's inherited fields, and what a decomposed
# whole keeps (the services refuse changes to them either way).
PART_INHERITED_FIELDS = INHERITED_FIELDS
DECOMPOSED_LOCKED_FIELDS = DECOMPOSED_FIXED


def bounded_int(text: str | None, low: int, high: int) -> int | None:
    """A whole number typed in ASCII digits within [low, high]; None otherwise (never converts
    a number of unbounded size, nor digits like "²" that `int()` refuses)."""
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdecimal() or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def plain_value(value: Decimal | None) -> str | None:
    """A stored decimal as typed (30, not 30.0000)."""
    return None if value is None else plain(Decimal(value))


def _json_number(value: Decimal) -> int | float:
    """A share (a finite decimal between 0 and 1, checked before) as a JSON number (an integer
    when it is whole: 0 or 1)."""
    if not value.is_finite() or value < 0 or value > 1:
        raise ValueError(f"not a share: {value!r}")
    return int(value) if value in (0, 1) else float(value)


def _share(piece: str) -> Decimal:
    """One typed share: a finite decimal between 0 and 1 (its magnitude is checked on the
    exponent, before anything converts it)."""
    try:
        number = Decimal(piece)
    except InvalidOperation as error:
        raise ValidationError(
            _("Enter numbers separated by commas, e.g. 0.05, 0.12, …, 1."), code="invalid"
        ) from error
    # `adjusted()` is the exponent of the leading digit: above 0 means 10 or more.
    if not number.is_finite() or number.adjusted() > 0 or number < 0 or number > 1:
        raise ValidationError(
            _("Each share must be a number between 0 and 1; {piece} is not.").format(
                piece=piece[:20]
            ),
            code="out_of_range",
        )
    return number


class SharesField(forms.CharField):
    """A monthly profile typed as comma-separated numbers (blank: the linear 序时 share); the
    model checks the count, the order and the last 1."""

    def prepare_value(self, value: Any) -> Any:
        """A stored list shows as "0.05, 0.12, …"."""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[int | float] | None:  # type: ignore[override]
        """Text → a list of numbers; None when blank."""
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        numbers: list[int | float] = []
        for piece in _SEPARATORS.split(text):
            if not piece:
                continue
            numbers.append(_json_number(_share(piece)))
        return numbers


class TargetForm(forms.Form):
    """Create or edit a target; the services check the unit against the indicator, the range
    and the monthly profile, and refuse an edit opened on an older version."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label=_("Goal as written"),
        max_length=200,
        help_text=_("The goal's name as the work report writes it, e.g. 国家级高新技术企业."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.YEAR)
    value = forms.DecimalField(label=_("Target value"), max_digits=20, decimal_places=4)
    bound = forms.ChoiceField(label=_("Bound"), choices=Bound.choices, initial=Bound.AT_LEAST)
    value_high = forms.DecimalField(
        label=_("Upper value"),
        required=False,
        help_text=_("Only for a range, e.g. 6 in 5%–6%."),
        max_digits=20,
        decimal_places=4,
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=10,
        help_text=_(
            "As written: 家, 个, 项, 亿元, 万元, % …; money is stored in the indicator's unit."
        ),
    )
    condition = forms.CharField(
        label=_("Condition"),
        max_length=100,
        required=False,
        help_text=_("E.g. 投资≥500万元."),
    )
    front = forms.ChoiceField(label=_("Front"), choices=[("", "—"), *Front.choices], required=False)
    action = forms.ChoiceField(
        label=_("四提四增 action"), choices=[("", "—"), *Action.choices], required=False
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none(), required=False
    )
    chain = forms.ModelChoiceField(label=_("Chain"), queryset=Chain.objects.none(), required=False)
    additive = forms.BooleanField(
        label=_("Parts add up"),
        required=False,
        initial=True,
        help_text=_("When set, the parts of a decomposition must not exceed the target."),
    )
    monthly_shares = SharesField(
        label=_("Cumulative monthly shares"),
        required=False,
        help_text=_(
            "Optional: one cumulative share per month of the period, rising to 1 "
            "(twelve for a year, e.g. 0.05, 0.12, …, 1); blank for the linear 序时 share."
        ),
    )

    # Laid out in this order, a section per tuple.
    sections = (
        (_("Goal"), ("indicator", "name", "year", "period")),
        (_("Value"), ("value", "bound", "value_high", "unit", "condition")),
        (_("Group and responsibility"), ("front", "action", "responsible_unit", "chain")),
        (_("Decomposition and profile"), ("additive", "monthly_shares")),
    )
    wide_fields = ("name", "monthly_shares")
    unit_suggestions = UNIT_SUGGESTIONS

    def __init__(self, *args: Any, user: User, instance: Target | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        # Only managers open this form, whose scope is their region.
        prefix = county_prefix(scope_for(user))
        indicators = Indicator.objects.filter(is_active=True).order_by("source", "code")
        if instance is not None:
            # An indicator retired since still shows on its targets.
            indicators = Indicator.objects.filter(
                pk__in=[*indicators.values_list("pk", flat=True), instance.indicator_id]
            ).order_by("source", "code")
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["responsible_unit"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.filter(
                region__code__startswith=prefix, kind__in=RESPONSIBLE_KINDS, is_active=True
            ).order_by("kind", "name")
            if prefix
            else Unit.objects.none()
        )
        self.fields["chain"].queryset = Chain.objects.for_user(user).order_by(  # type: ignore[attr-defined]
            "name"
        )
        self.fields["unit"].widget.attrs["list"] = "target-units"
        # An edit must carry the version it was opened on; a new target has none.
        add_version_field(
            self, instance.version if instance is not None else None, required=instance is not None
        )
        if instance is not None:
            self.initial.update(self._initial_from(instance))
            for name in self.locked_fields(instance):
                # Shown as stored, not taken from the post (the services refuse them too).
                self.fields[name].disabled = True
        bootstrap(self)

    @staticmethod
    def locked_fields(target: Target) -> tuple[str, ...]:
        """Fields an edit may not change: a part's are inherited from its whole; a decomposed
        whole's are the ones its parts share."""
        if target.parent_id:
            return PART_INHERITED_FIELDS
        if target.pk is not None and Target.objects.filter(parent_id=target.pk).exists():
            return DECOMPOSED_LOCKED_FIELDS
        return ()

    @staticmethod
    def _initial_from(target: Target) -> dict[str, Any]:
        """The form's values from a stored target."""
        return {
            "indicator": target.indicator_id,
            "name": target.name,
            "year": target.year,
            "period": target.period,
            "value": plain_value(target.value),
            "bound": target.bound,
            "value_high": plain_value(target.value_high),
            "unit": target.unit,
            "condition": target.condition,
            "front": target.front,
            "action": target.action,
            "responsible_unit": target.responsible_unit_id,
            "chain": target.chain_id,
            "additive": target.additive,
            "monthly_shares": target.monthly_shares,
        }

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `services.create_target` / `update_target` take them."""
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "name": data["name"].strip(),
            "year": data["year"],
            "period": data["period"],
            "value": data["value"],
            "bound": data["bound"],
            "value_high": data.get("value_high"),
            "unit": data["unit"].strip(),
            "condition": (data.get("condition") or "").strip(),
            "front": data.get("front") or "",
            "action": data.get("action") or "",
            "responsible_unit": data.get("responsible_unit"),
            "chain": data.get("chain"),
            "additive": bool(data.get("additive")),
            "monthly_shares": data.get("monthly_shares"),
        }

    def field_sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The bound fields of each section, in order."""
        return [(title, [self[name] for name in names]) for title, names in self.sections]

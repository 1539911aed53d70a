"""The rows of a decomposition: `PartForm` / `PartFormSet`, each row naming one holder (a town,
a park or department, or a chain) of the target's county and a value."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain
from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.forms import bootstrap
from jinmu.core.models import Region, Unit
from jinmu.core.regions import county_code
from jinmu.core.types import User
from jinmu.targets.models import Target


def towns_for_parts(target: Target) -> QuerySet[Region]:
    """Towns that may hold a part of the target: those of its county (the rule of
    `services.decompose`: the first six digits of its region), not its own."""
    return (
        Region.objects.filter(
            level=RegionLevel.TOWN, code__startswith=county_code(target.region_id)
        )
        .exclude(code=target.region_id)
        .order_by("code")
    )


def units_for_parts(target: Target) -> QuerySet[Unit]:
    """Parks and departments of the target's county."""
    return Unit.objects.filter(
        kind__in=(UnitKind.PARK, UnitKind.DEPARTMENT),
        region__code__startswith=county_code(target.region_id),
        is_active=True,
    ).order_by("kind", "name")


def chains_for_parts(target: Target, user: User) -> QuerySet[Chain]:
    """Chains of the target's county the user sees."""
    return (
        Chain.objects.for_user(user)
        .filter(region__code__startswith=county_code(target.region_id))
        .order_by("name")
    )


def holder_choices(target: Target, user: User) -> list[tuple[Any, Any]]:
    """The holders a part may name, grouped: towns, parks and departments, chains; each value
    is "town:<code>", "unit:<pk>" or "chain:<pk>"."""
    towns = [(f"town:{t.code}", t.name) for t in towns_for_parts(target)]
    units = [
        (f"unit:{u.pk}", f"{u.name} ({u.get_kind_display()})") for u in units_for_parts(target)
    ]
    chains = [(f"chain:{c.pk}", c.name) for c in chains_for_parts(target, user)]
    choices: list[tuple[Any, Any]] = [("", "—")]
    for label, group in (
        (_("Towns"), towns),
        (_("Parks and departments"), units),
        (_("Chains"), chains),
    ):
        if group:
            choices.append((label, group))
    return choices


class PartForm(forms.Form):
    """One row of a decomposition: who holds the part and its value."""

    holder = forms.ChoiceField(label=_("Held by"), choices=(), required=False)
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=20, decimal_places=4)
    value_high = forms.DecimalField(
        label=_("Upper value"), required=False, max_digits=20, decimal_places=4
    )

    def __init__(self, *args: Any, holders: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = holders  # type: ignore[attr-defined]
        for name in ("value", "value_high"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        """A row with a holder needs a value; a row with a value needs a holder."""
        data = super().clean() or {}
        holder, value = data.get("holder"), data.get("value")
        if holder and value is None and "value" not in self.errors:
            self.add_error("value", _("Give the part's value."))
        if value is not None and not holder:
            self.add_error("holder", _("Choose a town, park, department or chain."))
        return data

    def is_blank(self) -> bool:
        """Nothing entered in the row."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("holder") and data.get("value") is None

    def part(self) -> dict[str, Any]:
        """The row as `services.decompose` takes one part."""
        data = self.cleaned_data
        kind, _sep, key = str(data["holder"]).partition(":")
        part: dict[str, Any] = {kind: key, "value": data["value"]}
        if data.get("value_high") is not None:
            part["value_high"] = data["value_high"]
        return part


class BasePartFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows of a decomposition sharing the holders of one target."""

    def __init__(self, *args: Any, holders: list[tuple[Any, Any]], **kwargs: Any) -> None:
        self.holders = holders
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        """Each row offers the target's holders."""
        kwargs: dict[str, Any] = super().get_form_kwargs(index)
        kwargs["holders"] = self.holders
        return kwargs

    def filled(self) -> list[tuple[int, PartForm]]:
        """The rows with something entered, with their index on the page."""
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if isinstance(form, PartForm) and not form.is_blank()
        ]


# Rows a decomposition page may show (a county has a few dozen towns, parks and chains).
MAX_PART_ROWS = 50

PartFormSet = cast(
    type[BasePartFormSet],
    forms.formset_factory(
        PartForm,
        formset=BasePartFormSet,
        extra=3,
        max_num=MAX_PART_ROWS,
        absolute_max=MAX_PART_ROWS,
        validate_max=True,
    ),
)

"""The project form: create or edit one project of one kind.

A project form shows only the fields of its kind (`services.fields_for`). Money is entered in
万元 and handed to the services in yuan. Every choice (town, park, chain, node, unit, enterprise,
leader) is limited to what the user may see, so an out-of-scope value is an invalid choice.
Edit forms carry the version they were opened on, so a stale edit is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain, ChainNode
from jinmu.core.choices import Role
from jinmu.core.forms import add_version_field, bootstrap
from jinmu.core.models import Unit
from jinmu.core.places import parks_in_scope
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.types import User
from jinmu.enterprises.models import Enterprise
from jinmu.problems.services import OWNER_UNIT_KINDS
from jinmu.projects.choices import AttractionExclusion, ProjectKind
from jinmu.projects.forms.fields import (
    EnterpriseLookupField,
    NodeChoiceField,
    TablerForm,
    WanField,
    date_widget,
)
from jinmu.projects.models import Project, ProjectTag
from jinmu.projects.querysets import regions_for_projects, staff_users
from jinmu.projects.services import KIND_FIELDS, fields_for

# Amounts a form takes in 万元 (the model stores yuan), with their labels in 万元.
MONEY_LABELS: dict[str, Any] = {
    "total_investment": _("Total investment (10k yuan)"),
    "fixed_asset_investment": _("Fixed-asset investment (10k yuan)"),
    "contract_value": _("Contract value (10k yuan)"),
    "funds_in_place": _("Funds in place (10k yuan)"),
    "equipment_investment": _("Equipment investment (10k yuan)"),
    "bond_requested": _("Bond amount applied for (10k yuan)"),
    "bond_issued": _("Bond amount issued (10k yuan)"),
    "bond_disbursed": _("Bond funds disbursed (10k yuan)"),
    "reward": _("Reward (10k yuan)"),
}
# Derived by a service from the reviews (add_review), never typed.
_DERIVED = ("review_score",)
# The amounts of every kind, shown together.
_INVESTMENT = (
    "total_investment",
    "fixed_asset_investment",
    "equipment_investment",
    "contract_value",
    "funds_in_place",
    "bond_requested",
    "bond_issued",
    "bond_disbursed",
    "coverage_ratio",
    "reward",
)


def _kind_section(kind: str) -> tuple[str, ...]:
    """The fields of a kind's own section: those only that kind has, but the amounts."""
    return tuple(name for name in KIND_FIELDS[kind] if name not in _INVESTMENT)


# Sections of the project form, in order; a field not listed falls into the last one.
SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("Project"), ("name", "code", "level", "description")),
    (_("Place and chain"), ("region", "park", "chain", "node", "latitude", "longitude")),
    (
        _("Responsibility"),
        ("enterprise", "responsible_unit", "responsible_person", "responsible_phone", "leader"),
    ),
    (_("Investment"), _INVESTMENT),
    (
        _("Dates"),
        (
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
            "statistics_registered_on",
        ),
    ),
    (_("Attraction"), _kind_section(ProjectKind.ATTRACTION)),
    (_("Renovation"), _kind_section(ProjectKind.RENOVATION)),
    (_("Challenge"), _kind_section(ProjectKind.CHALLENGE)),
)
_WIDE = ("name", "description", "investor", "exclusions")


_STAFF_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.COUNTY_LEADER,
    Role.INDUSTRY_OFFICE,
    Role.CHAIN_OFFICE,
    Role.DEPARTMENT,
    Role.TOWN,
)


class ProjectForm(TablerForm):
    """Create or edit one project of one kind; only that kind's fields are shown."""

    def __init__(
        self, *args: Any, kind: str, user: User, instance: Project | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.user = user
        self.instance = instance
        scope = scope_for(user)
        self.scope = scope
        for name in self.field_names:
            self.fields[name] = self._make_field(name, scope)
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            label=_("Project lists"),
            queryset=ProjectTag.objects.for_user(user),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Curated lists the project is on (e.g. the county's 双十 library)."),
        )
        add_version_field(self, instance.version if instance is not None else None)
        if instance is not None:
            self.initial.update(self._initial_from(instance))
        else:
            regions = list(self.fields["region"].queryset[:2])  # type: ignore[attr-defined]
            if len(regions) == 1:
                self.initial["region"] = regions[0].pk
            if scope.kind is ScopeKind.PARK:
                self.initial["park"] = scope.unit_id
        bootstrap(self)

    def _initial_from(self, project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in self.field_names:
            field = Project._meta.get_field(name)
            if field.is_relation:
                initial[name] = getattr(project, f"{name}_id")
            else:
                initial[name] = getattr(project, name)
        if project.enterprise_id is not None:
            initial["enterprise"] = project.enterprise
        initial["tags"] = [tag.pk for tag in project.tags.all()]
        return initial

    @property
    def field_names(self) -> list[str]:
        """The kind's editable fields, in the services' order."""
        return [n for n in fields_for(self.kind) if n != "kind" and n not in _DERIVED]

    def _make_field(self, name: str, scope: Scope) -> forms.Field:
        model_field = Project._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        if name in MONEY_LABELS:
            return WanField(
                label=MONEY_LABELS[name], required=False, help_text=model_field.help_text
            )
        if name == "enterprise":
            label = _("Publishing enterprise") if self.kind == ProjectKind.CHALLENGE else None
            return EnterpriseLookupField(
                label=label or _("Owner enterprise"),
                required=False,
                enterprises=Enterprise.objects.for_user(self.user),
                help_text=_("The unified social credit code or the full registered name."),
            )
        if name == "exclusions":
            return forms.MultipleChoiceField(
                label=_("Does not count as attracted because"),
                choices=AttractionExclusion.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=model_field.help_text,
            )
        if name == "node":
            return NodeChoiceField(
                label=_("Chain node"),
                queryset=ChainNode.objects.for_user(self.user).select_related("chain"),
                required=False,
                help_text=model_field.help_text,
            )
        choices = self._scoped_choices(name, scope)
        field: Any = model_field.formfield()
        assert field is not None
        if choices is not None:
            field.queryset = choices
        if name == "region":
            field.label = _("Town")
            field.help_text = _("Where the project lies; the county if not yet sited.")
        elif model_field.get_internal_type() == "DateField":
            field.widget = date_widget()
        elif name == "description":
            field.widget = forms.Textarea(attrs={"rows": 3})
        elif name == "level" and self.kind == ProjectKind.KEY:
            field.required = True
        made: forms.Field = field
        return made

    def _scoped_choices(self, name: str, scope: Scope) -> QuerySet[Any] | None:
        """The rows a related field may take for this user (None: not a related field)."""
        if name == "region":
            return regions_for_projects(scope)
        if name == "park":
            return parks_in_scope(scope)
        if name == "chain":
            return Chain.objects.for_user(self.user)
        if name == "responsible_unit":
            return (
                Unit.objects.for_user(self.user)
                .filter(is_active=True, kind__in=OWNER_UNIT_KINDS)
                .order_by("kind", "name")
            )
        if name == "leader":
            return staff_users(self.user, scope, Role.COUNTY_LEADER)
        if name == "lead_owner":
            return staff_users(self.user, scope, *_STAFF_ROLES)
        return None

    def clean_latitude(self) -> Decimal | None:
        """A latitude in degrees."""
        return self._degrees("latitude", 90)

    def clean_longitude(self) -> Decimal | None:
        """A longitude in degrees."""
        return self._degrees("longitude", 180)

    def _degrees(self, name: str, limit: int) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get(name)
        if value is not None and abs(value) > limit:
            raise ValidationError(
                _("Between -%(limit)s and %(limit)s degrees."), params={"limit": limit}
            )
        return value

    @property
    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The visible fields grouped for the page."""
        placed: set[str] = set()
        groups: list[tuple[Any, list[forms.BoundField]]] = []
        for title, names in SECTIONS:
            bound = [self[n] for n in names if n in self.fields]
            placed.update(names)
            if bound:
                groups.append((title, bound))
        rest = [self[n] for n in [*self.field_names, "tags"] if n not in placed]
        if rest:
            groups.append((_("Lists and other"), rest))
        return groups

    @property
    def wide_fields(self) -> tuple[str, ...]:
        """Fields that take the whole row."""
        return (*_WIDE, "tags")

    @property
    def tags(self) -> list[ProjectTag]:
        """The chosen project lists."""
        return list(self.cleaned_data.get("tags") or [])

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as `create_project` / `update_project` take them (yuan)."""
        data = {name: self.cleaned_data.get(name) for name in self.field_names}
        for name in ("exclusions",):
            if name in data:
                data[name] = list(data[name] or [])
        for name, value in list(data.items()):
            if value is None and _blank_is_empty_text(name):
                data[name] = ""
        return data


def _blank_is_empty_text(name: str) -> bool:
    """Text columns store "" rather than NULL."""
    field = Project._meta.get_field(name)
    return field.get_internal_type() in ("CharField", "TextField") and not field.null

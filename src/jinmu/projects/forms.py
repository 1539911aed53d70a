"""Forms of the project ledger: they validate input field by field; the services write.

A project form shows only the fields of its kind (`services.fields_for`). Money is entered in
万元 and handed to the services in yuan. Every choice (town, park, chain, node, unit, enterprise,
leader) is limited to what the user may see, so an out-of-scope value is an invalid choice.
Edit forms carry the version they were opened on, so a stale edit is refused.
"""

from __future__ import annotations

import itertools
import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain, ChainNode
from jinmu.core.choices import Role
from jinmu.core.documents import check_document
from jinmu.core.forms import add_version_field, mark_invalid
from jinmu.core.models import Region, Unit, User
from jinmu.core.places import parks_in_scope
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.validators import normalize_uscc
from jinmu.enterprises.models import Enterprise
from jinmu.problems.services import OWNER_UNIT_KINDS
from jinmu.projects.choices import (
    AttachmentKind,
    AttractionExclusion,
    Light,
    ProjectKind,
    ProjectStatus,
)
from jinmu.projects.models import WAN, Project, ProjectTag
from jinmu.projects.services import fields_for

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
_DATE_FIELDS = (
    "planned_start",
    "actual_start",
    "planned_completion",
    "actual_completion",
    "statistics_registered_on",
    "lead_registered_on",
    "lead_owner_named_on",
    "lead_assessed_on",
    "lead_feedback_on",
    "lead_followed_up_on",
    "signed_on",
    "objection_until",
)
# Sections of the project form, in order; a field not listed falls into the last one.
SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("Project"), ("name", "code", "level", "description")),
    (_("Place and chain"), ("region", "park", "chain", "node", "latitude", "longitude")),
    (
        _("Responsibility"),
        ("enterprise", "responsible_unit", "responsible_person", "responsible_phone", "leader"),
    ),
    (
        _("Investment"),
        (
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
        ),
    ),
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
    (
        _("Attraction"),
        (
            "investor",
            "origin_province",
            "origin_city",
            "referrer",
            "lead_owner",
            "purpose",
            "exclusions",
            "lead_registered_on",
            "lead_owner_named_on",
            "lead_assessed_on",
            "lead_feedback_on",
            "lead_followed_up_on",
            "signed_on",
        ),
    ),
    (_("Renovation"), ("direction",)),
    (_("Challenge"), ("solver", "objection_until")),
)
_WIDE = ("name", "description", "investor", "exclusions")
_FEN = Decimal("0.01")


def bootstrap(form: forms.BaseForm) -> None:
    """Tabler classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class WanField(forms.DecimalField):
    """An amount typed in 万元 and cleaned to yuan (exact to the fen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(max_digits=16, decimal_places=2, **kwargs)
        # The validators above check the yuan value; the browser takes any precision.
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def prepare_value(self, value: Any) -> Any:
        """A stored yuan amount shows in 万元; typed text is shown back as typed."""
        if isinstance(value, Decimal):
            wan = value / WAN
            return format(wan.normalize() if wan == wan.to_integral() else wan, "f")
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        """万元 text → yuan."""
        wan = super().to_python(value)
        if wan is None:
            return None
        yuan = wan * WAN
        if yuan != yuan.quantize(_FEN):
            raise ValidationError(
                _("Give the amount in 10k yuan with at most six decimals (to the fen)."),
                code="precision",
            )
        return yuan.quantize(_FEN)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        """No `step`/`max_length` derived from the yuan precision."""
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("max", None)
        return attrs


class EnterpriseLookupField(forms.CharField):
    """An enterprise named by its credit code or its full registered name, among those the
    user sees (a select of every enterprise in a county would be thousands of options)."""

    def __init__(self, *, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.enterprises = enterprises

    def prepare_value(self, value: Any) -> Any:
        """An enterprise (or its id from the instance) shows as its name."""
        if isinstance(value, Enterprise):
            return value.name
        if isinstance(value, int):
            row = self.enterprises.filter(pk=value).only("name").first()
            return row.name if row is not None else ""
        return value

    def clean(self, value: Any) -> Enterprise | None:
        """Resolve the text to one visible enterprise."""
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        matches = list(self.enterprises.filter(Q(uscc=normalize_uscc(text)) | Q(name=text))[:2])
        if not matches:
            raise ValidationError(
                _("No enterprise with this credit code or name in your area."), code="unknown"
            )
        if len(matches) > 1:
            raise ValidationError(
                _("Several enterprises have this name: enter the credit code."), code="ambiguous"
            )
        return matches[0]


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A chain node shown as "chain · node"."""

    def label_from_instance(self, obj: Any) -> str:
        """Chain and node name."""
        return f"{obj.chain.name} · {obj.name}"


def regions_for_projects(scope: Scope) -> QuerySet[Region]:
    """Where a user may place a project: the county and its towns for region-wide and chain
    staff, the own town for a town, the park's town for a park."""
    regions = Region.objects.all()
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN):
        return regions.filter(code__startswith=scope.region_prefix)
    if scope.kind is ScopeKind.TOWN:
        return regions.filter(code=scope.region_code)
    if scope.kind is ScopeKind.PARK and scope.unit_id is not None:
        return regions.filter(units__pk=scope.unit_id)
    return regions.none()


def _county_prefix(user: Any, scope: Scope) -> str:
    if scope.region_prefix:
        return scope.region_prefix
    if scope.region_code:
        return scope.region_code[:6]
    region = getattr(user, "region", None)
    return region.scope_prefix if region is not None else ""


def staff_users(user: Any, scope: Scope, *roles: str) -> QuerySet[User]:
    """Active users of the user's county holding one of `roles` (for leader/owner choices)."""
    prefix = _county_prefix(user, scope)
    candidates = User.objects.filter(is_active=True).filter(
        Q(region__code__startswith=prefix) | Q(unit__region__code__startswith=prefix)
    )
    # Roles live in a JSON list: a few hundred staff are filtered here rather than with a
    # JSON lookup that SQLite and PostgreSQL spell differently.
    pks = [u.pk for u in candidates.only("pk", "roles") if set(u.roles or []) & set(roles)]
    return User.objects.filter(pk__in=pks).order_by("display_name", "username")


_STAFF_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.COUNTY_LEADER,
    Role.INDUSTRY_OFFICE,
    Role.CHAIN_OFFICE,
    Role.DEPARTMENT,
    Role.TOWN,
)


class ProjectForm(forms.Form):
    """Create or edit one project of one kind; only that kind's fields are shown."""

    def __init__(
        self, *args: Any, kind: str, user: Any, instance: Project | None = None, **kwargs: Any
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
        elif name in _DATE_FIELDS:
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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

    def full_clean(self) -> None:
        """Validate, then mark invalid fields for Tabler's red outline."""
        super().full_clean()
        mark_invalid(self)

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


class TransitionForm(forms.Form):
    """Move a project to another state of its lifecycle: when and why."""

    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    on = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day it happened; today if empty."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the project is terminated."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self, project.version)
        self.initial.setdefault("on", timezone.localdate())
        bootstrap(self)

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)


class LightOverrideForm(forms.Form):
    """Set a project's light by hand (with a reason) or clear the override."""

    light = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("No override (use the computed light)")), *Light.choices],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the light to everyone who sees the project."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self, project.version)
        self.initial.setdefault("light", project.light_override)
        self.initial.setdefault("reason", project.light_override_reason)
        bootstrap(self)

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)


_SHARE_SPLIT = re.compile(r"[\s,，;；、]+")


class YearPlanForm(forms.Form):
    """The investment a project plans to complete in a year (for 序时进度)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_investment = WanField(label=_("Planned investment (10k yuan)"))
    monthly_shares = forms.CharField(
        label=_("Cumulative monthly shares"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional: twelve rising shares of the year's plan done by each month's end, between "
            "0 and 1, the last one 1 (e.g. 0.05 0.1 … 1). Empty: elapsed days / days in the year."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)
        bootstrap(self)

    def clean_monthly_shares(self) -> list[float] | None:
        """Twelve numbers, separated by spaces or commas."""
        text = self.cleaned_data.get("monthly_shares", "").strip()
        if not text:
            return None
        try:
            values = [Decimal(part) for part in _SHARE_SPLIT.split(text) if part]
        except InvalidOperation as exc:
            raise ValidationError(_("Give numbers only, e.g. 0.05 0.1 … 1.")) from exc
        if (
            len(values) != 12
            or any(v < 0 or v > 1 for v in values)
            or any(b < a for a, b in itertools.pairwise(values))
            or values[-1] != 1
        ):
            raise ValidationError(_("Give twelve rising shares between 0 and 1, the last one 1."))
        return [float(v) for v in values]

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)


# Documents a county files with projects; anything that a browser would run is refused.
ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".et",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".rar",
    ".7z",
)


class AttachmentForm(forms.Form):
    """Attach a document to a project."""

    kind = forms.ChoiceField(label=_("Document"), choices=AttachmentKind.choices)
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, help_text=_("The file name if empty.")
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self) -> Any:
        """A document type we keep, no larger than the upload limit."""
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(
                _("Files of this type are not kept. Allowed: %(types)s."),
                params={"types": " ".join(ATTACHMENT_EXTENSIONS)},
            )
        limit = int(settings.JINMU_UPLOAD_MAX_BYTES)
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(mb)s MB."), params={"mb": limit // (1024 * 1024)}
            )
        # The content decides, not the name: a program renamed setup.pdf is refused.
        check_document(upload)
        return upload

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)


class ReviewForm(forms.Form):
    """One reviewer's score of a challenge's solver (揭榜挂帅 评审)."""

    reviewer = forms.CharField(label=_("Reviewer"), max_length=50)
    score = forms.DecimalField(
        label=_("Score"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

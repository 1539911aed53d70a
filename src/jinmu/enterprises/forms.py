"""The enterprise edit form: field-by-field validation, carrying the version it was opened on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.core.forms import add_version_field, bootstrap, mark_invalid
from jinmu.core.models import Region
from jinmu.core.places import in_scope, parks_in_scope
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.validators import normalize_uscc
from jinmu.core.views_excel import workbook_field
from jinmu.enterprises import excel
from jinmu.enterprises.models import Enterprise, IndustryCode
from jinmu.enterprises.services import ENTERPRISE_FIELDS


class FormerNamesField(forms.CharField):
    """Former names, one per line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        """A list shows as lines."""
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        """Lines become a list, blanks and repeats dropped."""
        if isinstance(value, list | tuple):
            lines = [str(v) for v in value]
        else:
            lines = str(value or "").splitlines()
        names: list[str] = []
        for line in lines:
            name = line.strip()
            if name and name not in names:
                names.append(name)
        return names


def enterprise_named(enterprises: QuerySet[Enterprise], text: str) -> Enterprise:
    """The one enterprise among `enterprises` whose credit code or full registered name is
    `text`; a ValidationError when there is none or the name is ambiguous."""
    matches = list(enterprises.filter(Q(uscc=normalize_uscc(text)) | Q(name=text))[:2])
    if not matches:
        raise ValidationError(
            _("No enterprise with this credit code or name in your area."), code="unknown"
        )
    if len(matches) > 1:
        raise ValidationError(
            _("Several enterprises have this name: enter the credit code."), code="ambiguous"
        )
    return matches[0]


def regions_in_write_scope(scope: Scope) -> Any:
    """Places a user may record an enterprise in: the county and its towns for region-wide
    editors, the own town for a town, the park's town for a park (a chain office records
    none)."""
    regions = Region.objects.all()
    if scope.kind is ScopeKind.CHAIN:
        return regions.none()
    return in_scope(regions, scope, wide="code__startswith", town="code", park="units__pk")


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit an enterprise's master data."""

    former_names = FormerNamesField(
        label=_("former names"), required=False, help_text=_("One per line.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Long texts keep a whole line in the shared form layout.
    wide_fields = ("name", "address", "former_names")

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.TextInput(),
        }

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["region"].queryset = regions_in_write_scope(scope)  # type: ignore[attr-defined]
        self.fields["region"].label = _("town")
        self.fields["region"].help_text = _("Where it is located; the county if not in a town.")
        parks = self.fields["park"]
        parks.queryset = parks_in_scope(scope)  # type: ignore[attr-defined]
        if scope.kind is ScopeKind.PARK:
            parks.required = True
        # Shown as "C34 通用设备制造业", in code order so a division's classes follow it.
        self.fields["industry"].queryset = IndustryCode.objects.order_by("code")  # type: ignore[attr-defined]
        if self.instance.pk is not None:
            # An edit must say which version it was opened on (required, refused if stale).
            add_version_field(self, self.instance.version)
        else:
            towns = list(self.fields["region"].queryset[:2])  # type: ignore[attr-defined]
            if len(towns) == 1:
                self.fields["region"].initial = towns[0].pk
            if scope.kind is ScopeKind.PARK:
                parks.initial = scope.unit_id
        bootstrap(self)

    def clean_uscc(self) -> str:
        """Accept a pasted code with spaces or lower case."""
        return normalize_uscc(self.cleaned_data["uscc"])

    def full_clean(self) -> None:
        """Validate, then mark invalid fields for Tabler's red outline."""
        super().full_clean()
        mark_invalid(self)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        return {name: self.cleaned_data[name] for name in ENTERPRISE_FIELDS if name in self.fields}

    @property
    def expected_version(self) -> int | None:
        """The version the form was opened on (None on create)."""
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None


KIND_LABELS = {
    excel.ENTERPRISES: _("Enterprises (register data)"),
    excel.FIGURES: _("Annual figures of enterprises"),
}


class ImportForm(forms.Form):
    """Choose what the workbook holds, and the workbook."""

    kind = forms.ChoiceField(
        label=_("The workbook holds"),
        choices=tuple(KIND_LABELS.items()),
        initial=excel.ENTERPRISES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = workbook_field()

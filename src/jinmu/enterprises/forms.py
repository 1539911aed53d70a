"""The enterprise edit form: field-by-field validation, carrying the version it was opened on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinmu.core.forms import add_version_field, mark_invalid
from jinmu.core.models import Region
from jinmu.core.places import parks_in_scope
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.validators import normalize_uscc
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


def regions_in_write_scope(scope: Scope) -> Any:
    """Places a user may record an enterprise in: the county and its towns for region-wide
    editors, the own town for a town, the park's town for a park."""
    regions = Region.objects.all()
    if scope.kind is ScopeKind.REGION:
        return regions.filter(code__startswith=scope.region_prefix)
    if scope.kind is ScopeKind.TOWN:
        return regions.filter(code=scope.region_code)
    if scope.kind is ScopeKind.PARK and scope.unit_id is not None:
        return regions.filter(units__pk=scope.unit_id)
    return regions.none()


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit an enterprise's master data."""

    former_names = FormerNamesField(
        label=_("former names"), required=False, help_text=_("One per line.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

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

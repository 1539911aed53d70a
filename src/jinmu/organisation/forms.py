"""Forms of the organisation pages: regions, units, users, passwords and the imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinmu.core.choices import RegionLevel, Role
from jinmu.core.forms import add_version_field, bootstrap, mark_invalid, optional_choice
from jinmu.core.models import Region, Unit, User
from jinmu.core.validators import normalize_uscc
from jinmu.core.views_excel import workbook_field
from jinmu.enterprises.models import Enterprise
from jinmu.organisation import imports
from jinmu.organisation.services import UNIT_FIELDS, fingerprint


class OrgForm(forms.Form):
    """Tabler classes on every widget, red outlines on the fields with errors."""

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)


class RegionForm(OrgForm):
    """A new region: its code (level and parent follow from it) and its name."""

    code = forms.CharField(
        label=_("division code"),
        max_length=12,
        help_text=_("6 digits (GB/T 2260) or 9 digits for a town or street."),
    )
    name = forms.CharField(label=_("name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class RegionNameForm(OrgForm):
    """A region's new name."""

    name = forms.CharField(label=_("name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ListFileForm(OrgForm):
    """An official list of divisions: text, CSV or Excel."""

    file = forms.FileField(
        label=_("List of divisions (.txt, .csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,.xlsx"}),
    )


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a unit inside the administrator's region."""

    class Meta:
        model = Unit
        fields = UNIT_FIELDS

    def __init__(self, *args: Any, prefix: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(code__startswith=prefix)
        self.fields["region"].queryset = regions.exclude(level=RegionLevel.TOWN)  # type: ignore[attr-defined]
        self.fields["town_region"].queryset = regions.filter(level=RegionLevel.TOWN)  # type: ignore[attr-defined]
        parents = Unit.objects.filter(region__code__startswith=prefix, is_active=True)
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        regions_shown = list(self.fields["region"].queryset[:2])  # type: ignore[attr-defined]
        if self.instance.pk is None and regions_shown:
            self.fields["region"].initial = regions_shown[0].pk
        add_version_field(
            self,
            self.instance.version if self.instance.pk else None,
            required=self.instance.pk is not None,
        )
        bootstrap(self)

    def _post_clean(self) -> None:
        """The services check the unit as a whole (scope, town, parent chain)."""

    def full_clean(self) -> None:
        """Validate, then mark invalid fields."""
        super().full_clean()
        mark_invalid(self)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        return {name: self.cleaned_data.get(name) for name in UNIT_FIELDS}


def _new_password(label: Any, help_text: Any = "") -> forms.CharField:
    """A password typed for someone else's account (the browser offers no saved one)."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


def _check_same_password(form: forms.Form, data: dict[str, Any]) -> None:
    """Mark the second password when it is not the first one typed again."""
    if data.get("password1") != data.get("password2"):
        form.add_error("password2", _("The two passwords differ."))


class EnterpriseCodeField(forms.CharField):
    """An enterprise named by its credit code (the security administrator does not browse the
    register: they type the code the enterprise gave them)."""

    def to_python(self, value: Any) -> str:
        """Pasted codes with spaces or lower case are accepted."""
        return normalize_uscc(super().to_python(value) or "")


class UserForm(OrgForm):
    """An account's unit, region, roles, enterprise and contact details (and, on create, the
    username and the initial password)."""

    username = forms.CharField(label=_("username"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50, required=False)
    unit = optional_choice(Unit, _("unit"))
    region = optional_choice(
        Region, _("region"), help_text=_("Empty: the unit's region (a town unit: its town).")
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "三员分立: the system, security and audit administrators each stand alone, without "
            "business roles."
        ),
    )
    enterprise = EnterpriseCodeField(
        label=_("enterprise credit code"),
        required=False,
        max_length=18,
        help_text=_("For an enterprise user: the unified social credit code of their enterprise."),
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("email address"), required=False)
    password1 = _new_password(
        _("initial password"), help_text=_("The user must change it at first sign-in.")
    )
    password2 = _new_password(_("initial password again"))
    fingerprint = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "required": _(
                "The form did not say which version of the record it was opened on; "
                "reload the page and make your changes again."
            )
        },
    )

    def __init__(self, *args: Any, prefix: str, instance: User | None = None, **kwargs: Any):
        if instance is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "username": instance.username,
                    "display_name": instance.display_name,
                    "unit": instance.unit_id,
                    "region": instance.region_id,
                    "roles": list(instance.roles),
                    "enterprise": instance.enterprise.uscc if instance.enterprise else "",
                    "phone": instance.phone,
                    "email": instance.email,
                }
            )
        super().__init__(*args, **kwargs)
        self.prefix_code = prefix
        self.instance = instance
        units = Unit.objects.filter(region__code__startswith=prefix).select_related("region")
        self.fields["unit"].queryset = units.filter(is_active=True) | units.filter(  # type: ignore[attr-defined]
            pk=instance.unit_id if instance else None
        )
        self.fields["region"].queryset = Region.objects.filter(code__startswith=prefix)  # type: ignore[attr-defined]
        if instance is not None:
            for name in ("username", "password1", "password2"):
                del self.fields[name]
            self.fields["fingerprint"].required = True
            self.initial["fingerprint"] = fingerprint(instance)
        bootstrap(self)

    def clean_enterprise(self) -> Any:
        """The enterprise of the code, inside the administrator's region."""
        code = self.cleaned_data.get("enterprise") or ""
        if not code:
            return None
        found = Enterprise.objects.filter(
            uscc=code, region__code__startswith=self.prefix_code
        ).first()
        if found is None:
            raise ValidationError(_("No enterprise with this credit code in your region."))
        return found

    def clean(self) -> dict[str, Any]:
        """The two passwords must match."""
        data = super().clean() or {}
        if "password1" in self.fields:
            _check_same_password(self, data)
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        names = ("display_name", "unit", "region", "roles", "enterprise", "phone", "email")
        return {name: self.cleaned_data.get(name) for name in names}


class PasswordResetForm(OrgForm):
    """A new initial password for someone else's account."""

    password1 = _new_password(
        _("new initial password"),
        help_text=_("The user must change it at next sign-in; their API tokens are revoked."),
    )
    password2 = _new_password(_("new initial password again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        """The two passwords must match."""
        data = super().clean() or {}
        _check_same_password(self, data)
        return data


class OrgImportForm(forms.Form):
    """What the workbook holds, and the workbook."""

    kind = forms.ChoiceField(
        label=_("The workbook holds"),
        choices=((imports.UNITS, _("Units")), (imports.USERS, _("Users"))),
        initial=imports.UNITS,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"] = workbook_field()

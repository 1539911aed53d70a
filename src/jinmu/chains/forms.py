"""Forms of the chains app: they validate input field by field; services do the writing.

Each edit form carries the row's version in a hidden field, so a stale edit is refused instead of
overwriting someone else's change. Money is entered in 万元 and stored in yuan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinmu.chains.choices import ChainRole, GapState
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.core.choices import Role, UnitKind
from jinmu.core.forms import add_version_field, bootstrap, optional_choice
from jinmu.core.models import Unit, User
from jinmu.core.money import WAN, from_wan
from jinmu.enterprises.forms import enterprise_named
from jinmu.enterprises.models import Enterprise

HUNDRED = Decimal(100)


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A node of the same chain, shown by its name only."""

    def label_from_instance(self, obj: Any) -> str:
        """The node's name (the chain is the page's)."""
        return str(obj.name)


class _RowForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form of one row of a chain, carrying the row's version; its cleaned values go to the
    services as they are."""

    field_column = "col-12"  # one field a line: the form sits in a narrow column

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance.version if self.instance.pk else None)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values of the model fields the form shows, for the services."""
        fields = self._meta.fields or ()
        return {name: self.cleaned_data[name] for name in fields if name in self.fields}


def _offer_units(form: forms.BaseForm, name: str) -> None:
    """Let field `name` choose among the active units that are not enterprises."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.ENTERPRISE)


class ChainForm(_RowForm):
    """A chain's settings; the weak-node threshold is entered in per cent."""

    threshold_percent = forms.DecimalField(
        label=_("Weak-node threshold (%)"),
        min_value=Decimal(0),
        max_value=HUNDRED,
        max_digits=5,
        decimal_places=1,
        help_text=_(
            "A node is weak when local output covers less than this share of the local demand."
        ),
    )

    class Meta:
        model = Chain
        fields = ("name", "cluster", "description", "chief", "office", "sort_order")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, can_reassign: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "threshold_percent", Decimal(self.instance.weak_share_threshold) * HUNDRED
        )
        leaders = [
            user.pk
            for user in User.objects.filter(is_active=True).only("pk", "roles")
            if Role.COUNTY_LEADER in (user.roles or [])
        ]
        chief = self.fields["chief"]
        assert isinstance(chief, forms.ModelChoiceField)
        chief.queryset = User.objects.filter(Q(pk__in=leaders) | Q(pk=self.instance.chief_id or 0))
        office = self.fields["office"]
        assert isinstance(office, forms.ModelChoiceField)
        office.queryset = Unit.objects.filter(kind=UnitKind.CHAIN_OFFICE)
        if not can_reassign:
            office.disabled = True
        bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `services.create_chain` / `update_chain`."""
        data = super().service_data()
        if self.fields["office"].disabled:
            data.pop("office")
        data["weak_share_threshold"] = self.cleaned_data["threshold_percent"] / HUNDRED
        return data


class ChainNodeForm(_RowForm):
    """A node of a chain; the local demand is entered in 万元."""

    parent = NodeChoiceField(
        label=_("parent node"), queryset=ChainNode.objects.none(), required=False
    )

    local_demand_wan = forms.DecimalField(
        label=_("Local annual demand (10k yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "What the county's chain buys of this link a year; with it the platform can tell "
            "how much local firms cover. Leave empty if unknown."
        ),
    )

    class Meta:
        model = ChainNode
        fields = (
            "name",
            "segment",
            "kind",
            "facility_type",
            "parent",
            "description",
            "sort_order",
        )

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain = chain
        self.instance.chain = chain
        self.instance.region_id = chain.region_id
        if self.instance.local_demand is not None:
            self.initial.setdefault("local_demand_wan", self.instance.local_demand / WAN)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parents = ChainNode.objects.filter(chain=chain)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        parent.queryset = parents
        bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `services.create_node` / `update_node`."""
        data = super().service_data()
        data["local_demand"] = from_wan(self.cleaned_data.get("local_demand_wan"))
        return data


class EnterpriseLinkForm(forms.Form):
    """Put an enterprise on a node: found by its credit code or its exact name."""

    field_column = "col-12"  # one field a line: the form sits in a narrow column

    enterprise = forms.CharField(
        label=_("Enterprise"),
        max_length=200,
        help_text=_("The unified social credit code or the full registered name."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=ChainRole.choices, initial=ChainRole.SUPPORTING
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises
        bootstrap(self)

    def clean_enterprise(self) -> Enterprise:
        """Resolve the credit code or name among the enterprises the editor may link."""
        return enterprise_named(self.enterprises, self.cleaned_data["enterprise"].strip())


class EnterpriseLinkEditForm(_RowForm):
    """An enterprise's role and note on a node (for `services.update_link`)."""

    class Meta:
        model = EnterpriseNode
        fields = ("role", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ChainPartnerForm(_RowForm):
    """A member of the chain's 政产学研金服用 community (for `services.create_partner` /
    `update_partner`)."""

    class Meta:
        model = ChainPartner
        fields = ("kind", "name", "unit", "contact_name", "contact_phone", "role_description")

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.chain = chain
        self.instance.region_id = chain.region_id
        _offer_units(self, "unit")
        bootstrap(self)


class BottleneckForm(_RowForm):
    """A bottleneck (堵点): what, since when, who owns clearing it (for
    `services.create_bottleneck` / `update_bottleneck`)."""

    class Meta:
        model = Bottleneck
        fields = ("title", "detail", "since", "owner_unit", "owner_name", "status", "cleared_on")
        widgets = {
            "detail": forms.Textarea(attrs={"rows": 3}),
            "since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cleared_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, node: ChainNode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.node = node
        self.instance.region_id = node.region_id
        _offer_units(self, "owner_unit")
        if not self.instance.pk:  # a new bottleneck is open; clearing is a separate step
            del self.fields["status"]
            del self.fields["cleared_on"]
        bootstrap(self)


class VersionForm(forms.Form):
    """The version of a row to delete, unlink or clear (sent by a small POST form)."""

    version = forms.IntegerField(required=False, min_value=1)


class GapFilterForm(forms.Form):
    """Filter of the gap list: by chain and by flag."""

    chain = optional_choice(Chain, _("Chain"), empty_label=_("All chains"))
    state = forms.ChoiceField(
        label=_("Gap"),
        required=False,
        choices=[
            ("", _("All gaps")),
            (GapState.MISSING, GapState.MISSING.label),
            (GapState.BLOCKED, GapState.BLOCKED.label),
            (GapState.WEAK, GapState.WEAK.label),
        ],
    )

    def __init__(self, *args: Any, chains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chain = self.fields["chain"]
        assert isinstance(chain, forms.ModelChoiceField)
        chain.queryset = chains
        bootstrap(self)

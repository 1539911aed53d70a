"""The one project FilterSet behind the ledger page, `/api/v1/projects/` and the Excel export.

An export is always "the current filtered list": the page, the API and the export build their
rows with `ProjectFilterSet(request.GET, queryset=Project.objects.for_user(user), request=…)`.
The choices offered for town, park, chain, node, unit and list come from the user's scope, so a
value out of scope is refused like an unknown one. Sorting is by keyset (`keyset_order`), never
OFFSET, so a deep page of 50k projects costs what page 1 costs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jinmu.chains.models import Chain, ChainNode
from jinmu.chains.on_enterprises import NODE_LABEL_FIELDS
from jinmu.chains.querysets import chains_for_request, nodes_for_request
from jinmu.core.filtersets import (
    KeptFormFilterSet,
    ValuesChoiceFilter,
    WholeNumberFilter,
    fast_selects,
    search_box,
    search_filter,
)
from jinmu.core.forms import bootstrap
from jinmu.core.models import Unit
from jinmu.core.money import YI
from jinmu.core.options import ScopedOptionsFilter, park_filter, town_filter, visible_key
from jinmu.core.places import (
    request_user,
)
from jinmu.enterprises.models import Enterprise
from jinmu.projects.choices import (
    LIGHT_SEVERITY,
    Light,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    statuses_of,
)
from jinmu.projects.models import Project, ProjectTag, ProjectYearPlan

# `?light=none`: projects not under weekly scheduling (they carry no light).
NOT_MONITORED = "none"
LIGHT_CHOICES = [*Light.choices, (NOT_MONITORED, _("Not monitored"))]

# ordering value -> (label, keyset order). Every order ends on the primary key so that it is
# total; nullable columns are sorted through a non-null annotation (a cursor cannot hold NULL).
ORDERINGS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "-id": (_("Newest first"), ("-id",)),
    "name": (_("Name"), ("name", "id")),
    "-total_investment": (_("Largest investment first"), ("-total_sort", "-id")),
    "light": (_("Worst light first"), ("-light_rank", "-id")),
    "percent_complete": (_("Least complete first"), ("percent_complete", "id")),
    "-percent_complete": (_("Most complete first"), ("-percent_complete", "-id")),
}
DEFAULT_ORDERING = "-id"


def keyset_order_for(value: str | None) -> tuple[str, ...]:
    """The keyset order of an `ordering` value (the default for anything unknown)."""
    return ORDERINGS.get(value or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING])[1]


def with_sort_keys(queryset: QuerySet[Project], ordering: str | None) -> QuerySet[Project]:
    """Add the annotation an ordering sorts on (if it needs one)."""
    if ordering == "-total_investment":
        zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
        return queryset.annotate(total_sort=Coalesce("total_investment", zero))
    if ordering == "light":
        ranks = [When(light=light, then=Value(rank)) for light, rank in LIGHT_SEVERITY.items()]
        return queryset.annotate(
            light_rank=Case(*ranks, default=Value(-1), output_field=IntegerField())
        )
    return queryset


_user = request_user
_chains = chains_for_request
_nodes = nodes_for_request


def _units(request: Any) -> QuerySet[Unit]:
    return Unit.objects.for_user(_user(request)).filter(is_active=True).order_by("kind", "name")


def _enterprises(request: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.for_user(_user(request))


def _tags(request: Any) -> QuerySet[ProjectTag]:
    return ProjectTag.objects.for_user(_user(request))


def status_choices(kind: str | None) -> list[Any]:
    """The states to offer: one kind's in lifecycle order, or every kind's grouped by kind."""
    if kind in ProjectKind.values:
        return [("", "---------"), *statuses_of(str(kind))]
    groups: list[Any] = [("", "---------")]
    for value, label in ProjectKind.choices:
        groups.append((str(label), statuses_of(value)))
    return groups


class ProjectFilterForm(forms.Form):
    """Tabler classes on the filter widgets; the status select lists the chosen kind's states."""

    @classmethod
    def prepare_fields(cls, fields: dict[str, forms.Field]) -> None:
        """Fast selects and Tabler classes, once for the form class (KeptFormFilterSet)."""
        fast_selects(fields)
        bootstrap(fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            kind = self.data.get("kind") if self.data else None
            # Only the offer narrows: `?status=lead&kind=key` is valid (and simply finds nothing).
            self.fields["status"].widget.choices = status_choices(kind)
        search_box(self, _("Name, number or investor"))


class ProjectFilterSet(KeptFormFilterSet):
    """Filters of the project ledger (the page, the API and the export share them)."""

    q = search_filter(_("Part of the name, the project number or the investor."))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProjectKind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ProjectLevel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)
    light = django_filters.ChoiceFilter(
        label=_("Light"),
        choices=LIGHT_CHOICES,
        method="filter_light",
        help_text=_("green, yellow, red, grey (no data) or none (not under weekly scheduling)."),
    )
    # Options read as values and kept per scope (`jinmu.core.options`), as the register's.
    town = town_filter(help_text=_("Division code of the town."))
    park = park_filter()
    chain = ScopedOptionsFilter(
        label=_("Chain"),
        queryset=_chains,
        field_name="chain",
        options_key=visible_key(Chain),
        models=("chains.chain",),
    )
    node = ScopedOptionsFilter(
        label=_("Chain node"),
        queryset=_nodes,
        field_name="node",
        label_fields=NODE_LABEL_FIELDS,
        options_key=visible_key(ChainNode),
        models=("chains.chain", "chains.chainnode"),  # "chain · node", in the chains' order
    )
    responsible_unit = ScopedOptionsFilter(
        label=_("Responsible unit"),
        queryset=_units,
        field_name="responsible_unit",
        options_key=visible_key(Unit),
        models=("core.unit",),
    )
    # Not kept: the register changes by bulk imports, and project lists by the demo's bulk
    # writes, which send no signal; their rows are read only when a value is checked or the
    # select drawn.
    enterprise = ValuesChoiceFilter(
        label=_("Enterprise"), queryset=_enterprises, field_name="enterprise"
    )
    tag = ValuesChoiceFilter(label=_("Project list"), queryset=_tags, field_name="tags")
    over_100m = django_filters.BooleanFilter(
        label=_("Over 100 million yuan (过亿元)"),
        method="filter_over_100m",
        widget=forms.NullBooleanSelect,
    )
    over_1b = django_filters.BooleanFilter(
        label=_("Over 1 billion yuan (过10亿元)"),
        method="filter_over_1b",
        widget=forms.NullBooleanSelect,
    )
    year = WholeNumberFilter(
        label=_("Year"),
        method="filter_year",
        help_text=_("Projects with an annual investment plan for this year."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(value, label) for value, (label, _order) in ORDERINGS.items()],
        method="filter_ordering",
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = (
            "q",
            "kind",
            "level",
            "status",
            "light",
            "town",
            "park",
            "chain",
            "node",
            "responsible_unit",
            "enterprise",
            "tag",
            "over_100m",
            "over_1b",
            "year",
            "ordering",
        )
        form = ProjectFilterForm

    @property
    def ordering_value(self) -> str:
        """The chosen (valid) ordering, or the default."""
        if self.is_bound:
            self.form.is_valid()
            # Valid fields are applied even when another one is not (the page shows the error).
            value = getattr(self.form, "cleaned_data", {}).get("ordering")
            if value in ORDERINGS:
                return str(value)
        return DEFAULT_ORDERING

    @property
    def keyset_order(self) -> tuple[str, ...]:
        """The keyset order of the chosen ordering (for `jinmu.core.pagination.paginate`)."""
        return keyset_order_for(self.ordering_value)

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> Any:
        """Part of the name, the number or the investor."""
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(investor__icontains=text)
        )

    def filter_light(self, queryset: QuerySet[Project], name: str, value: str) -> Any:
        """A light colour, or `none` for projects without a light."""
        return queryset.filter(light="" if value == NOT_MONITORED else value)

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_over_100m(self, queryset: QuerySet[Project], name: str, value: bool | None) -> Any:
        """过亿元, derived from the total investment."""
        return self._at_least(queryset, YI, value)

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_over_1b(self, queryset: QuerySet[Project], name: str, value: bool | None) -> Any:
        """过10亿元, derived from the total investment."""
        return self._at_least(queryset, 10 * YI, value)

    @staticmethod
    def _at_least(queryset: QuerySet[Project], amount: Decimal, value: bool | None) -> Any:
        if value is None:
            return queryset
        if value:
            return queryset.filter(total_investment__gte=amount)
        return queryset.filter(Q(total_investment__lt=amount) | Q(total_investment__isnull=True))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_year(self, queryset: QuerySet[Project], name: str, value: Decimal | None) -> Any:
        """Projects with an annual plan for the year."""
        if value is None:
            return queryset
        plans = ProjectYearPlan.objects.filter(project_id=OuterRef("pk"), year=int(value))
        return queryset.filter(Exists(plans))

    def filter_ordering(self, queryset: QuerySet[Project], name: str, value: str) -> Any:
        """Add the sort key the ordering needs; the keyset paginator applies the order."""
        return with_sort_keys(queryset, value).order_by(*keyset_order_for(value))

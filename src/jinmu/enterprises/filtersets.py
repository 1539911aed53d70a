"""The one enterprise FilterSet behind the list page, the API and the Excel export.

An export is always "the current filtered list", so the page, `/api/v1/enterprises/` and
`export.xlsx` build their rows with `EnterpriseFilterSet(request.GET, queryset=…, request=…)`.
The choices offered for town and park come from the user's scope. Apps above the register add
their own filters with `EnterpriseFilterSet.add_filters` from their `AppConfig.ready()` (the
chains app: chain, node and chain role; see `jinmu.enterprises.extensions`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.core.filtersets import (
    IdFilter,
    KeptFormFilterSet,
    WholeNumberFilter,
    fast_selects,
    search_box,
    search_filter,
)
from jinmu.core.forms import bootstrap
from jinmu.core.options import KeptChoices, park_filter, town_filter

# Re-exported: other modules still import them from here (they live in core, shared with projects).
from jinmu.core.places import (
    request_user,
)
from jinmu.core.validators import USCC_ALPHABET, normalize_uscc
from jinmu.core.widgets import FastSelect
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus, IndustryLevel
from jinmu.enterprises.models import (
    AnnualFigures,
    Enterprise,
    IndustryCode,
    Qualification,
    QualificationKind,
)
from jinmu.enterprises.options import (
    Generations,
    generations,
    remembered,
    watch,
)

_user = request_user

# Reference data (GB/T 4754 industry codes, qualification kinds) changes a few times a year, yet
# every list request built its selects from it (a query and a model instance per option): their
# options are kept under the models' generations (`jinmu.enterprises.options`).
REFERENCE_MODELS = frozenset({"enterprises.industrycode", "enterprises.qualificationkind"})
EMPTY_CHOICE = ("", "---------")
watch(REFERENCE_MODELS)


def reference_choices(
    model: type[Model],
    load: Callable[[], Iterable[tuple[str, str]]],
    current: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The choices `load` reads from reference `model`, kept under the model's generation
    (`current`: the generations, when the caller read them already)."""
    label = model._meta.label_lower
    current = current if current is not None else generations([label])
    return remembered(("reference", label), [label], lambda: [EMPTY_CHOICE, *load()], current)


def industry_choices(current: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Sections and divisions of GB/T 4754-2017 for the filter's select ("C34 name", as
    `str(code)` reads)."""

    def load() -> Iterator[tuple[str, str]]:
        rows = (
            IndustryCode.objects.filter(level__in=(IndustryLevel.SECTION, IndustryLevel.DIVISION))
            .order_by("code")
            .values_list("code", "name")
        )
        return ((code, f"{code} {name}") for code, name in rows)

    return reference_choices(IndustryCode, load, current)


def qualification_choices(current: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The active qualification kinds by code, in their own order, for the filter's select."""
    return reference_choices(
        QualificationKind,
        lambda: QualificationKind.objects.filter(is_active=True).values_list("code", "name"),
        current,
    )


def _json_escaped(text: str) -> str:
    """`text` as it appears inside a JSON string stored with ASCII escapes (SQLite's JSONField)."""
    return json.dumps(text)[1:-1]


def _starts_with(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, written as a range so that an index serves it on every
    database (SQLite does not use an index for LIKE 'x%' on a case-sensitive column)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


# Past this many matches an initials search is "dense": sorting every match would cost more
# than walking the sort order, and a LIKE scan finds a page (and the capped count) quickly.
DENSE_MATCHES = 20_000


def search_enterprises(queryset: QuerySet[Enterprise], text: str) -> QuerySet[Enterprise]:
    """Search by pinyin initials or credit code (from the start), or by Chinese name or former
    name (anywhere).

    Letters only are read as pinyin initials of the whole name or of the trade name after the
    place: "njjs" finds 宁津健身…, "hjty" finds 宁津县华健体育… (stored in lower case; Latin
    words in names are kept whole: "ABC机械" → "abcjx"). Digits and capitals are
    read as the start of a credit code. Both are index range scans, so they stay fast at any
    size; Chinese text is matched anywhere in the name, which scans the names in scope.
    """
    text = text.strip()
    if not text:
        return queryset
    letters = text.replace(" ", "")
    if letters.isascii() and letters.isalpha():
        initials = letters.lower()
        code = normalize_uscc(letters)
        ranges = _starts_with("name_initials", initials) | _starts_with("brand_initials", initials)
        if all(ch in USCC_ALPHABET for ch in code):
            ranges |= _starts_with("uscc", code)
        if queryset.filter(ranges).order_by()[: DENSE_MATCHES + 1].count() <= DENSE_MATCHES:
            return queryset.filter(ranges)
        # Most names match (e.g. "njx": 宁津县…). Reading the index ranges would fetch and sort
        # every match before the first page; LIKE (which the indexes do not serve) lets the
        # database walk the sort index instead and stop after one page. Same rows either way.
        patterns = Q(name_initials__startswith=initials) | Q(brand_initials__startswith=initials)
        if all(ch in USCC_ALPHABET for ch in code):
            patterns |= Q(uscc__startswith=code)
        return queryset.filter(patterns)
    code = normalize_uscc(text)
    if code.isascii() and code and all(ch in USCC_ALPHABET for ch in code):
        return queryset.filter(_starts_with("uscc", code[:18]))
    condition = Q(name__icontains=text) | Q(former_names__icontains=text)
    if not text.isascii():
        condition |= Q(former_names__icontains=_json_escaped(text))
    return queryset.filter(condition)


class EnterpriseFilterForm(forms.Form):
    """Tabler classes on the filter widgets; the industry select lists sections and divisions;
    the options of reference data are kept between requests, and read only when drawn (the
    API validates the form but draws nothing)."""

    @classmethod
    def prepare_fields(cls, fields: dict[str, forms.Field]) -> None:
        """Fast selects and Tabler classes, once for the form class (KeptFormFilterSet)."""
        fast_selects(fields)
        if "industry" in fields:
            fields["industry"].widget = FastSelect()
        bootstrap(fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The generations the options are kept under, read once, when a select is drawn.
        self.generations = Generations()
        if "industry" in self.fields:
            self.fields["industry"].widget.choices = KeptChoices(
                lambda: industry_choices(self.generations.current)
            )
        if "qualification" in self.fields:
            # The field keeps its queryset to validate a choice; only the options are cached.
            self.fields["qualification"].widget.choices = KeptChoices(
                lambda: qualification_choices(self.generations.current)
            )
        search_box(self, _("Name, credit code or pinyin initials"))


class EnterpriseFilterSet(KeptFormFilterSet):
    """Filters of the enterprise register (page, API and export share it)."""

    q = search_filter(_("Name, credit code, pinyin initials (njjs) or a former name."))
    # Options read as values (a town's and a park's label is their name) and kept per scope.
    town = town_filter()
    park = park_filter()
    scale = django_filters.ChoiceFilter(label=_("Scale"), choices=EnterpriseScale.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EnterpriseStatus.choices)
    qualification = django_filters.ModelChoiceFilter(
        label=_("Qualification"),
        queryset=QualificationKind.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_qualification",
        help_text=_("Enterprises holding it today (valid, not expired)."),
    )
    industry = django_filters.CharFilter(
        label=_("Industry"),
        method="filter_industry",
        help_text=_("GB/T 4754 code or its beginning: C34 also finds C3435."),
    )

    class Meta:
        model = Enterprise
        fields = (
            "q",
            "town",
            "park",
            "scale",
            "status",
            "qualification",
            "industry",
        )
        form = EnterpriseFilterForm

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> Any:
        """Free-text search."""
        return search_enterprises(queryset, value)

    @classmethod
    def add_filters(
        cls, filters: Mapping[str, django_filters.Filter], *, after: str | None = None
    ) -> None:
        """Extension point: add filters of an app above the register (from its
        `AppConfig.ready()`), after the filter named `after` or at the end. The form, the API
        and its schema, and the export all read them from `base_filters`. Adding a filter of
        the same name again replaces it."""
        for name, new in filters.items():
            new.field_name = new.field_name or name
        current = {name: f for name, f in cls.base_filters.items() if name not in filters}
        names = list(current)
        at = names.index(after) + 1 if after is not None else len(names)
        order = [*names[:at], *filters, *names[at:]]
        merged = {**current, **filters}
        cls.base_filters = {name: merged[name] for name in order}

    def filter_qualification(
        self, queryset: QuerySet[Enterprise], name: str, value: QualificationKind
    ) -> Any:
        """Enterprises holding a currently valid qualification of this kind."""
        held = Qualification.objects.current().filter(enterprise_id=OuterRef("pk"), kind=value)
        return queryset.filter(Exists(held))

    def filter_industry(self, queryset: QuerySet[Enterprise], name: str, value: str) -> Any:
        """Industry code prefix (GB/T 4754 codes nest by prefix)."""
        code = value.strip().upper()
        if not code:
            return queryset
        return queryset.filter(industry__code__startswith=code)


class AnnualFiguresFilterSet(django_filters.FilterSet):
    """API filters of annual figures."""

    enterprise = IdFilter(label=_("Enterprise"), field_name="enterprise_id")
    year = WholeNumberFilter(label=_("Year"), field_name="year")

    class Meta:
        model = AnnualFigures
        fields = ("enterprise", "year")


class QualificationFilterSet(django_filters.FilterSet):
    """API filters of qualifications."""

    enterprise = IdFilter(label=_("Enterprise"), field_name="enterprise_id")
    kind = django_filters.CharFilter(label=_("Kind (code)"), field_name="kind__code")

    class Meta:
        model = Qualification
        fields = ("enterprise", "kind")

"""Forms of the list pages: the attraction pipeline's and the renovation coverage's filters,
and a curated project list's name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.chains.models import Chain
from jinmu.core.forms import optional_choice
from jinmu.core.models import Region
from jinmu.projects.choices import Purpose
from jinmu.projects.forms.fields import TablerForm


def _chain_filter() -> forms.ModelChoiceField[Any]:
    """A filter by chain, among the chains the form's `__init__` offers."""
    return optional_choice(Chain, gettext_lazy("Chain"), empty_label=gettext_lazy("All chains"))


def _offer(form: forms.BaseForm, chains: QuerySet[Chain], **choices: list[tuple[Any, Any]]) -> None:
    """Offer `chains` in the form's chain filter and the given choices in its other filters."""
    chain = form.fields["chain"]
    assert isinstance(chain, forms.ModelChoiceField)
    chain.queryset = chains
    for name, options in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options


class PipelineFilterForm(TablerForm):
    """Filter of the attraction pipeline: chain, purpose, origin province, overdue leads."""

    outline_errors = False

    chain = _chain_filter()
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Origin province"), required=False)
    overdue = forms.BooleanField(
        label=gettext_lazy("Only leads with overdue deadlines"), required=False
    )

    def __init__(
        self, *args: Any, chains: QuerySet[Chain], provinces: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(
            self,
            chains,
            purpose=[("", _("All purposes")), *Purpose.choices],
            province=[("", _("All provinces")), *[(p, p) for p in provinces]],
        )


class CoverageFilterForm(TablerForm):
    """Filter of the renovation coverage: year, town, chain, which list to show."""

    outline_errors = False

    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False
    )
    town = forms.ChoiceField(label=gettext_lazy("Town"), required=False)
    chain = _chain_filter()
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("without", gettext_lazy("Without a renovation project")),
            ("with", gettext_lazy("With a renovation project")),
        ],
    )

    def __init__(
        self, *args: Any, towns: Iterable[Region], chains: QuerySet[Chain], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, chains, town=[("", _("All towns")), *[(t.code, t.name) for t in towns]])


class TagForm(TablerForm):
    """Name and description of a project list."""

    outline_errors = False

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

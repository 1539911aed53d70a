"""Forms of the problem pool: the list's filters, raising a problem by hand, resolving one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from jinmu.core.forms import add_version_field, bootstrap, optional_choice
from jinmu.core.models import Unit
from jinmu.core.types import User
from jinmu.problems import services
from jinmu.problems.choices import UNRESOLVED, ProblemCategory, ProblemStatus
from jinmu.problems.querysets import ProblemQuerySet

UNRESOLVED_FILTER = "unresolved"
ALL_FILTER = "all"


def owner_units(user: User) -> QuerySet[Unit]:
    """Units to filter the list by (any unit that can own a problem)."""
    return (
        Unit.objects.for_user(user)
        .filter(is_active=True, kind__in=services.OWNER_UNIT_KINDS)
        .order_by("kind", "name")
    )


class ProblemFilterForm(forms.Form):
    """Filters of the problem list."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            (UNRESOLVED_FILTER, gettext_lazy("Unresolved")),
            *ProblemStatus.choices,
            (ALL_FILTER, gettext_lazy("All")),
        ],
    )
    owner_unit = optional_choice(
        Unit, gettext_lazy("Owner unit"), empty_label=gettext_lazy("All units")
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All categories")), *ProblemCategory.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owner_units(user)
        bootstrap(self)

    def filter(self, problems: ProblemQuerySet, *, today: dt.date) -> ProblemQuerySet:
        """The problems matching the filters (none when the filters are invalid)."""
        if not self.is_valid():
            return problems.none()
        data = self.cleaned_data
        status = data["status"] or UNRESOLVED_FILTER
        if status == UNRESOLVED_FILTER:
            problems = problems.filter(status__in=UNRESOLVED)
        elif status != ALL_FILTER:
            problems = problems.filter(status=status)
        if data["owner_unit"] is not None:
            problems = problems.filter(owner_unit=data["owner_unit"])
        if data["category"]:
            problems = problems.filter(category=data["category"])
        if data["overdue"]:
            problems = problems.filter(status__in=UNRESOLVED, due_on__lt=today)
        return problems


class ResolveForm(forms.Form):
    """How the problem was solved (required)."""

    field_column = "col-12"  # one field a line: the form sits in a narrow column

    resolution = forms.CharField(
        label=gettext_lazy("How it was solved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The version the page showed: required, so a post without it cannot skip the check.
        add_version_field(self, None, required=True)
        bootstrap(self)


class ProblemForm(forms.Form):
    """A problem raised by hand (weekly reports raise theirs themselves)."""

    field_column = "col-12"  # one field a line: the form sits in a narrow column

    title = forms.CharField(label=gettext_lazy("Problem"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ProblemCategory.choices)
    owner_unit = optional_choice(
        Unit,
        gettext_lazy("Owner unit"),
        help_text=gettext_lazy("Default: the project's responsible unit."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Default: 10 working days from today."),
    )

    def __init__(self, *args: Any, user: User, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        # Only units that can own work in the county where the problem will lie.
        region = services.problem_region(user, project=project)
        owner.queryset = (
            services.assignable_units(region) if region is not None else Unit.objects.none()
        )
        owner.error_messages["invalid_choice"] = services.unassignable_message()
        bootstrap(self)

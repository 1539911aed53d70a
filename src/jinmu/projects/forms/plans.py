"""Forms of the battle map (挂图作战) and the approvals: milestones, re-plan requests, the
approver's decisions and approval items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from jinmu.core.forms import add_version_field, bootstrap
from jinmu.core.models import Unit
from jinmu.problems.services import assignable_units, unassignable_message
from jinmu.projects import planning, services
from jinmu.projects.choices import PlanState
from jinmu.projects.forms.fields import FAST_RENDERER, TablerForm, date_widget
from jinmu.projects.models import ApprovalItem, Milestone, Project


def _scope_units(field: forms.Field, project: Project, current_id: int | None) -> None:
    """Offer (and accept) only units that can own work in the project's county; the value
    already stored stays acceptable, so an old row can still be saved unchanged."""
    assert isinstance(field, forms.ModelChoiceField)
    units = assignable_units(project.region_id)
    if current_id is not None:
        units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=current_id)).order_by(
            "kind", "name"
        )
    field.queryset = units
    field.error_messages["invalid_choice"] = unassignable_message()


class _ProjectRowForm(forms.ModelForm):  # type: ignore[type-arg]
    """A row of one project (milestone, approval item): it carries the version it was opened
    on, and its unit field (`unit_field`) offers the units of the project's county."""

    unit_field = ""
    default_renderer = FAST_RENDERER

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.instance.region_id = project.region_id
        editing = self.instance.pk is not None
        # Required on an edit (a version is given): a post without it cannot skip the check.
        add_version_field(self, self.instance.version if editing else None)
        current = getattr(self.instance, f"{self.unit_field}_id") if editing else None
        _scope_units(self.fields[self.unit_field], project, current)

    def client_version(self) -> int | None:
        """The version the form was opened on."""
        value = self.cleaned_data.get("version")
        return int(value) if value else None


class MilestoneForm(_ProjectRowForm):
    """A milestone; while the plan is approved its planned side is shown but cannot change."""

    unit_field = "owner_unit"

    class Meta:
        model = Milestone
        fields = planning.MILESTONE_FIELDS
        widgets = {
            "planned_start": date_widget(),
            "planned_end": date_widget(),
            "actual_start": date_widget(),
            "actual_end": date_widget(),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        if project.plan_state == PlanState.APPROVED:
            for name in planning.FROZEN_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = gettext_lazy(
                    "Frozen by the approved plan; request a re-plan to change it."
                )
        bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `planning.add_milestone` / `update_milestone` (frozen fields are
        left out, so they are never sent)."""
        return {
            name: self.cleaned_data[name]
            for name in planning.MILESTONE_FIELDS
            if name in self.fields and not self.fields[name].disabled
        }


class ApprovalForm(_ProjectRowForm):
    """One approval item with its planned and actual dates."""

    unit_field = "authority"

    class Meta:
        model = ApprovalItem
        fields = services.APPROVAL_FIELDS
        widgets = {"planned_on": date_widget(), "actual_on": date_widget()}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `services.save_approval`."""
        return {name: self.cleaned_data[name] for name in services.APPROVAL_FIELDS}


class ReplanForm(TablerForm):
    """Why the approved plan must change."""

    outline_errors = False
    reason = forms.CharField(
        label=gettext_lazy("Reason for re-planning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class PlanDecisionForm(forms.Form):
    """The versions an approve / reject button was rendered with."""

    version = forms.IntegerField(required=False, min_value=1)
    plan = forms.CharField(required=False, max_length=64)

    def decision(self) -> tuple[int | None, str | None]:
        """(version, plan signature) the page showed; (None, None) when the post is invalid."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("version"), self.cleaned_data.get("plan") or None


class VersionForm(forms.Form):
    """The version of a row to delete (sent by a small POST form)."""

    version = forms.IntegerField(required=False, min_value=1)

    def version_or_none(self) -> int | None:
        """The version posted, or None when it is missing or invalid."""
        return self.cleaned_data.get("version") if self.is_valid() else None

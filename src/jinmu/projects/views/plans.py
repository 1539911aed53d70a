"""Project pages: the battle map (挂图作战) and the approvals (拿地即开工 / 交地即发证).

The battle map shows each milestone's baseline, current plan and actual dates as an ECharts
Gantt (printable for the wall: A3 landscape, the chart as an image), the milestone forms for
editors, the plan's approve / re-plan buttons for those allowed, the list of baselines, and an
Excel export with the Gantt drawn in cells. Every page starts from
`Project.objects.for_user(request.user)`, so a project out of scope is a 404; writes go through
`jinmu.projects.planning` and `jinmu.projects.services`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from jinmu.core.audit import record_access
from jinmu.core.forms import add_service_errors, add_version_field, run_write
from jinmu.core.models import Unit
from jinmu.core.uploads import neutralise_cell
from jinmu.problems.services import assignable_units, unassignable_message
from jinmu.projects import approvals as approval_queries
from jinmu.projects import planning, services
from jinmu.projects.choices import PlanState
from jinmu.projects.models import ApprovalItem, Baseline, Milestone, Project
from jinmu.projects.permissions import can_approve_plans, can_edit_project
from jinmu.projects.planning import MilestoneRow, MilestoneState

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A plan spanning more weeks than this (ten years: a typing error, usually) is cut in the
# workbook so it stays printable.
MAX_WEEK_COLUMNS = 520
_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --------------------------------------------------------------------------- forms


def _bootstrap(form: forms.BaseForm) -> None:
    """Tabler classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _add_version(form: forms.BaseForm, version: int | None) -> None:
    # Required on an edit (a version is given): a post without it cannot skip the check.
    add_version_field(form, version)


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


class MilestoneForm(forms.ModelForm):  # type: ignore[type-arg]
    """A milestone; while the plan is approved its planned side is shown but cannot change."""

    class Meta:
        model = Milestone
        fields = planning.MILESTONE_FIELDS
        widgets = {
            "planned_start": _DATE_WIDGET,
            "planned_end": _DATE_WIDGET,
            "actual_start": _DATE_WIDGET,
            "actual_end": _DATE_WIDGET,
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.instance.region_id = project.region_id
        _add_version(self, self.instance.version if self.instance.pk else None)
        _scope_units(
            self.fields["owner_unit"],
            project,
            self.instance.owner_unit_id if self.instance.pk else None,
        )
        if project.plan_state == PlanState.APPROVED:
            for name in planning.FROZEN_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = gettext_lazy(
                    "Frozen by the approved plan; request a re-plan to change it."
                )
        _bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `planning.add_milestone` / `update_milestone` (frozen fields are
        left out, so they are never sent)."""
        return {
            name: self.cleaned_data[name]
            for name in planning.MILESTONE_FIELDS
            if name in self.fields and not self.fields[name].disabled
        }

    def client_version(self) -> int | None:
        """The version the form was opened on."""
        value = self.cleaned_data.get("version")
        return int(value) if value else None


class ReplanForm(forms.Form):
    """Why the approved plan must change."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for re-planning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class PlanDecisionForm(forms.Form):
    """The versions an approve / reject button was rendered with."""

    version = forms.IntegerField(required=False, min_value=1)
    plan = forms.CharField(required=False, max_length=64)


class ApprovalForm(forms.ModelForm):  # type: ignore[type-arg]
    """One approval item with its planned and actual dates."""

    class Meta:
        model = ApprovalItem
        fields = services.APPROVAL_FIELDS
        widgets = {"planned_on": _DATE_WIDGET, "actual_on": _DATE_WIDGET}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.instance.region_id = project.region_id
        _add_version(self, self.instance.version if self.instance.pk else None)
        _scope_units(
            self.fields["authority"],
            project,
            self.instance.authority_id if self.instance.pk else None,
        )
        _bootstrap(self)

    def service_data(self) -> dict[str, Any]:
        """Cleaned values for `services.save_approval`."""
        return {name: self.cleaned_data[name] for name in services.APPROVAL_FIELDS}

    def client_version(self) -> int | None:
        """The version the form was opened on."""
        value = self.cleaned_data.get("version")
        return int(value) if value else None


class VersionForm(forms.Form):
    """The version of a row to delete (sent by a small POST form)."""

    version = forms.IntegerField(required=False, min_value=1)


# --------------------------------------------------------------------------- helpers


def _project(request: HttpRequest, pk: int) -> Project:
    """The project if the user sees it, else 404."""
    project: Project = get_object_or_404(
        Project.objects.for_user(request.user).select_related("region", "responsible_unit"),
        pk=pk,
    )
    return project


def _require_editor(request: HttpRequest, project: Project) -> None:
    if not can_edit_project(request.user, project):
        raise PermissionDenied(_("You may not change this project."))


_add_errors = add_service_errors


def _write(
    request: HttpRequest, form: forms.BaseForm, write: Callable[[], Any], success: str
) -> bool:
    """Run a service write; a stale or invalid write lands on the form (or as a message)."""
    return run_write(request, form, write, success)[0]


def _decide(request: HttpRequest, write: Callable[[], Any], success: str) -> None:
    """Run a plan decision; its errors become page messages."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


def _detail_url(project: Project) -> str | None:
    """The project's page, if the ledger pages are installed."""
    try:
        return reverse("projects:detail", args=[project.pk])
    except NoReverseMatch:  # the ledger pages are another module's
        return None


def _chosen_baseline(request: HttpRequest, baselines: Sequence[Baseline]) -> Baseline | None:
    """`?baseline=N`, else the latest."""
    raw = request.GET.get("baseline")
    if raw and raw.isdigit():
        for baseline in baselines:
            if baseline.number == int(raw):
                return baseline
    return baselines[-1] if baselines else None


def _actual_span(row: MilestoneRow, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Where the actual bar runs: start to end when done, start to today while open."""
    m = row.milestone
    if m.actual_end:
        return (m.actual_start or m.actual_end, m.actual_end)
    if m.actual_start:
        return (m.actual_start, max(today, m.actual_start))
    return None


STATE_LABELS = {
    MilestoneState.DONE: gettext_lazy("Done"),
    MilestoneState.DONE_LATE: gettext_lazy("Done late"),
    MilestoneState.LATE: gettext_lazy("Late"),
    MilestoneState.ONGOING: gettext_lazy("Under way"),
    MilestoneState.UPCOMING: gettext_lazy("Not due yet"),
}
STATE_CLASSES = {
    MilestoneState.DONE: "bg-green-lt",
    MilestoneState.DONE_LATE: "bg-orange-lt",
    MilestoneState.LATE: "bg-red-lt",
    MilestoneState.ONGOING: "bg-azure-lt",
    MilestoneState.UPCOMING: "bg-secondary-lt",
}
# Actual bars: green when done on time, orange when done late, red while open past the
# planned end, light green while open within it.
ACTUAL_COLOURS = {
    MilestoneState.DONE: "#2fb344",
    MilestoneState.DONE_LATE: "#f76707",
    MilestoneState.LATE: "#d63939",
    MilestoneState.ONGOING: "#8fd19e",
    MilestoneState.UPCOMING: "#8fd19e",
}


def gantt_data(
    project: Project,
    rows: Sequence[MilestoneRow],
    *,
    baseline: Baseline | None,
    today: dt.date,
) -> dict[str, Any]:
    """The chart's data: per milestone its baseline, plan and actual spans (ISO dates)."""
    items = []
    for row in rows:
        m = row.milestone
        actual = _actual_span(row, today)
        items.append(
            {
                "name": m.name,
                "owner": m.owner_unit.name if m.owner_unit else "",
                "weight": f"{m.weight.normalize():f}",
                "baseline": [row.baseline_start.isoformat(), row.baseline_end.isoformat()]
                if row.baseline_start and row.baseline_end
                else None,
                "plan": [m.planned_start.isoformat(), m.planned_end.isoformat()],
                "actual": [actual[0].isoformat(), actual[1].isoformat()] if actual else None,
                "actual_colour": ACTUAL_COLOURS[row.state],
                "state": str(STATE_LABELS[row.state]),
                "days_late": row.days_late,
            }
        )
    return {
        "today": today.isoformat(),
        "baseline": baseline.number if baseline else None,
        "rows": items,
        "labels": {
            "baseline": _("Baseline %(number)s") % {"number": baseline.number}
            if baseline
            else _("Baseline"),
            "plan": _("Current plan"),
            "actual": _("Actual"),
            "today": _("Today"),
            "owner": _("Owner unit"),
            "weight": _("Weight"),
            "days_late": _("Days late"),
            "state": _("State"),
            "none": _("none"),
        },
        "title": project.name,
    }


def _plan_context(
    request: HttpRequest,
    project: Project,
    *,
    add_form: MilestoneForm | None = None,
    replan_form: ReplanForm | None = None,
) -> dict[str, Any]:
    today = timezone.localdate()
    baselines = list(
        Baseline.objects.filter(project=project)
        .select_related("approved_by", "requested_by")
        .order_by("number")
    )
    chosen = _chosen_baseline(request, baselines)
    rows, removed = planning.milestone_rows(project, baseline=chosen, today=today)
    can_edit = can_edit_project(request.user, project)
    can_approve = can_approve_plans(request.user)
    frozen = project.plan_state == PlanState.APPROVED
    if can_edit and not frozen and add_form is None:
        add_form = MilestoneForm(project=project, initial={"sort_order": len(rows) + 1})
    if can_edit and frozen and replan_form is None:
        replan_form = ReplanForm(initial={"version": project.version})
    return {
        "project": project,
        "today": today,
        "rows": [
            {
                "row": row,
                "state_label": STATE_LABELS[row.state],
                "state_class": STATE_CLASSES[row.state],
            }
            for row in rows
        ],
        "removed": removed,
        "baselines": baselines,
        "chosen": chosen,
        "gantt": gantt_data(project, rows, baseline=chosen, today=today),
        "summary": planning.plan_summary(project, today=today),
        "signature": planning.plan_signature(project),
        "can_edit": can_edit,
        "can_approve": can_approve,
        "frozen": frozen,
        "add_form": add_form if can_edit and not frozen else None,
        "replan_form": replan_form if can_edit and frozen else None,
        "requester": planning.replan_requester(project)
        if project.plan_state == PlanState.REPLANNING
        else None,
        "detail_url": _detail_url(project),
        "PlanState": PlanState,
    }


def _back_to_plan(project: Project, anchor: str = "") -> HttpResponse:
    return redirect(reverse("projects:plan", args=[project.pk]) + anchor)


# --------------------------------------------------------------------------- battle map


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The battle map: Gantt of baseline, plan and actuals; milestones; baselines."""
    project = _project(request, pk)
    return render(request, "projects/plan_detail.html", _plan_context(request, project))


@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a milestone (editors, draft or re-planning)."""
    project = _project(request, pk)
    _require_editor(request, project)
    form = MilestoneForm(request.POST, project=project)
    if form.is_valid() and _write(
        request,
        form,
        lambda: planning.add_milestone(
            actor=request.user, project=project, data=form.service_data()
        ),
        _("Milestone added."),
    ):
        return _back_to_plan(project, "#milestones")
    context = _plan_context(request, project, add_form=form)
    return render(request, "projects/plan_detail.html", context)


@login_required
def milestone_edit(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """Change a milestone (planned side frozen while the plan is approved)."""
    project = _project(request, pk)
    milestone = get_object_or_404(Milestone.objects.filter(project=project), pk=milestone_pk)
    _require_editor(request, project)
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST, instance=milestone, project=project)
        if form.is_valid():
            saved, status = run_write(
                request,
                form,
                lambda: planning.update_milestone(
                    actor=request.user,
                    milestone=milestone,
                    data=form.service_data(),
                    expected_version=form.client_version(),
                ),
                _("Milestone saved."),
            )
            if saved:
                return _back_to_plan(project, "#milestones")
    else:
        form = MilestoneForm(instance=milestone, project=project)
    return render(
        request,
        "projects/plan_milestone_form.html",
        {
            "project": project,
            "milestone": milestone,
            "form": form,
            "frozen": project.plan_state == PlanState.APPROVED,
            "can_delete": project.plan_state != PlanState.APPROVED,
        },
        status=status,
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """Remove a milestone (not while the plan is approved)."""
    project = _project(request, pk)
    milestone = get_object_or_404(Milestone.objects.filter(project=project), pk=milestone_pk)
    _require_editor(request, project)
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    _decide(
        request,
        lambda: planning.delete_milestone(
            actor=request.user, milestone=milestone, expected_version=version
        ),
        _("Milestone removed."),
    )
    return _back_to_plan(project, "#milestones")


def _decision(request: HttpRequest) -> tuple[int | None, str | None]:
    form = PlanDecisionForm(request.POST)
    if not form.is_valid():
        return None, None
    return form.cleaned_data.get("version"), form.cleaned_data.get("plan") or None


def _approver_decision(
    request: HttpRequest,
    pk: int,
    service: Callable[..., Any],
    success: str,
    *,
    checks_plan: bool = True,
) -> HttpResponse:
    """Run one plan decision of an approver (approve, approve or refuse a re-plan): the
    version the page showed and, where the decision freezes a baseline, the plan it showed."""
    project = _project(request, pk)
    if not can_approve_plans(request.user):
        raise PermissionDenied
    version, signature = _decision(request)
    extra = {"expected_plan": signature} if checks_plan else {}
    _decide(
        request,
        lambda: service(actor=request.user, project=project, expected_version=version, **extra),
        success,
    )
    return _back_to_plan(project)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the draft plan: baseline 1 is frozen."""
    return _approver_decision(
        request, pk, planning.approve_plan, _("Plan approved; baseline frozen.")
    )


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a re-plan of the approved plan, with a reason."""
    project = _project(request, pk)
    _require_editor(request, project)
    form = ReplanForm(request.POST)
    if form.is_valid() and _write(
        request,
        form,
        lambda: planning.request_replan(
            actor=request.user,
            project=project,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        ),
        _("Re-plan requested: the planned dates can be changed until it is approved."),
    ):
        return _back_to_plan(project)
    return render(
        request,
        "projects/plan_detail.html",
        _plan_context(request, project, replan_form=form),
    )


@login_required
@require_POST
def plan_replan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the re-plan: the next baseline is frozen."""
    return _approver_decision(
        request,
        pk,
        planning.approve_replan,
        _("Re-plan approved; a new baseline is frozen."),
    )


@login_required
@require_POST
def plan_replan_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Refuse the re-plan: the plan returns to the latest baseline."""
    return _approver_decision(
        request,
        pk,
        planning.reject_replan,
        _("Re-plan refused; the plan is back to its latest baseline."),
        checks_plan=False,
    )


# --------------------------------------------------------------------------- Excel


def _attachment(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _text(cell: Any, value: Any) -> None:
    """Write a value; text is neutralised and stored as a string, never a formula."""
    cell.value = neutralise_cell(value)
    if isinstance(value, str):
        cell.data_type = "s"


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


_HEADER_FILL = _fill("DDEBF7")
_PLAN_FILL = _fill("8DB4F5")
_ACTUAL_FILLS = {
    MilestoneState.DONE: _fill("2FB344"),
    MilestoneState.DONE_LATE: _fill("F76707"),
    MilestoneState.LATE: _fill("D63939"),
    MilestoneState.ONGOING: _fill("8FD19E"),
    MilestoneState.UPCOMING: _fill("8FD19E"),
}
_TODAY_FILL = _fill("FADBD8")
_BASELINE_SIDE = Side(style="medium", color="555555")
_THIN = Side(style="thin", color="DDDDDD")


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _overlaps(monday: dt.date, span: tuple[dt.date, dt.date] | None) -> bool:
    return span is not None and span[0] <= monday + dt.timedelta(days=6) and span[1] >= monday


def plan_workbook(
    project: Project,
    rows: Sequence[MilestoneRow],
    *,
    baseline: Baseline | None,
    today: dt.date,
) -> bytes:
    """One sheet: each milestone with its baseline, plan and actual dates, days late, owner
    and weight, then one column per week drawing the Gantt in cell fills (plan blue, actual
    green / orange / red, the baseline as a dark outline, this week shaded)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _("Battle map")[:31]
    headers = [
        "#",
        _("Milestone"),
        _("Owner unit"),
        _("Weight"),
        _("Baseline start"),
        _("Baseline end"),
        _("Planned start"),
        _("Planned end"),
        _("Actual start"),
        _("Actual end"),
        _("Days late"),
        _("State"),
    ]
    widths = [4, 24, 16, 7, 11, 11, 11, 11, 11, 11, 8, 9]
    fixed = len(headers)
    spans = []
    for row in rows:
        m = row.milestone
        spans.append(
            (
                (row.baseline_start, row.baseline_end)
                if row.baseline_start and row.baseline_end
                else None,
                (m.planned_start, m.planned_end),
                _actual_span(row, today),
            )
        )
    days = [d for triple in spans for span in triple if span for d in span] + [today]
    first = _monday(min(days))
    count = min(((_monday(max(days)) - first).days // 7) + 1, MAX_WEEK_COLUMNS)
    mondays = [first + dt.timedelta(weeks=i) for i in range(count)]

    title = _("Battle map of %(project)s") % {"project": project.name}
    note = _("Baseline %(number)s · exported %(day)s") % {
        "number": baseline.number if baseline else "—",
        "day": today.isoformat(),
    }
    _text(sheet.cell(row=1, column=1), title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    _text(sheet.cell(row=1, column=6), note)
    bold = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index)
        _text(cell, header)
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = widths[index - 1]
    this_week = _monday(today)
    for offset, monday in enumerate(mondays):
        column = fixed + 1 + offset
        iso = monday.isocalendar()
        cell = sheet.cell(row=2, column=column)
        _text(cell, f"W{iso.week:02d} {monday:%m-%d}")
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
        cell.fill = _TODAY_FILL if monday == this_week else _HEADER_FILL
        cell.font = Font(size=8, bold=monday == this_week)
        sheet.column_dimensions[get_column_letter(column)].width = 2.6
    sheet.row_dimensions[2].height = 48

    date_format = "yyyy-mm-dd"
    for number, (row, (base, planned, actual)) in enumerate(zip(rows, spans, strict=True), 1):
        m = row.milestone
        line = number + 2
        values: list[Any] = [
            number,
            m.name,
            m.owner_unit.name if m.owner_unit else "",
            m.weight,
            row.baseline_start,
            row.baseline_end,
            m.planned_start,
            m.planned_end,
            m.actual_start,
            m.actual_end,
            row.days_late,
            str(STATE_LABELS[row.state]),
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=index)
            _text(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = date_format
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
        for offset, monday in enumerate(mondays):
            cell = sheet.cell(row=line, column=fixed + 1 + offset)
            in_base = _overlaps(monday, base)
            if _overlaps(monday, actual):
                cell.fill = _ACTUAL_FILLS[row.state]
            elif _overlaps(monday, planned):
                cell.fill = _PLAN_FILL
            elif monday == this_week:
                cell.fill = _TODAY_FILL
            cell.border = Border(
                top=_BASELINE_SIDE if in_base else _THIN,
                bottom=_BASELINE_SIDE if in_base else _THIN,
                left=_THIN,
                right=_THIN,
            )

    legend_row = len(rows) + 4
    legend = [
        (_PLAN_FILL, _("Current plan")),
        (_ACTUAL_FILLS[MilestoneState.DONE], _("Done")),
        (_ACTUAL_FILLS[MilestoneState.DONE_LATE], _("Done late")),
        (_ACTUAL_FILLS[MilestoneState.LATE], _("Late, not finished")),
        (_ACTUAL_FILLS[MilestoneState.ONGOING], _("Under way")),
        (_TODAY_FILL, _("This week")),
    ]
    _text(sheet.cell(row=legend_row, column=2), _("Legend"))
    sheet.cell(row=legend_row, column=2).font = bold
    for offset, (fill, label) in enumerate(legend, start=1):
        sheet.cell(row=legend_row + offset, column=1).fill = fill
        _text(sheet.cell(row=legend_row + offset, column=2), label)
    outline = sheet.cell(row=legend_row + len(legend) + 1, column=1)
    outline.border = Border(top=_BASELINE_SIDE, bottom=_BASELINE_SIDE)
    _text(
        sheet.cell(row=legend_row + len(legend) + 1, column=2),
        _("Baseline (dark outline)"),
    )
    if count == MAX_WEEK_COLUMNS:
        _text(
            sheet.cell(row=legend_row + len(legend) + 2, column=2),
            _("Only the first %(weeks)s weeks are drawn.") % {"weeks": MAX_WEEK_COLUMNS},
        )

    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The battle map as an Excel workbook (the chosen baseline, default the latest)."""
    project = _project(request, pk)
    today = timezone.localdate()
    baselines = list(Baseline.objects.filter(project=project).order_by("number"))
    chosen = _chosen_baseline(request, baselines)
    rows, _removed = planning.milestone_rows(project, baseline=chosen, today=today)
    content = plan_workbook(project, rows, baseline=chosen, today=today)
    record_access(request, obj=project, fmt="xlsx", rows=len(rows))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    day = today.strftime("%Y%m%d")
    response["Content-Disposition"] = _attachment(
        f"挂图作战-{project.name}-{day}.xlsx", f"plan-{project.pk}-{day}.xlsx"
    )
    return response


# --------------------------------------------------------------------------- approvals


def _approvals_context(
    request: HttpRequest, project: Project, *, form: ApprovalForm | None = None
) -> dict[str, Any]:
    today = timezone.localdate()
    can_edit = can_edit_project(request.user, project)
    if can_edit and form is None:
        form = ApprovalForm(project=project)
    rows = approval_queries.approval_rows(project, today=today)
    return {
        "project": project,
        "today": today,
        "rows": rows,
        "verdicts": approval_queries.verdicts(project, today=today),
        "summary": approval_queries.summary_for_user(request.user),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "detail_url": _detail_url(project),
    }


@login_required
def approvals(request: HttpRequest, pk: int) -> HttpResponse:
    """The approval items with planned and actual dates, and the two verdicts."""
    project = _project(request, pk)
    form = None
    if request.method == "POST":
        _require_editor(request, project)
        form = ApprovalForm(request.POST, project=project)
        if form.is_valid() and _write(
            request,
            form,
            lambda: services.save_approval(
                actor=request.user, project=project, data=form.service_data()
            ),
            _("Approval item added."),
        ):
            return redirect("projects:approvals", pk=project.pk)
    return render(
        request, "projects/approval_list.html", _approvals_context(request, project, form=form)
    )


@login_required
def approval_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change one approval item."""
    project = _project(request, pk)
    item = get_object_or_404(ApprovalItem.objects.filter(project=project), pk=item_pk)
    _require_editor(request, project)
    status = 200
    if request.method == "POST":
        form = ApprovalForm(request.POST, instance=item, project=project)
        if form.is_valid():
            saved, status = run_write(
                request,
                form,
                lambda: services.save_approval(
                    actor=request.user,
                    project=project,
                    item=item,
                    data=form.service_data(),
                    expected_version=form.client_version(),
                ),
                _("Approval item saved."),
            )
            if saved:
                return redirect("projects:approvals", pk=project.pk)
    else:
        form = ApprovalForm(instance=item, project=project)
    return render(
        request,
        "projects/approval_form.html",
        {"project": project, "item": item, "form": form},
        status=status,
    )


@login_required
@require_POST
def approval_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Remove one approval item."""
    project = _project(request, pk)
    item = get_object_or_404(ApprovalItem.objects.filter(project=project), pk=item_pk)
    _require_editor(request, project)
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    _decide(
        request,
        lambda: services.delete_approval(actor=request.user, item=item, expected_version=version),
        _("Approval item removed."),
    )
    return redirect("projects:approvals", pk=project.pk)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/plan/", plan, name="plan"),
    path("<int:pk>/plan/xlsx/", plan_xlsx, name="plan_xlsx"),
    path("<int:pk>/plan/milestones/new/", milestone_create, name="milestone_create"),
    path("<int:pk>/plan/milestones/<int:milestone_pk>/", milestone_edit, name="milestone_edit"),
    path(
        "<int:pk>/plan/milestones/<int:milestone_pk>/delete/",
        milestone_delete,
        name="milestone_delete",
    ),
    path("<int:pk>/plan/approve/", plan_approve, name="plan_approve"),
    path("<int:pk>/plan/replan/", plan_replan, name="plan_replan"),
    path("<int:pk>/plan/replan/approve/", plan_replan_approve, name="plan_replan_approve"),
    path("<int:pk>/plan/replan/reject/", plan_replan_reject, name="plan_replan_reject"),
    path("<int:pk>/approvals/", approvals, name="approvals"),
    path("<int:pk>/approvals/<int:item_pk>/", approval_edit, name="approval_edit"),
    path("<int:pk>/approvals/<int:item_pk>/delete/", approval_delete, name="approval_delete"),
]

"""Project pages: the approvals (拿地即开工 / 交地即发证): each approval item with its planned
and actual dates, and the two verdicts. Writes go through `jinmu.projects.services`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.types import AuthedRequest
from jinmu.projects import approvals as approval_queries
from jinmu.projects import services
from jinmu.projects.forms.plans import ApprovalForm
from jinmu.projects.models import ApprovalItem, Project
from jinmu.projects.permissions import can_edit_project
from jinmu.projects.tables import approvals_table
from jinmu.projects.views.common import (
    delete_row_view,
    edit_row,
    editable_row,
    optional_url,
    require_editor,
    visible_project,
    write_project_row,
)

_PROJECT_RELATIONS = ("region", "responsible_unit")


def _approvals_context(
    request: AuthedRequest, project: Project, *, form: ApprovalForm | None = None
) -> dict[str, Any]:
    today = timezone.localdate()
    can_edit = can_edit_project(request.user, project)
    if can_edit and form is None:
        form = ApprovalForm(project=project)
    rows = approval_queries.approval_rows(project, today=today)
    return {
        "project": project,
        "today": today,
        "table": approvals_table(can_edit=can_edit).of(rows),
        "verdicts": approval_queries.verdicts(project, today=today),
        "summary": approval_queries.summary_for_user(request.user),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "detail_url": optional_url("projects:detail", project.pk),
    }


@login_required
def approvals(request: AuthedRequest, pk: int) -> HttpResponse:
    """The approval items with planned and actual dates, and the two verdicts."""
    project = visible_project(request, pk, *_PROJECT_RELATIONS)
    form = None
    if request.method == "POST":
        require_editor(request, project)
        form = ApprovalForm(request.POST, project=project)
        if write_project_row(
            request, form, project, services.save_approval, _("Approval item added.")
        ):
            return redirect("projects:approvals", pk=project.pk)
    return render(
        request, "projects/approval_list.html", _approvals_context(request, project, form=form)
    )


def _project_item(request: AuthedRequest, pk: int, item_pk: int) -> tuple[Project, ApprovalItem]:
    """A visible project the user may edit and one of its approval items."""
    return editable_row(request, pk, ApprovalItem, item_pk, *_PROJECT_RELATIONS)


@login_required
def approval_edit(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change one approval item."""
    project, item = _project_item(request, pk, item_pk)
    return edit_row(
        request,
        lambda data: ApprovalForm(data, instance=item, project=project),
        save=lambda form: services.save_approval(
            actor=request.user,
            project=project,
            item=item,
            data=form.service_data(),
            expected_version=form.client_version(),
        ),
        success=_("Approval item saved."),
        done=reverse("projects:approvals", args=[project.pk]),
        template="projects/approval_form.html",
        context={"project": project, "item": item},
    )


approval_delete = delete_row_view(
    ApprovalItem,
    "item_pk",
    lambda actor, item, version: services.delete_approval(
        actor=actor, item=item, expected_version=version
    ),
    gettext_lazy("Approval item removed."),
    lambda project: reverse("projects:approvals", args=[project.pk]),
    relations=_PROJECT_RELATIONS,
    doc="Remove one approval item.",
)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/approvals/", approvals, name="approvals"),
    path("<int:pk>/approvals/<int:item_pk>/", approval_edit, name="approval_edit"),
    path("<int:pk>/approvals/<int:item_pk>/delete/", approval_delete, name="approval_delete"),
]

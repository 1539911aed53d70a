"""Policy text → target table: paste a text or upload a .txt/.docx, review the drafts, confirm.

The page is stateless: the first step extracts the goals and renders them as a formset whose
hidden fields carry everything the extraction found (sentence, span, kind, period), so the
review can be corrected and resubmitted any number of times without anything kept on the
server. Confirming turns the kept rows into targets in one all-or-nothing service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from jinmu.core.forms import add_row_errors
from jinmu.core.types import AuthedRequest
from jinmu.targets.forms.extract import (
    DraftFormSet,
    ExtractForm,
    ReviewForm,
    active_catalogue,
    draft_form_kwargs,
    draft_initial,
)
from jinmu.targets.services import county_of_manager, targets_from_drafts

# Where a service error on a draft's field is shown: the service's "indicator" is the
# catalogue indicator (our select), its "name" the goal as written.
_SERVICE_FIELDS = {
    "indicator": "indicator",
    "indicator_code": "indicator",
    "name": "name",
    "value": "value",
    "value_high": "value_high",
    "unit": "unit",
    "bound": "bound",
    "condition": "condition",
    "front": "front",
    "action": "action",
    "responsible_unit": "responsible_unit",
}


def _review(
    request: AuthedRequest,
    review: ReviewForm,
    formset: Any,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the review of the drafts."""
    year = review["year"].value()
    return render(
        request,
        "targets/extract_review.html",
        {
            "title": _("Review the target drafts"),
            "review": review,
            "formset": formset,
            "year": year,
            "page_errors": errors or [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def extract_page(request: AuthedRequest) -> HttpResponse:
    """Step one: the text; a valid one is answered with the review of its drafts."""
    county = county_of_manager(request.user)
    form = ExtractForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        review = ReviewForm(initial={"year": year})
        catalogue = active_catalogue()
        formset = DraftFormSet(
            initial=[draft_initial(goal, catalogue) for goal in form.goals],
            form_kwargs=draft_form_kwargs(county, catalogue),
        )
        return _review(request, review, formset)
    return render(
        request,
        "targets/extract.html",
        {"form": form, "title": _("Targets from a policy text"), "county": county},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def confirm_page(request: AuthedRequest) -> HttpResponse:
    """Step two: the kept drafts become targets, all of them or none."""
    county = county_of_manager(request.user)
    review = ReviewForm(request.POST)
    formset = DraftFormSet(request.POST, form_kwargs=draft_form_kwargs(county, active_catalogue()))
    review_valid = review.is_valid()
    if not formset.is_valid() or not review_valid:
        return _review(request, review, formset, status=400)
    kept = [index for index, form in enumerate(formset.forms) if form.kept]
    if not kept:
        messages.warning(request, _("Every draft was dropped; no target was created."))
        return _review(request, review, formset, status=400)
    drafts = [formset.forms[index].draft() for index in kept]
    try:
        created = targets_from_drafts(
            actor=request.user,
            region_code=county.code,
            year=review.cleaned_data["year"],
            drafts=drafts,
        )
    except ValidationError as error:
        loose = add_row_errors(
            error, "drafts", [formset.forms[index] for index in kept], _SERVICE_FIELDS
        )
        return _review(request, review, formset, errors=loose, status=400)
    messages.success(
        request,
        ngettext(
            "{count} target created for {year}.",
            "{count} targets created for {year}.",
            len(created),
        ).format(count=len(created), year=review.cleaned_data["year"]),
    )
    return redirect("targets:board")


urlpatterns = [
    path("extract/", extract_page, name="extract"),
    path("extract/confirm/", confirm_page, name="extract_confirm"),
]

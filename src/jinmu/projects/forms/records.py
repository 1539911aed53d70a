"""The small forms of one project's record: lifecycle transition, light override, annual
plan, documents and challenge reviews."""

from __future__ import annotations

import itertools
import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinmu.core.documents import check_document
from jinmu.core.forms import add_version_field, expected_version
from jinmu.projects.choices import AttachmentKind, Light, ProjectStatus
from jinmu.projects.forms.fields import TablerForm, WanField, date_widget
from jinmu.projects.models import Project
from jinmu.projects.services import TransitionInput, transition_input


def _reason_field(help_text: Any) -> forms.CharField:
    """The reason given with a decision on a project (a few lines)."""
    return forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class TransitionForm(TablerForm):
    """Move a project to another state of its lifecycle: when and why."""

    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    on = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=date_widget(),
        help_text=_("The day it happened; today if empty."),
    )
    reason = _reason_field(_("Required when the project is terminated."))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self, project.version)
        self.initial.setdefault("on", timezone.localdate())

    def service_data(self) -> TransitionInput:
        """What `services.transition` takes besides the actor and the project."""
        return transition_input(data=self.cleaned_data, expected_version=expected_version(self))


class LightOverrideForm(TablerForm):
    """Set a project's light by hand (with a reason) or clear the override."""

    light = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("No override (use the computed light)")), *Light.choices],
    )
    reason = _reason_field(_("Shown with the light to everyone who sees the project."))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self, project.version)
        self.initial.setdefault("light", project.light_override)
        self.initial.setdefault("reason", project.light_override_reason)

    def service_data(self) -> dict[str, Any]:
        """What `services.override_light` takes besides the actor and the project."""
        return {
            "light": self.cleaned_data.get("light") or "",
            "reason": self.cleaned_data.get("reason") or "",
            "expected_version": expected_version(self),
        }


_SHARE_SPLIT = re.compile(r"[\s,，;；、]+")


class YearPlanForm(TablerForm):
    """The investment a project plans to complete in a year (for 序时进度)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned_investment = WanField(label=_("Planned investment (10k yuan)"))
    monthly_shares = forms.CharField(
        label=_("Cumulative monthly shares"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional: twelve rising shares of the year's plan done by each month's end, between "
            "0 and 1, the last one 1 (e.g. 0.05 0.1 … 1). Empty: elapsed days / days in the year."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)

    def service_data(self) -> dict[str, Any]:
        """What `services.set_year_plan` takes besides the actor and the project."""
        data = self.cleaned_data
        return {
            "year": data["year"],
            "planned_investment": data["planned_investment"],
            "monthly_shares": data.get("monthly_shares"),
        }

    def clean_monthly_shares(self) -> list[float] | None:
        """Twelve numbers, separated by spaces or commas."""
        text = self.cleaned_data.get("monthly_shares", "").strip()
        if not text:
            return None
        try:
            values = [Decimal(part) for part in _SHARE_SPLIT.split(text) if part]
        except InvalidOperation as exc:
            raise ValidationError(_("Give numbers only, e.g. 0.05 0.1 … 1.")) from exc
        if (
            len(values) != 12
            or any(v < 0 or v > 1 for v in values)
            or any(b < a for a, b in itertools.pairwise(values))
            or values[-1] != 1
        ):
            raise ValidationError(_("Give twelve rising shares between 0 and 1, the last one 1."))
        return [float(v) for v in values]


# Documents a county files with projects; anything that a browser would run is refused.
ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".et",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".rar",
    ".7z",
)


class AttachmentForm(TablerForm):
    """Attach a document to a project."""

    kind = forms.ChoiceField(label=_("Document"), choices=AttachmentKind.choices)
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, help_text=_("The file name if empty.")
    )
    file = forms.FileField(label=_("File"))

    def clean_file(self) -> Any:
        """A document type we keep, no larger than the upload limit."""
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(
                _("Files of this type are not kept. Allowed: %(types)s."),
                params={"types": " ".join(ATTACHMENT_EXTENSIONS)},
            )
        limit = int(settings.JINMU_UPLOAD_MAX_BYTES)
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(mb)s MB."), params={"mb": limit // (1024 * 1024)}
            )
        # The content decides, not the name: a program renamed setup.pdf is refused.
        check_document(upload)
        return upload

    def service_data(self) -> dict[str, Any]:
        """What `services.add_attachment` takes besides the actor and the project."""
        data = self.cleaned_data
        return {"kind": data["kind"], "title": data.get("title") or "", "file": data["file"]}


class ReviewForm(TablerForm):
    """One reviewer's score of a challenge's solver (揭榜挂帅 评审)."""

    outline_errors = False  # its errors are shown as page messages

    reviewer = forms.CharField(label=_("Reviewer"), max_length=50)
    score = forms.DecimalField(
        label=_("Score"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

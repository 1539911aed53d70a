"""Checking a weekly report before anything is stored.

The reporter's input arrives as a `ReportInput` (text from a form or an import, or values);
`check_report` applies the rules group by group (the week, the money, the percent complete,
what comes with the report) and gives either a `CheckedReport` ready to store or the field
errors, every one of them at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinmu.core.money import wan_text
from jinmu.problems import services as problem_services
from jinmu.problems.choices import ProblemCategory
from jinmu.projects import photos as photo_files
from jinmu.projects import weeks
from jinmu.projects.models import Milestone, Project, WeeklyReport
from jinmu.projects.reporting.common import ZERO, iso_year, to_week

MAX_PHOTOS = 9
MAX_PROBLEMS = 20
_MONEY_LIMIT = Decimal(10) ** 14  # the column holds 16 digits, 2 after the point
_CENT = Decimal("0.01")

FieldErrors = dict[str, list[str]]


@dataclass(frozen=True)
class ReportInput:
    """A project's report for one week as the reporter gave it.

    Give `invested_this_week` (yuan), or `cumulative_invested` (yuan, for imports where people
    type the running total: this week's figure is then the difference to the previous report).
    """

    week: dt.date | str
    percent_complete: int | str | None
    invested_this_week: Decimal | str | None = None
    cumulative_invested: Decimal | str | None = None
    progress_text: str = ""
    problems: tuple[Any, ...] = ()
    photos: tuple[Any, ...] = ()
    completed_milestones: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Neighbours:
    """The latest report before a week and the earliest after it (a late report has one)."""

    previous: WeeklyReport | None = None
    following: WeeklyReport | None = None

    @property
    def total_before(self) -> Decimal:
        """The running total reported up to the week before."""
        return self.previous.cumulative_invested if self.previous else ZERO


@dataclass(frozen=True)
class CheckedReport:
    """A report that met every rule: exactly what storage writes."""

    week: dt.date
    invested_this_week: Decimal
    percent_complete: int
    progress_text: str
    neighbours: Neighbours
    problems: tuple[dict[str, Any], ...]
    milestones: tuple[Milestone, ...]
    photos: tuple[tuple[Any, str], ...]  # (file, image format found in its bytes)

    @property
    def cumulative_invested(self) -> Decimal:
        """The running total up to and including this week."""
        return self.neighbours.total_before + self.invested_this_week

    @property
    def year_invested(self) -> Decimal:
        """This week's amount plus the earlier weeks' of the same ISO year."""
        previous = self.neighbours.previous
        same_year = previous is not None and iso_year(previous.week) == iso_year(self.week)
        year_before = previous.year_invested if previous is not None and same_year else ZERO
        return year_before + self.invested_this_week


def _add(errors: FieldErrors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


# --------------------------------------------------------------------------- the week


def _neighbours(project: Project, monday: dt.date) -> Neighbours:
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    return Neighbours(
        previous=reports.filter(week__lt=monday).order_by("-week").first(),
        following=reports.filter(week__gt=monday).order_by("week").first(),
    )


def _check_week(
    project: Project, value: dt.date | str, *, day: dt.date, errors: FieldErrors
) -> dt.date | None:
    """The week's Monday: a week that has begun and is not yet reported."""
    try:
        monday = to_week(value)
    except ValidationError as exc:
        errors["week"] = exc.messages
        return None
    label = weeks.iso_label(monday)
    if monday > weeks.monday_of(day):
        _add(
            errors,
            "week",
            _("Week %(week)s has not begun: a report can be given from its Monday, %(day)s.")
            % {"week": label, "day": monday.isoformat()},
        )
    elif WeeklyReport.objects.filter(project_id=project.pk, week=monday).exists():
        _add(
            errors,
            "week",
            _("“%(name)s” already has a report for %(week)s.")
            % {"name": project.name, "week": label},
        )
    return monday


# --------------------------------------------------------------------------- the money


def _money(value: Any, *, label: str) -> tuple[Decimal | None, str | None]:
    """(amount, error) from a Decimal, number or text; at most two decimals, not negative."""
    if value is None or value == "":
        return None, None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None, _("Enter %(what)s as a number of yuan.") % {"what": label}
    if not amount.is_finite():
        return None, _("Enter %(what)s as a number of yuan.") % {"what": label}
    if amount < 0:
        return None, _("%(what)s cannot be negative.") % {"what": label.capitalize()}
    if amount != amount.quantize(_CENT):
        return None, _("Give %(what)s in yuan with at most two decimals.") % {"what": label}
    if amount >= _MONEY_LIMIT:
        return None, _("%(what)s is too large.") % {"what": label.capitalize()}
    return amount.quantize(_CENT), None


def _parse_amount(value: Any, *, name: str, label: str, errors: FieldErrors) -> Decimal | None:
    amount, message = _money(value, label=label)
    if message:
        _add(errors, name, message)
    return amount


def _cumulative_error(
    cumulative: Decimal, this_week: Decimal | None, neighbours: Neighbours
) -> str | None:
    """Why a running total does not fit between the neighbouring reports (None if it does)."""
    previous, following = neighbours.previous, neighbours.following
    before = neighbours.total_before
    if cumulative < before:
        return _(
            "The cumulative investment cannot be lower than the previous report's: "
            "%(previous)s万元 for %(week)s."
        ) % {
            "previous": wan_text(before),
            "week": weeks.iso_label(previous.week) if previous else "",
        }
    if following is not None and cumulative > following.cumulative_invested:
        return _(
            "The cumulative investment cannot exceed the following week's: "
            "%(next)s万元 for %(week)s."
        ) % {
            "next": wan_text(following.cumulative_invested),
            "week": weeks.iso_label(following.week),
        }
    if this_week is not None and cumulative - before != this_week:
        return _(
            "The cumulative investment does not match: %(previous)s万元 before plus "
            "%(this)s万元 this week is %(total)s万元."
        ) % {
            "previous": wan_text(before),
            "this": wan_text(this_week),
            "total": wan_text(before + this_week),
        }
    return None


def _check_investment(
    data: ReportInput, neighbours: Neighbours, errors: FieldErrors
) -> Decimal | None:
    """This week's amount: as given, or derived from the running total given instead."""
    this_week = _parse_amount(
        data.invested_this_week,
        name="invested_this_week",
        label=_("the investment completed this week"),
        errors=errors,
    )
    cumulative = _parse_amount(
        data.cumulative_invested,
        name="cumulative_invested",
        label=_("the cumulative investment"),
        errors=errors,
    )
    if cumulative is not None:
        message = _cumulative_error(cumulative, this_week, neighbours)
        if message:
            _add(errors, "cumulative_invested", message)
            return this_week
        return cumulative - neighbours.total_before
    if this_week is None and not (
        "invested_this_week" in errors or "cumulative_invested" in errors
    ):
        _add(
            errors, "invested_this_week", _("Give the investment completed this week (0 if none).")
        )
    return this_week


# --------------------------------------------------------------------------- the percent


def _parse_percent(value: int | str | None, errors: FieldErrors) -> int | None:
    if value is None or value == "":
        _add(errors, "percent_complete", _("Give the percent complete (0–100)."))
        return None
    try:
        percent = int(str(value).strip())
    except ValueError:
        _add(
            errors,
            "percent_complete",
            _("Give the percent complete as a whole number (0–100)."),
        )
        return None
    if not 0 <= percent <= 100:
        _add(errors, "percent_complete", _("The percent complete lies between 0 and 100."))
        return None
    return percent


def _check_percent(
    value: int | str | None, neighbours: Neighbours, errors: FieldErrors
) -> int | None:
    """A whole percent that neither goes down nor passes a later week's."""
    percent = _parse_percent(value, errors)
    previous, following = neighbours.previous, neighbours.following
    if percent is None:
        return None
    if previous is not None and percent < previous.percent_complete:
        _add(
            errors,
            "percent_complete",
            _(
                "The percent complete cannot go down: %(previous)s%% was reported for "
                "%(week)s. If that was wrong, ask the ledger keeper to correct it."
            )
            % {"previous": previous.percent_complete, "week": previous.iso_week},
        )
    elif following is not None and percent > following.percent_complete:
        _add(
            errors,
            "percent_complete",
            _(
                "The percent complete cannot be above the %(next)s%% already reported for "
                "the later week %(week)s."
            )
            % {"next": following.percent_complete, "week": following.iso_week},
        )
    return percent


# --------------------------------------------------------------------------- what comes with it


def _parse_day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _clean_problem(
    row: Mapping[str, Any], *, raised_on: dt.date, region_code: str
) -> tuple[dict[str, Any], list[str]]:
    """One problem row as raise_problem's keywords, and what is wrong with it."""
    title = str(row.get("title") or "").strip()
    category = str(row.get("category") or ProblemCategory.OTHER)
    row_errors: list[str] = []
    try:
        due_on = _parse_day(row.get("due_on"))
    except ValueError:
        due_on = None
        row_errors.append(_("give the due date as YYYY-MM-DD."))
    field_errors = problem_services.validate_problem(
        title=title, category=category, due_on=due_on, raised_on=raised_on
    )
    for messages in field_errors.values():
        row_errors.extend(messages)
    try:
        unit = problem_services.resolve_unit(row.get("owner_unit"), region_code=region_code)
    except ValidationError as error:
        unit = None
        row_errors.extend(error.messages)
    cleaned = {
        "title": title,
        "description": str(row.get("description") or ""),
        "category": category,
        "owner_unit": unit,
        "due_on": due_on,
    }
    return cleaned, row_errors


def _clean_problems(
    rows: Iterable[Any], *, raised_on: dt.date, region_code: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Problems of a report as raise_problem's keywords, and messages naming each bad row."""
    cleaned: list[dict[str, Any]] = []
    messages: list[str] = []
    rows = list(rows)
    if len(rows) > MAX_PROBLEMS:
        return [], [_("At most %(count)s problems per report.") % {"count": MAX_PROBLEMS}]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            messages.append(_("Problem %(n)s: not understood.") % {"n": number})
            continue
        values, row_errors = _clean_problem(row, raised_on=raised_on, region_code=region_code)
        messages.extend(
            _("Problem %(n)s: %(message)s") % {"n": number, "message": message}
            for message in row_errors
        )
        if not row_errors:
            cleaned.append(values)
    return cleaned, messages


def _clean_milestones(project: Project, values: Iterable[Any]) -> tuple[list[Milestone], bool]:
    """The project's milestones named by instance or id; (milestones, all found)."""
    ids: set[int] = set()
    for value in values:
        try:
            ids.add(int(value.pk if isinstance(value, Milestone) else value))
        except (TypeError, ValueError):
            return [], False
    found = list(Milestone.objects.filter(project_id=project.pk, pk__in=ids))
    return found, len(found) == len(ids)


def _check_photos(photos: Iterable[Any], errors: FieldErrors) -> list[tuple[Any, str]]:
    """The photos given (empty entries dropped), each with the image format of its bytes."""
    files = [f for f in photos if f]
    if len(files) > MAX_PHOTOS:
        _add(errors, "photos", _("At most %(count)s photos per report.") % {"count": MAX_PHOTOS})
        return []
    checked: list[tuple[Any, str]] = []
    for file in files:
        try:
            checked.append((file, photo_files.check_image(file)))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    return checked


# --------------------------------------------------------------------------- all rules


def check_report(
    project: Project, data: ReportInput, *, day: dt.date
) -> tuple[CheckedReport | None, FieldErrors]:
    """Apply every rule to a report of `project` given on `day`: the report ready to store
    and no errors, or None and the errors by field (`week`, `invested_this_week`,
    `cumulative_invested`, `percent_complete`, `problems`, `completed_milestones`, `photos`)."""
    errors: FieldErrors = {}
    monday = _check_week(project, data.week, day=day, errors=errors)
    neighbours = _neighbours(project, monday) if monday is not None else Neighbours()
    this_week = _check_investment(data, neighbours, errors)
    percent = _check_percent(data.percent_complete, neighbours, errors)
    problems, problem_messages = _clean_problems(
        data.problems, raised_on=day, region_code=project.region_id
    )
    if problem_messages:
        errors["problems"] = problem_messages
    milestones, all_found = _clean_milestones(project, data.completed_milestones)
    if not all_found:
        _add(errors, "completed_milestones", _("Choose milestones of this project."))
    photos = _check_photos(data.photos, errors)
    if errors or monday is None or this_week is None or percent is None:
        return None, errors
    checked = CheckedReport(
        week=monday,
        invested_this_week=this_week,
        percent_complete=percent,
        progress_text=(data.progress_text or "").strip(),
        neighbours=neighbours,
        problems=tuple(problems),
        milestones=tuple(milestones),
        photos=tuple(photos),
    )
    return checked, errors

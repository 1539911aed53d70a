"""Weekly reports (周调度): submit one per project per ISO week, derive the running totals,
prefill the next one, and find the missing and late ones.

The reporter gives only what happened this week: the investment completed this week, the
progress text, the percent complete, photos, problems and the milestones finished. Everything
cumulative is derived here and never typed:

- `cumulative_invested` of a report = the sum of `invested_this_week` of every report of the
  project up to and including its week;
- `year_invested` = the same sum over the reports of the same **ISO year** as the report's week.
  A week is never split between two years, and the ISO year puts a week in the year that holds
  most of its days (2026-W01 starts on Monday 2025-12-29 and counts for 2026).

A report for an earlier week that arrives after later ones (a late report) is inserted in
order and the later rows' derived figures are recomputed. Later weeks keep their own week's
amount (the fact they reported), so their running totals move up by the late week's amount.
A late report given as a running total may not exceed the running total already reported for
the following week: the series would say more was done by the earlier week than by the later.

After every report the project's derived columns (`invested_total`, `invested_year`,
`invested_year_of`, `percent_complete`, `last_report_week`) follow the latest week, milestones
reported finished get their actual end, and the light is recomputed.

Percent complete never goes down. A report is an append-only fact, and a percent lower than the
previous week's is almost always a typing slip (5 for 50) that would otherwise colour the
project; a real correction is made by the ledger keeper, not by next week's report. For the
same reason a late report's percent may not exceed the percent of the week after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change
from jinmu.core.choices import AuditAction
from jinmu.core.services import save_object
from jinmu.problems import services as problem_services
from jinmu.problems.choices import ProblemCategory, ProblemSource
from jinmu.projects import lights, weeks
from jinmu.projects import photos as photo_files
from jinmu.projects.choices import MONITORED, ProjectStatus
from jinmu.projects.models import (
    WAN,
    Milestone,
    Project,
    ReportPhoto,
    WeeklyReport,
    settings_for,
)
from jinmu.projects.permissions import can_report

MAX_PHOTOS = 9
MAX_PROBLEMS = 20
_MONEY_LIMIT = Decimal(10) ** 14  # the column holds 16 digits, 2 after the point
_CENT = Decimal("0.01")
ZERO = Decimal("0")


# --------------------------------------------------------------------------- helpers


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def iso_year(monday: dt.date) -> int:
    """The ISO year a week counts for (the yearly figure's year)."""
    return monday.isocalendar().year


def monitored_q() -> Q:
    """Projects under weekly scheduling: each kind's monitored states (choices.MONITORED)."""
    condition = Q(pk__in=[])
    for kind, states in MONITORED.items():
        condition |= Q(kind=kind, status__in=sorted(states))
    return condition


def is_monitored(project: Project) -> bool:
    """True when the project must report every week."""
    return project.status in MONITORED.get(project.kind, frozenset())


def to_week(value: dt.date | str) -> dt.date:
    """A week as its Monday, from ISO text ('2026-W48') or any day of it."""
    if isinstance(value, str):
        return weeks.parse_iso_week(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return weeks.monday_of(value)


def wan(amount: Decimal) -> str:
    """Yuan as 万元 text for messages (two decimals)."""
    return f"{amount / WAN:,.2f}"


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


def _neighbours(
    project: Project, monday: dt.date
) -> tuple[WeeklyReport | None, WeeklyReport | None]:
    """The latest report before `monday` and the earliest after it."""
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    before = reports.filter(week__lt=monday).order_by("-week").first()
    after = reports.filter(week__gt=monday).order_by("week").first()
    return before, after


def _parse_day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _clean_problems(
    rows: Iterable[Mapping[str, Any]], *, raised_on: dt.date, region_code: str
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
        for errors in field_errors.values():
            row_errors.extend(errors)
        try:
            unit = problem_services.resolve_unit(row.get("owner_unit"), region_code=region_code)
        except ValidationError as error:
            unit = None
            row_errors.extend(error.messages)
        if row_errors:
            messages.extend(
                _("Problem %(n)s: %(message)s") % {"n": number, "message": message}
                for message in row_errors
            )
            continue
        cleaned.append(
            {
                "title": title,
                "description": str(row.get("description") or ""),
                "category": category,
                "owner_unit": unit,
                "due_on": due_on,
            }
        )
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


# --------------------------------------------------------------------------- derivation


def rederive(project: Project, *, from_week: dt.date | None = None) -> int:
    """Recompute the cumulative and yearly figures of a project's reports from `from_week` on
    (all when None); returns how many rows changed. Derived columns: not audited."""
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    previous = None
    rows = reports.order_by("week")
    if from_week is not None:
        previous = reports.filter(week__lt=from_week).order_by("-week").first()
        rows = rows.filter(week__gte=from_week)
    cumulative = previous.cumulative_invested if previous else ZERO
    year = iso_year(previous.week) if previous else None
    year_sum = previous.year_invested if previous else ZERO
    changed: list[WeeklyReport] = []
    for row in rows.only(
        "id", "week", "invested_this_week", "cumulative_invested", "year_invested"
    ):
        if iso_year(row.week) != year:
            year, year_sum = iso_year(row.week), ZERO
        cumulative += row.invested_this_week
        year_sum += row.invested_this_week
        if row.cumulative_invested != cumulative or row.year_invested != year_sum:
            row.cumulative_invested = cumulative
            row.year_invested = year_sum
            changed.append(row)
    if changed:
        WeeklyReport.objects.bulk_update(
            changed, ["cumulative_invested", "year_invested"], batch_size=500
        )
    return len(changed)


def update_project_figures(project: Project) -> None:
    """Copy the latest report's figures to the project's derived columns (no version bump:
    a weekly report must not make an open edit form of the project stale)."""
    latest = WeeklyReport.objects.filter(project_id=project.pk).order_by("-week").first()
    values: dict[str, Any]
    if latest is None:
        values = {
            "invested_total": ZERO,
            "invested_year": ZERO,
            "invested_year_of": None,
            "percent_complete": 0,
            "last_report_week": None,
        }
    else:
        values = {
            "invested_total": latest.cumulative_invested,
            "invested_year": latest.year_invested,
            "invested_year_of": iso_year(latest.week),
            "percent_complete": latest.percent_complete,
            "last_report_week": latest.week,
        }
    Project.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)


# --------------------------------------------------------------------------- submitting


@transaction.atomic
def submit_report(
    *,
    actor: Any,
    project: Project,
    week: dt.date | str,
    invested_this_week: Decimal | str | None = None,
    progress_text: str = "",
    percent_complete: int | str | None,
    problems: Iterable[Mapping[str, Any]] = (),
    photos: Iterable[Any] = (),
    completed_milestones: Iterable[Any] = (),
    today: dt.date | None = None,
    cumulative_invested: Decimal | str | None = None,
) -> WeeklyReport:
    """Record a project's report for one ISO week.

    Give `invested_this_week` (yuan), or `cumulative_invested` (yuan, for imports where people
    type the running total: this week's figure is then the difference to the previous
    report). Refused field by field (`week`, `invested_this_week`, `cumulative_invested`,
    `percent_complete`, `problems`, `photos`, `completed_milestones`): a week in the future,
    a week already reported, a negative amount, a cumulative figure below the previous
    report's or (for a late report) above the following one's, a percent outside 0–100 or
    below the previous week's. Nothing is stored unless all is valid.
    """
    if not can_report(actor, project):
        raise PermissionDenied(_("You may not report on this project."))
    current = Project.objects.select_for_update().get(pk=project.pk)
    if not is_monitored(current):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "“%(name)s” is not under weekly scheduling in its present state (%(status)s): "
                    "weekly reports start when it is signed, prepared or issued, and stop when it "
                    "is finished."
                )
                % {"name": current.name, "status": ProjectStatus(current.status).label}
            }
        )
    day = _today(today)
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    # The week.
    monday: dt.date | None = None
    try:
        monday = to_week(week)
    except ValidationError as exc:
        errors["week"] = exc.messages
    previous = following = None
    if monday is not None:
        label = weeks.iso_label(monday)
        if monday > weeks.monday_of(day):
            error(
                "week",
                _("Week %(week)s has not begun: a report can be given from its Monday, %(day)s.")
                % {"week": label, "day": monday.isoformat()},
            )
        elif WeeklyReport.objects.filter(project_id=current.pk, week=monday).exists():
            error(
                "week",
                _("“%(name)s” already has a report for %(week)s.")
                % {"name": current.name, "week": label},
            )
        previous, following = _neighbours(current, monday)

    # The money: this week's figure, or the running total it is derived from.
    this_week, message = _money(invested_this_week, label=_("the investment completed this week"))
    if message:
        error("invested_this_week", message)
    cumulative, message = _money(cumulative_invested, label=_("the cumulative investment"))
    if message:
        error("cumulative_invested", message)
    previous_total = previous.cumulative_invested if previous else ZERO
    if cumulative is not None:
        if cumulative < previous_total:
            error(
                "cumulative_invested",
                _(
                    "The cumulative investment cannot be lower than the previous report's: "
                    "%(previous)s万元 for %(week)s."
                )
                % {
                    "previous": wan(previous_total),
                    "week": weeks.iso_label(previous.week) if previous else "",
                },
            )
        elif following is not None and cumulative > following.cumulative_invested:
            error(
                "cumulative_invested",
                _(
                    "The cumulative investment cannot exceed the following week's: "
                    "%(next)s万元 for %(week)s."
                )
                % {
                    "next": wan(following.cumulative_invested),
                    "week": weeks.iso_label(following.week),
                },
            )
        elif this_week is not None and cumulative - previous_total != this_week:
            error(
                "cumulative_invested",
                _(
                    "The cumulative investment does not match: %(previous)s万元 before plus "
                    "%(this)s万元 this week is %(total)s万元."
                )
                % {
                    "previous": wan(previous_total),
                    "this": wan(this_week),
                    "total": wan(previous_total + this_week),
                },
            )
        else:
            this_week = cumulative - previous_total
    elif this_week is None and not (
        "invested_this_week" in errors or "cumulative_invested" in errors
    ):
        error(
            "invested_this_week",
            _("Give the investment completed this week (0 if none)."),
        )

    # Percent complete.
    percent: int | None = None
    if percent_complete is None or percent_complete == "":
        error("percent_complete", _("Give the percent complete (0–100)."))
    else:
        try:
            percent = int(str(percent_complete).strip())
        except ValueError:
            error("percent_complete", _("Give the percent complete as a whole number (0–100)."))
        if percent is not None and not 0 <= percent <= 100:
            error("percent_complete", _("The percent complete lies between 0 and 100."))
            percent = None
        if percent is not None and previous is not None and percent < previous.percent_complete:
            error(
                "percent_complete",
                _(
                    "The percent complete cannot go down: %(previous)s%% was reported for "
                    "%(week)s. If that was wrong, ask the ledger keeper to correct it."
                )
                % {"previous": previous.percent_complete, "week": previous.iso_week},
            )
        elif percent is not None and following is not None and percent > following.percent_complete:
            error(
                "percent_complete",
                _(
                    "The percent complete cannot be above the %(next)s%% already reported for "
                    "the later week %(week)s."
                )
                % {"next": following.percent_complete, "week": following.iso_week},
            )

    # Problems, milestones, photos.
    problem_rows, problem_messages = _clean_problems(
        problems, raised_on=day, region_code=current.region_id
    )
    if problem_messages:
        errors["problems"] = problem_messages
    milestones, all_found = _clean_milestones(current, completed_milestones)
    if not all_found:
        error("completed_milestones", _("Choose milestones of this project."))
    files = [f for f in photos if f]
    formats: list[str] = []
    if len(files) > MAX_PHOTOS:
        error("photos", _("At most %(count)s photos per report.") % {"count": MAX_PHOTOS})
    else:
        for file in files:
            try:
                formats.append(photo_files.check_image(file))
            except ValidationError as exc:
                errors.setdefault("photos", []).extend(exc.messages)

    if errors:
        raise ValidationError(errors)
    assert monday is not None
    assert this_week is not None
    assert percent is not None

    conf = settings_for(current.region_id)
    deadline = weeks.week_deadline(monday, conf.report_due_weekday)
    submitted_at = timezone.now()
    if today is not None and today != timezone.localdate():
        # A pinned day (tests, back-dated imports) also dates the submission.
        submitted_at = timezone.make_aware(
            dt.datetime.combine(today, timezone.localtime().time().replace(microsecond=0))
        )
    year_before = (
        previous.year_invested if previous and iso_year(previous.week) == iso_year(monday) else ZERO
    )
    report = WeeklyReport(
        project=current,
        region_id=current.region_id,
        week=monday,
        invested_this_week=this_week,
        cumulative_invested=previous_total + this_week,
        year_invested=year_before + this_week,
        progress_text=(progress_text or "").strip(),
        percent_complete=percent,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=submitted_at,
        is_late=day > deadline,
    )
    stored: list[ReportPhoto] = []
    try:
        save_object(report, actor=actor)
        if following is not None:
            rederive(current, from_week=following.week)
        for file, image_format in zip(files, formats, strict=True):
            stored.append(
                _store_photo(actor=actor, report=report, file=file, image_format=image_format)
            )
        for row in problem_rows:
            problem_services.raise_problem(
                actor=actor,
                project=current,
                report=report,
                source=ProblemSource.WEEKLY_REPORT,
                today=day,
                **row,
            )
        done_on = min(day, monday + dt.timedelta(days=6))
        for milestone in milestones:
            if milestone.actual_end is None:
                milestone.actual_end = max(done_on, milestone.actual_start or done_on)
                save_object(milestone, actor=actor)
        update_project_figures(current)
        lights.refresh_light(current, today=day)
    except BaseException:
        # The database rolls back; the photo files already written must go too.
        for photo in stored:
            photo.image.delete(save=False)
        raise
    for name in (
        "invested_total",
        "invested_year",
        "invested_year_of",
        "percent_complete",
        "last_report_week",
        "computed_light",
        "light",
        "light_reasons",
        "light_computed_on",
    ):
        setattr(project, name, getattr(current, name))
    return report


def _store_photo(*, actor: Any, report: WeeklyReport, file: Any, image_format: str) -> ReportPhoto:
    """Save one photo, under a fresh name whose extension is that of the format found in its
    bytes (never the uploaded name), with the time and place its camera recorded."""
    info = photo_files.read_exif(file)
    photo = ReportPhoto(
        report=report,
        region_id=report.region_id,
        taken_at=info.taken_at,
        latitude=info.latitude,
        longitude=info.longitude,
        predates_week=photo_files.predates_week(info.taken_at, report.week),
    )
    photo.image.save(photo_files.stored_name(image_format), file, save=False)
    try:
        photo.save()
    except BaseException:
        photo.image.delete(save=False)
        raise
    record_change(obj=photo, action=AuditAction.CREATE, actor=actor, before=None)
    return photo


# --------------------------------------------------------------------------- reading


def current_week(today: dt.date | None = None) -> dt.date:
    """The Monday of this week (the report form's default)."""
    return weeks.monday_of(_today(today))


def prefill(project: Project, week: dt.date | str) -> dict[str, Any]:
    """What the report form starts from: last report's percent and progress text, the
    running total so far, and the plan's milestones due this week or already overdue.

    Keys: week, week_label, sunday, existing (this week's report or None), previous (the
    latest earlier report or None), percent_complete, progress_text, cumulative_before,
    last_invested_this_week, milestones_due (planned to end this week, unfinished),
    milestones_open (every unfinished milestone planned to start by the week's end: the
    "finished this week" checkboxes, earliest planned end first).
    """
    monday = to_week(week)
    sunday = monday + dt.timedelta(days=6)
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    existing = reports.filter(week=monday).first()
    previous = reports.filter(week__lt=monday).order_by("-week").first()
    open_milestones = list(
        Milestone.objects.filter(
            project_id=project.pk, actual_end__isnull=True, planned_start__lte=sunday
        ).order_by("planned_end", "sort_order", "pk")
    )
    return {
        "week": monday,
        "week_label": weeks.iso_label(monday),
        "sunday": sunday,
        "existing": existing,
        "previous": previous,
        "percent_complete": previous.percent_complete if previous else project.percent_complete,
        "progress_text": previous.progress_text if previous else "",
        "cumulative_before": previous.cumulative_invested if previous else ZERO,
        "last_invested_this_week": previous.invested_this_week if previous else None,
        "milestones_due": [m for m in open_milestones if monday <= m.planned_end <= sunday],
        "milestones_open": open_milestones,
    }


def expected_projects(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> QuerySet[Project]:
    """Monitored projects of the queryset that owe a report for the week: those under weekly
    scheduling by the week's deadline (ISO weekday `due_weekday`; default the week's end).

    The day a project came under scheduling is the light engine's `monitored_since` (its
    latest entry into a monitored state, else the day it was entered in the ledger), computed
    in SQL, so a project signed on Thursday owes nothing for the weeks before.
    """
    monday = to_week(week)
    deadline = weeks.week_deadline(monday, due_weekday)
    return (
        projects_qs.filter(monitored_q())
        .alias(monitored_since=lights.monitored_since_expression())
        .filter(monitored_since__lte=deadline)
    )


def missing_reports(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> QuerySet[Project]:
    """Monitored projects of the queryset without a report for the week."""
    monday = to_week(week)
    has_report = WeeklyReport.objects.filter(project_id=OuterRef("pk"), week=monday)
    return expected_projects(projects_qs, monday, due_weekday=due_weekday).filter(
        ~Exists(has_report)
    )


def late_reports(projects_qs: QuerySet[Project], week: dt.date | str) -> QuerySet[WeeklyReport]:
    """Reports for the week, of the queryset's projects, submitted after their deadline."""
    monday = to_week(week)
    return WeeklyReport.objects.filter(
        project__in=projects_qs.values("pk"), week=monday, is_late=True
    )


def report_counts(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> dict[str, int]:
    """How many projects owe a report for the week, how many reported (on time, late), and how
    many are missing."""
    monday = to_week(week)
    has_report = WeeklyReport.objects.filter(project_id=OuterRef("pk"), week=monday)
    # One query: who owes a report is worked out from the status history once, not per count.
    counts = (
        expected_projects(projects_qs, monday, due_weekday=due_weekday)
        .alias(
            reported=Exists(has_report),
            reported_late=Exists(has_report.filter(is_late=True)),
        )
        .aggregate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(reported=True)),
            late=Count("pk", filter=Q(reported_late=True)),
        )
    )
    total, submitted, late = counts["total"], counts["submitted"], counts["late"]
    return {
        "expected": total,
        "submitted": submitted,
        "on_time": submitted - late,
        "late": late,
        "missing": total - submitted,
    }


def photos_for(user: Any) -> QuerySet[ReportPhoto]:
    """Report photos the user may see: those of the reports they see."""
    return ReportPhoto.objects.for_user(user)


def photo_warnings(report: WeeklyReport) -> list[str]:
    """Messages for the report's photos taken before its week began, each named by its place
    in the report (stored names are random: the uploaded name is not kept)."""
    return [
        _("Photo %(number)s was taken on %(day)s, before week %(week)s began.")
        % {
            "number": number,
            "day": timezone.localtime(photo.taken_at).date().isoformat() if photo.taken_at else "",
            "week": report.iso_week,
        }
        for number, photo in enumerate(report.photos.order_by("pk"), start=1)
        if photo.predates_week
    ]


__all__ = [
    "MAX_PHOTOS",
    "current_week",
    "expected_projects",
    "iso_year",
    "late_reports",
    "missing_reports",
    "monitored_q",
    "photo_warnings",
    "photos_for",
    "prefill",
    "rederive",
    "report_counts",
    "submit_report",
    "update_project_figures",
]

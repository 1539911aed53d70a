"""The reasons of a light as people read them, written from the facts the rules store.

A light's stored reasons (`Project.light_reasons`) hold, for each rule, its light and the
facts it judged (dates, figures, thresholds: `rules`), none of which depends on the day: the
night's batch then rewrites a project only when its light or those facts change. What a page,
the API or the bulletin shows of a reason, its text and named inputs ("N days overdue", the
share due by now), is written here from those facts for the day the light was computed for
(`light_computed_on`), in the site's language, exactly as the rules wrote it before they
stored facts. Reasons stored whole (a `text` and `inputs`) are shown as they are.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from jinmu.projects.choices import Light, LightRule
from jinmu.projects.lights.dates import (
    add_months,
    due_week,
    schedule_figures,
    whole_months_between,
)

_POINT = Decimal("0.01")
_SHARE = Decimal("0.0001")

# --- rule texts -----------------------------------------------------------------------------

# The nightly batch translates the same dozen texts for every project: while it runs, each is
# translated once, in the language active when the batch began (`texts_translated_once`).
_TEXTS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "light_texts", default=None
)


def _(message: str) -> str:
    """`gettext`, answered from the running batch's memo when there is one."""
    memo = _TEXTS.get()
    if memo is None:
        return gettext(message)
    text = memo.get(message)
    if text is None:
        text = memo[message] = gettext(message)
    return text


@contextlib.contextmanager
def texts_translated_once() -> Iterator[None]:
    """Within the block each rule text is translated once; the active language must not change
    inside it (the batch runs under one `translation.override`)."""
    token = _TEXTS.set({})
    try:
        yield
    finally:
        _TEXTS.reset(token)


# --- reasons as shown -----------------------------------------------------------------------

# The text of each rule and colour (`str()` of a choice runs Python code).
_PLAIN: Final[dict[str, str]] = {member: str(member) for member in (*LightRule, *Light)}


def _reason(rule: str, light: str, text: str, **inputs: Any) -> dict[str, Any]:
    """One rule's verdict as shown: rule, light, text and inputs (dates and numbers as text)."""
    return {
        "rule": _PLAIN.get(rule) or str(rule),
        "light": _PLAIN.get(light) or str(light),
        "text": text if text.__class__ is str else str(text),
        "inputs": {
            k: v
            if v.__class__ is str
            else ("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v))
            for k, v in inputs.items()
        },
    }


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _start(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """START: started (on a date, or by status alone), or due and not started."""
    rule, light, case = LightRule.START, facts["light"], facts["case"]
    planned = _date(facts["planned"])
    if case == "started":
        actual = _date(facts["actual"])
        delay = (actual - planned).days
        if delay > 0:
            text = _("Works started on %(actual)s, %(days)s days after the planned %(planned)s.")
        else:
            text = _("Works started on %(actual)s (planned %(planned)s).")
        return _reason(
            rule,
            light,
            text % {"actual": actual, "planned": planned, "days": delay},
            planned_start=planned,
            actual_start=actual,
            days_late=max(delay, 0),
        )
    if case == "undated":
        # Imported or moved on without a start date: the status says works are under way.
        return _reason(
            rule,
            light,
            _("Works have started (start date not recorded; planned %(planned)s).")
            % {"planned": planned},
            planned_start=planned,
            actual_start=None,
        )
    red_months = facts["red_months"]
    red_from = add_months(planned, red_months)
    months = whole_months_between(planned, day)
    days = max((day - planned).days, 0)
    inputs = {
        "planned_start": planned,
        "today": day,
        "days_overdue": days,
        "months_overdue": months,
        "red_from": red_from,
        "red_after_months": red_months,
    }
    if planned > day:
        text = _(
            "Works are due to start this month, on %(planned)s, and have not started; red "
            "from %(red_from)s."
        )
    elif day >= red_from:
        text = _(
            "Works were due to start on %(planned)s and have not started for %(months)s "
            "months (red from %(red_months)s months)."
        )
    else:
        text = _(
            "Works were due to start on %(planned)s and have not started (%(days)s days); "
            "red from %(red_from)s."
        )
    params = {
        "planned": planned,
        "months": months,
        "red_months": red_months,
        "days": days,
        "red_from": red_from,
    }
    return _reason(rule, light, text % params, **inputs)


def _schedule(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """SCHEDULE: the share of this year's plan done against the share due by `day`."""
    planned, invested = Decimal(facts["planned"]), Decimal(facts["invested"])
    expected, actual, behind = schedule_figures(
        facts["year"], planned, invested, facts["shares"], day
    )
    yellow, red = Decimal(facts["yellow"]), Decimal(facts["red"])
    params = {
        "expected": (expected * 100).quantize(_POINT, rounding=ROUND_HALF_UP),
        "actual": (actual * 100).quantize(_POINT, rounding=ROUND_HALF_UP),
        "behind": behind,
        "ahead": -behind,
        "yellow": yellow,
        "red": red,
    }
    if behind > 0:
        text = _(
            "%(actual)s%% of this year's planned investment done against %(expected)s%% due "
            "by now: %(behind)s points behind (yellow from %(yellow)s, red above %(red)s)."
        )
    else:
        text = _(
            "%(actual)s%% of this year's planned investment done against %(expected)s%% due "
            "by now: on or ahead of schedule."
        )
    return _reason(
        LightRule.SCHEDULE,
        facts["light"],
        text % params,
        year=facts["year"],
        planned_investment=facts["planned"],
        invested_year=facts["invested"],
        expected_share=expected.quantize(_SHARE, rounding=ROUND_HALF_UP),
        actual_share=actual.quantize(_SHARE, rounding=ROUND_HALF_UP),
        points_behind=behind,
        by_month=facts["by_month"],
        yellow_points=yellow,
        red_points=red,
    )


def _milestone(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """MILESTONE: every milestone due is finished, or the one late longest."""
    if facts["case"] == "done":
        return _reason(
            LightRule.MILESTONE,
            facts["light"],
            _("All %(count)s milestones due by now are finished.") % {"count": facts["due"]},
            due=facts["due"],
            late=0,
        )
    end = _date(facts["end"])
    days = (day - end).days
    text = _(
        "%(late)s of %(due)s milestones due are unfinished; “%(name)s” was due on %(end)s, "
        "%(days)s days late (yellow from %(yellow)s, red from %(red)s days)."
    ) % {
        "late": facts["late"],
        "due": facts["due"],
        "name": facts["name"],
        "end": end,
        "days": days,
        "yellow": facts["yellow"],
        "red": facts["red"],
    }
    return _reason(
        LightRule.MILESTONE,
        facts["light"],
        text,
        due=facts["due"],
        late=facts["late"],
        milestone=facts["name"],
        planned_end=end,
        days_late=days,
        yellow_days=facts["yellow"],
        red_days=facts["red"],
    )


def _statistics(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """STATISTICS: registered, or how long since the start without registration."""
    start = _date(facts["start"])
    if facts["case"] == "registered":
        registered = _date(facts["registered"])
        return _reason(
            LightRule.STATISTICS,
            facts["light"],
            _("Registered in the statistics (入统) on %(day)s.") % {"day": registered},
            actual_start=start,
            registered_on=registered,
        )
    yellow_from, red_after = _date(facts["yellow"]), _date(facts["red"])
    months = whole_months_between(start, day)
    text = _(
        "Works started on %(start)s and the project is not registered in the statistics "
        "(入统) after %(months)s months (yellow from %(yellow)s, red after %(red)s)."
    ) % {"start": start, "months": months, "yellow": yellow_from, "red": red_after}
    return _reason(
        LightRule.STATISTICS,
        facts["light"],
        text,
        actual_start=start,
        registered_on=None,
        months_since_start=months,
        yellow_from=yellow_from,
        red_after=red_after,
    )


def _report(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """REPORT: the due week's report is in, not owed yet, or missing."""
    case = facts["case"]
    _week, deadline, label = due_week(day, facts["due_weekday"])
    inputs = {"week": label, "deadline": deadline, "last_report_week": facts["last"]}
    if case == "in":
        text = _("The report for week %(week)s is in.") % {"week": label}
        return _reason(LightRule.REPORT, facts["light"], text, **inputs)
    if case == "new":
        since = facts["since"]
        text = _(
            "Under weekly scheduling since %(since)s, after the deadline of week %(week)s "
            "(%(deadline)s): no report expected yet."
        ) % {"since": since, "week": label, "deadline": deadline}
        return _reason(LightRule.REPORT, facts["light"], text, monitored_since=since, **inputs)
    if facts["last"] is None:
        text = _("No weekly report for week %(week)s (due %(deadline)s); none ever submitted.")
    else:
        text = _(
            "No weekly report for week %(week)s (due %(deadline)s); the latest is for %(last)s."
        )
    params = {"week": label, "deadline": deadline, "last": facts["last"]}
    return _reason(LightRule.REPORT, facts["light"], text % params, **inputs)


def _override(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The light set by hand, by whom, when and why, over the computed one."""
    light, by_name, computed = facts["light"], facts["by"], facts["computed"]
    text = _("Set by hand to %(light)s by %(by)s on %(at)s: %(reason)s (computed: %(computed)s).")
    params = {
        "light": Light(light).label,
        "by": by_name or _("unknown"),
        "at": facts["at"],
        "reason": facts["reason"],
        "computed": Light(computed).label if computed else "",
    }
    return _reason(
        facts["rule"],
        light,
        text % params,
        by=by_name,
        at=facts["at"],
        reason=facts["reason"],
        computed_light=computed,
    )


_WRITERS: Final[dict[str, Callable[[dict[str, Any], dt.date], dict[str, Any]]]] = {
    LightRule.START.value: _start,
    LightRule.SCHEDULE.value: _schedule,
    LightRule.MILESTONE.value: _milestone,
    LightRule.STATISTICS.value: _statistics,
    LightRule.REPORT.value: _report,
    "override": _override,
}


def written(stored: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """Stored reasons as shown on `day`, in the active language (the rules' own use)."""
    return [
        _WRITERS[reason["rule"]](reason, day)
        if "case" in reason and "text" not in reason
        else reason
        for reason in stored
    ]


def is_facts(reason: Any) -> bool:
    """True for a reason stored as facts (its text is written when shown)."""
    return (
        isinstance(reason, dict)
        and "case" in reason
        and "text" not in reason
        and reason.get("rule") in _WRITERS
    )


def shown_reasons(stored: Any, day: dt.date | None) -> Any:
    """A project's reasons as its pages, the API and the bulletin show them: written from the
    stored facts for `day` (the day its light was computed for; today if it never was) in the
    site's language, as the rules wrote them. Anything else stored is returned as it is."""
    if not isinstance(stored, list) or not any(is_facts(r) for r in stored):
        return stored
    day = day or timezone.localdate()
    if translation.get_language() == settings.LANGUAGE_CODE:  # a list's rows: no switching
        return [_written(r, day) if is_facts(r) else r for r in stored]
    with translation.override(settings.LANGUAGE_CODE):
        return [_written(r, day) if is_facts(r) else r for r in stored]


def _written(facts: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """A reason written from its facts; facts that do not read as their rule's (a row written
    by other code, or edited by hand) are shown as unreadable rather than failing the page:
    the next refresh of the light states them again."""
    try:
        return _WRITERS[facts["rule"]](facts, day)
    except (KeyError, TypeError, ValueError, AttributeError):
        return {
            "rule": facts.get("rule", ""),
            "light": facts.get("light", ""),
            "text": _("This reason could not be read; the next refresh of the light restates it."),
            "inputs": {},
        }

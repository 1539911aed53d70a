"""The bulletin's text shared by the Word document, the workbook and the page: the overview
paragraph, numbered headings, notes and the texts of some table cells (money via
`jinmu.core.money`; the columns are in `columns`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from jinmu.core.money import DASH, percent_text, wan_text, yi_text
from jinmu.projects.bulletin.content import FlaggedProject, ProblemLine, WeeklyBulletin

# Chinese ordinal numbers of the document's sections and sub-sections (公文 numbering).
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def date_text(day: dt.date | None) -> str:
    """A date as YYYY-MM-DD, a dash when there is none."""
    return day.isoformat() if day else DASH


def summary_text(bulletin: WeeklyBulletin) -> str:
    """The overview paragraph."""
    overall = bulletin.overall
    return _(
        "In week %(week)s of %(year)s, %(monitored)s projects were under weekly scheduling: "
        "%(reported)s reported for the week, %(missing)s did not and %(late)s reported late. "
        "This year's figures cover %(count)s projects (with a plan for the year, a report in it "
        "or under weekly scheduling), with a total investment of %(total)s亿元; their planned "
        "investment is %(planned)s亿元, of which %(completed)s亿元 (%(completion)s) has been "
        "completed against %(expected)s due by %(as_of)s (序时); %(week_amount)s万元 was "
        "completed this week."
    ) % {
        "week": bulletin.iso_week,
        "year": bulletin.iso_year,
        "monitored": overall.monitored,
        "count": overall.count,
        "total": yi_text(overall.total_investment),
        "reported": overall.reported,
        "missing": bulletin.missing_count,
        "late": len(bulletin.late),
        "planned": yi_text(overall.planned_year),
        "completed": yi_text(overall.completed_year),
        "completion": percent_text(overall.completion_percent),
        "expected": percent_text(overall.expected_percent),
        "as_of": bulletin.as_of.isoformat(),
        "week_amount": wan_text(overall.completed_week),
    }


def section_heading(number: int, title: str) -> str:
    """A first-level heading, e.g. 一、总体情况 (number from 1)."""
    return f"{NUMERALS[number - 1]}、{title}"


def sub_heading(number: int, title: str) -> str:
    """A second-level heading, e.g. （一）红灯项目 (number from 1)."""
    return f"（{NUMERALS[number - 1]}）{title}"


def headings(bulletin: WeeklyBulletin | None = None) -> dict[str, str]:
    """The numbered headings of the bulletin, shared by the document, workbook and page.

    For a week that has ended, the red and yellow heading dates the lights (they are today's).
    """
    flagged = _("Red and yellow projects")
    if bulletin is not None and bulletin.lights_of_today:
        flagged = _("Red and yellow projects (lights as of %(date)s)") % {
            "date": bulletin.generated_on.isoformat()
        }
    return {
        "overview": section_heading(1, _("Overview")),
        "new_starts": section_heading(2, _("New starts this week")),
        "flagged": section_heading(3, flagged),
        "red": sub_heading(1, _("Red projects")),
        "yellow": sub_heading(2, _("Yellow projects")),
        "problems": section_heading(4, _("Unresolved problems by unit")),
        "reports": section_heading(5, _("Missing and late reports")),
        "missing": sub_heading(1, _("Missing reports")),
        "late": sub_heading(2, _("Late reports")),
    }


def lights_note(bulletin: WeeklyBulletin) -> str:
    """Why a past week's red and yellow lists are today's; empty while the week runs."""
    if not bulletin.lights_of_today:
        return ""
    return _(
        "Lights are not kept week by week: the red and yellow projects below are those of "
        "%(today)s, when this bulletin was generated, not those at the end of week %(week)s."
    ) % {"today": bulletin.generated_on.isoformat(), "week": bulletin.iso_label}


def reasons_text(project: FlaggedProject) -> str:
    texts = list(project.reasons)
    if project.overridden and not texts:
        texts.append(_("Set by hand."))
    return "；".join(texts) if texts else DASH


def problem_status(problem: ProblemLine) -> str:
    if problem.overdue:
        return _("%(status)s, overdue") % {"status": problem.status_label}
    return problem.status_label


def generated_text(bulletin: WeeklyBulletin) -> str:
    return _("Figures as of %(as_of)s, generated from the ledger on %(today)s.") % {
        "as_of": bulletin.as_of.isoformat(),
        "today": bulletin.generated_on.isoformat(),
    }

"""Weekly reports, the year plan they are measured against, and problems."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone

from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, round_yuan
from jinmu.demo.projects.specs import (
    DONE_TEXTS,
    FUTURE,
    GREY,
    PREP_TEXTS,
    PROBLEMS,
    PROGRESS_TEXTS,
    R_SCHEDULE,
    RESOLUTIONS,
    SCENARIO_PROBLEMS,
    Y_SCHEDULE,
    Y_START,
)
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.models import ProjectYearPlan, WeeklyReport
from jinmu.projects.reporting import iso_year
from jinmu.projects.weeks import monday_of, week_deadline


class Reports(BuilderBase):
    """Weekly reports with their derived figures, the year plan and problems."""

    def report_weeks(self, draft: Draft) -> list[dt.date]:
        """The weeks a project reported: since it is monitored, with the scenario's gaps, and
        this week's report from the early reporters."""
        rng = self.rng
        since = monday_of(draft.reports_from) if draft.reports_from else self.weeks[0]
        weeks = [w for w in self.weeks if w >= since] or [self.due_week]
        if draft.scenario == GREY:
            weeks = weeks[:-1]  # last week's report is missing
            if len(weeks) > 3 and rng.random() < 0.5:
                weeks = weeks[:-1]
            return weeks
        if len(weeks) > 6 and rng.random() < 0.12:
            weeks.remove(rng.choice(weeks[1:-2]))  # a forgotten week
        if self.current_week > self.due_week and iso_year(self.current_week) == self.year:
            # The week under way: a share of projects has already reported, growing with the
            # days since Monday.
            if rng.random() < min(0.85, 0.2 + 0.17 * self.today.weekday()):
                weeks.append(self.current_week)
        return weeks

    def reports(self, draft: Draft) -> None:
        """Weekly reports with investment consistent with the dates and the scenario."""
        p, rng = draft.project, self.rng
        if not draft.monitored or p.total_investment is None:
            return
        weeks = self.report_weeks(draft)
        total = float(p.total_investment)
        start, finish = p.actual_start, p.actual_completion
        planned_end = p.planned_completion or (self.today + dt.timedelta(days=365))
        span = max(60, ((finish or planned_end) - (start or self.today)).days)
        weekly = total * 7 / span
        reporter = self.reporter(draft)
        this_year = [w for w in weeks if iso_year(w) == self.year]
        last_this_year = this_year[-1] if this_year else None
        paid_this_year = False
        percent = 0
        texts = PROGRESS_TEXTS.get(p.kind, PROGRESS_TEXTS["default"])
        for week in weeks:
            sunday = week + dt.timedelta(days=6)
            if start is None or sunday < start:
                # Preparation: design and approval fees now and then.
                amount = total * rng.uniform(0.0008, 0.003) if rng.random() < 0.35 else 0.0
                pct = min(3, percent + (rng.random() < 0.2))
                text = rng.choice(PREP_TEXTS)
            elif finish is not None and week > finish:
                amount = total * rng.uniform(0.0004, 0.0015) if rng.random() < 0.6 else 0.0
                pct = 100
                text = rng.choice(DONE_TEXTS)
            else:
                amount = weekly * rng.uniform(0.5, 1.5)
                done = (sunday - start).days / span
                pct = min(99, round(100 * done * rng.uniform(0.92, 1.05)))
                if finish is not None and sunday >= finish:
                    pct = 100
                text = next(t for limit, t in texts if max(percent, pct) < limit or limit == 101)
                text = text.format(n=rng.randint(2, 60))
            if week == last_this_year and not paid_this_year and amount <= 0:
                # Every project under scheduling spends something this year (fees, retention).
                amount = total * rng.uniform(0.0005, 0.0015)
            if iso_year(week) == self.year and amount > 0:
                paid_this_year = True
            percent = max(percent, pct)
            draft.reports.append(
                WeeklyReport(
                    region_id=p.region_id,
                    week=week,
                    invested_this_week=round_yuan(amount),
                    progress_text=text,
                    percent_complete=percent,
                    submitted_by=reporter,
                )
            )
        self.fit_year_plan(draft)
        self.submission_times(draft)
        self.derive(draft)

    def fit_year_plan(self, draft: Draft) -> None:
        """This year's plan, chosen so that the year's investment shows the scenario's 序时:
        on or ahead of it, or 14–26 (yellow) or 36–55 (red) points behind."""
        p, rng = draft.project, self.rng
        shares: list[float] | None = None
        if draft.scenario in (FUTURE, Y_START) and p.planned_start is not None:
            # Phased by month: nothing due before the month after the planned start.
            first = (
                max(p.planned_start.month, self.today.month)
                if p.planned_start.year == self.year
                else 12
            )
            if first < 12:
                shares = [
                    0.0 if k < first else round((k - first + 1) / (12 - first), 4)
                    for k in range(12)
                ]
                shares[-1] = 1.0
        expected = float(self.share(shares))
        this_year = [r for r in draft.reports if iso_year(r.week) == self.year]
        invested = float(sum((r.invested_this_week for r in this_year), Decimal(0)))
        base = float(draft.base_plan) or float(p.total_investment or 0) * 0.4
        sc = draft.scenario
        if sc in (Y_SCHEDULE, R_SCHEDULE) and invested > 0:
            low, high = (0.14, 0.26) if sc == Y_SCHEDULE else (0.36, 0.55)
            ratio = expected - rng.uniform(low, min(high, expected - 0.05))
            plan = invested / ratio
            cap = float(p.total_investment or 0) * 0.95
            if plan > cap:
                # Too much was invested this year to be this far behind a plan the project's
                # size allows: the year's weekly figures shrink instead.
                factor = cap * ratio / invested
                for report in this_year:
                    report.invested_this_week = round_yuan(
                        float(report.invested_this_week) * factor
                    )
                invested = float(sum((r.invested_this_week for r in this_year), Decimal(0)))
                plan = invested / ratio
            planned = round_yuan(plan, 10_000)
        elif invested <= 0 or expected <= 0.01:
            planned = round_yuan(base, 10_000)
        else:
            plan = min(base, invested / (expected + rng.uniform(0.03, 0.10)))
            planned = Decimal(math.floor(plan / 100) * 100)
        draft.year_plan = ProjectYearPlan(
            region_id=p.region_id,
            year=self.year,
            planned_investment=max(planned, Decimal(100)),
            monthly_shares=shares,
        )

    def submission_times(self, draft: Draft) -> None:
        """Most reports arrive on Thursday or Friday; about one in eight after the deadline."""
        rng = self.rng
        for report in draft.reports:
            deadline = week_deadline(report.week, self.due_weekday)
            if report.week > self.due_week:
                day = report.week + dt.timedelta(days=rng.randint(0, self.today.weekday()))
            elif deadline < self.today and rng.random() < 0.12:
                day = deadline + dt.timedelta(days=rng.randint(1, 4))
            else:
                day = max(report.week, deadline - dt.timedelta(days=rng.randint(0, 1)))
            report.submitted_at = self.at(
                min(day, self.today), rng.randint(8, 17), rng.randint(0, 59)
            )
            report.is_late = timezone.localtime(report.submitted_at, self.tz).date() > deadline

    def derive(self, draft: Draft) -> None:
        """Cumulative and yearly (ISO year) figures, and the project's latest ones, as
        `reporting.rederive` and `update_project_figures` compute them."""
        p = draft.project
        cumulative = Decimal(0)
        by_year: dict[int, Decimal] = {}
        for report in sorted(draft.reports, key=lambda r: r.week):
            year = iso_year(report.week)
            cumulative += report.invested_this_week
            by_year[year] = by_year.get(year, Decimal(0)) + report.invested_this_week
            report.cumulative_invested = cumulative
            report.year_invested = by_year[year]
        if draft.reports:
            last = max(draft.reports, key=lambda r: r.week)
            p.invested_total = last.cumulative_invested
            p.invested_year = last.year_invested
            p.invested_year_of = iso_year(last.week)
            p.percent_complete = last.percent_complete
            p.last_report_week = last.week

    # -- problems --------------------------------------------------------------------------

    def problems(self, draft: Draft) -> None:
        """Problems raised in reports: the trouble behind yellow and red, and a few others."""
        rng = self.rng
        if not draft.reports:
            return
        category: str | None = SCENARIO_PROBLEMS.get(draft.scenario)
        flagged = category is not None
        if category is None:
            if rng.random() > 0.15:
                return
            category = rng.choice(sorted({c for c, _, _ in PROBLEMS}))
        _, owner, title = rng.choice([row for row in PROBLEMS if row[0] == category])
        reports = draft.reports if len(draft.reports) < 3 else draft.reports[:-1]
        report = rng.choice(reports[-8:] if flagged else reports)
        raised = timezone.localtime(report.submitted_at, self.tz).date()
        due = self.calendar.add_workdays(raised, 10)
        problem = Problem(
            region_id=draft.project.region_id,
            title=title,
            description=f"{draft.project.name}在{report.iso_week}周调度中反映。",
            category=category,
            source=ProblemSource.WEEKLY_REPORT,
            enterprise_id=draft.project.enterprise_id,
            owner_unit=self.unit(owner),
            due_on=due,
            raised_by=report.submitted_by,
            raised_on=raised,
        )
        staff = self.unit_users.get(problem.owner_unit.pk if problem.owner_unit else 0)
        if not flagged and rng.random() < 0.8:
            problem.status = ProblemStatus.RESOLVED
            problem.resolved_on = min(self.today, raised + dt.timedelta(days=rng.randint(2, 20)))
            problem.resolution = rng.choice(RESOLUTIONS)
            problem.claimed_by = staff
        elif staff is not None and rng.random() < 0.6:
            problem.status = ProblemStatus.CLAIMED
            problem.claimed_by = staff
        draft.problems.append((report, problem))

#!/usr/bin/env python3
"""Scale benchmark of the project ledger: the project list, the portfolio board, the API and
the weekly bulletin, on the demo county and on a county with 50,000 projects and 2.5 million
weekly reports; and of the targets measured from those projects (the target board, a
target's detail and the targets API).

Size 0 is the demo county as `jinmu demo` loads it (the small-data time). For a size N the demo
is loaded and projects are generated up to N in all, each with `--weeks` (50) weeks of reports
ending last week, spread over the demo's towns, parks, chains, units and enterprises like the
demo's own; lights are then computed by the nightly batch (`refresh_lights`). Databases are kept
in bench/data/. Results go to the projects section of bench/RESULTS.md.

    python bench/projects.py --sizes 0 50000        # make bench-projects
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.run import (  # noqa: E402
    DATA,
    GOAL_P95_MS,
    GOAL_RATIO,
    _median_of_rounds,
    _migrate_and_analyze,
    _setup,
    compare_table,
    machine,
    page_verdict,
    size_table,
    time_cases,
    write_section,
)

RAW = DATA / "results-projects.json"
WEEKS = 50
BULLETIN_RUNS = 5
BULLETIN_GOAL_MS = 2000.0
GOAL_CASES = {
    "project list, page 1",
    "project list, key projects",
    "project list, red lights",
    "project list, town user",
    "portfolio board",
    "portfolio board, town user",
    "API project list (key, county)",
    "target board",
    "target board, town user",
    "API target list",
}


def generate(size: int, weeks: int) -> float:
    """Load the demo and generate projects and reports up to `size` projects."""
    from django.core.management import call_command
    from django.db import connection

    from jinmu.demo.build import build_demo

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    build_demo()
    if size:
        _generate_projects(size, weeks)
    from jinmu.projects.lights import refresh_lights

    refresh_lights()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def _generate_projects(size: int, weeks: int) -> None:
    """Clone the demo's mix of projects up to `size`, with `weeks` weekly reports each."""
    from django.db import transaction
    from django.utils import timezone

    from jinmu.projects.choices import ProjectKind, ProjectLevel
    from jinmu.projects.models import Project, ProjectYearPlan, WeeklyReport
    from jinmu.projects.weeks import latest_due_week

    rng = random.Random(2026)
    today = timezone.localdate()
    last_week = latest_due_week(today, 5)
    first_week = last_week - dt.timedelta(weeks=weeks - 1)
    templates = list(
        Project.objects.values(
            "region_id", "park_id", "chain_id", "node_id", "enterprise_id", "responsible_unit_id"
        )
    )
    existing = Project.objects.count()
    kinds = [
        (ProjectKind.KEY, "started", 0.35),
        (ProjectKind.ATTRACTION, "started", 0.25),
        (ProjectKind.RENOVATION, "started", 0.3),
        (ProjectKind.BOND, "in_use", 0.05),
        (ProjectKind.CHALLENGE, "established", 0.05),
    ]
    weights = [k[2] for k in kinds]
    now = timezone.now()
    batch = 2000
    for offset in range(existing, size, batch):
        count = min(batch, size - offset)
        projects = []
        plans = []
        plan_rows = []
        reports = []
        for i in range(count):
            kind, status, _w = rng.choices(kinds, weights)[0]
            where = rng.choice(templates)
            total = Decimal(rng.randrange(5_000_000, 3_000_000_000, 10_000))
            yearly = (total * Decimal(rng.choice(("0.2", "0.3", "0.5")))).quantize(Decimal("1"))
            projects.append(
                Project(
                    code=f"B{offset + i:07d}",
                    name=f"扩容项目{offset + i:06d}",
                    kind=kind,
                    status=status,
                    level=rng.choice(ProjectLevel.values) if kind == ProjectKind.KEY else "",
                    total_investment=total,
                    planned_start=first_week - dt.timedelta(days=rng.randrange(0, 200)),
                    actual_start=first_week,
                    statistics_registered_on=first_week + dt.timedelta(days=20),
                    **where,
                )
            )
            plans.append(yearly)
        with transaction.atomic():
            created = Project.objects.bulk_create(projects)
            for project, yearly in zip(created, plans, strict=True):
                plan_rows.append(
                    ProjectYearPlan(
                        project=project,
                        region_id=project.region_id,
                        year=today.year,
                        planned_investment=yearly,
                    )
                )
                weekly = (yearly / 52).quantize(Decimal("1"))
                cumulative = Decimal("0")
                year_total = Decimal("0")
                # A tenth of the projects skipped the last week: grey lights at scale too.
                skip_last = rng.random() < 0.1
                for w in range(weeks - (1 if skip_last else 0)):
                    monday = first_week + dt.timedelta(weeks=w)
                    amount = (weekly * Decimal(rng.uniform(0.3, 1.6))).quantize(Decimal("1"))
                    cumulative += amount
                    # The yearly figure restarts with the first week of an ISO year.
                    if monday.isocalendar().week == 1:
                        year_total = Decimal("0")
                    year_total += amount
                    reports.append(
                        WeeklyReport(
                            project=project,
                            region_id=project.region_id,
                            week=monday,
                            invested_this_week=amount,
                            cumulative_invested=cumulative,
                            year_invested=year_total,
                            progress_text="按计划推进",
                            percent_complete=min(100, w * 2),
                            submitted_at=now,
                        )
                    )
                project.invested_total = cumulative
                project.invested_year = year_total
                project.invested_year_of = reports[-1].week.isocalendar().year
                project.percent_complete = min(100, (weeks - 1) * 2)
                project.last_report_week = reports[-1].week
            ProjectYearPlan.objects.bulk_create(plan_rows)
            WeeklyReport.objects.bulk_create(reports, batch_size=5000)
            Project.objects.bulk_update(
                created,
                [
                    "invested_total",
                    "invested_year",
                    "invested_year_of",
                    "percent_complete",
                    "last_report_week",
                ],
                batch_size=1000,
            )
        # Registered before the weeks they report on, so a missed week really is missing.
        Project.objects.filter(pk__in=[p.pk for p in created]).update(
            created_at=timezone.make_aware(dt.datetime.combine(first_week, dt.time(8)))
            - dt.timedelta(days=30)
        )
        del reports
        print(f"{offset + count:,} projects", file=sys.stderr)


def _after_write(i: int) -> str:
    """The board URL, after announcing a light write (outside the timed request): the next
    read counts afresh instead of using the cached counts."""
    from jinmu.projects.queries import bump_light_generation

    bump_light_generation(["371422"])
    return "/projects/board/"


def measure_one(size: int, weeks: int) -> dict[str, Any]:
    """Run in a child process: measure every page on the database of `size` projects."""
    db = DATA / f"bench-projects-{size}.sqlite3"
    fresh = not db.exists()
    DATA.mkdir(parents=True, exist_ok=True)
    _setup(db)
    generation = generate(size, weeks) if fresh else None
    if not fresh:
        _migrate_and_analyze()

    from django.utils import timezone

    from jinmu.core.models import User
    from jinmu.projects.bulletin import weekly_bulletin, write_docx
    from jinmu.projects.models import Project, WeeklyReport
    from jinmu.projects.weeks import latest_due_week
    from jinmu.targets.models import Target

    industry = User.objects.get(username="industry")
    town = User.objects.get(username="town-dacao")
    year = timezone.localdate().year
    # The demo's high-tech goal: county-wide, decomposed to the chains, its firms listed.
    high_tech = Target.objects.get(parent=None, year=year, indicator_id="high-tech-new")
    total = Project.objects.count()
    reports = WeeklyReport.objects.count()
    rng = random.Random(7)
    ids = list(Project.objects.values_list("id", flat=True)[:: max(1, total // 200)])
    detail_ids = [rng.choice(ids) for _ in range(200)]
    cases: list[tuple[str, User, Any]] = [
        ("bare template view", industry, lambda i: "/bench/bare/"),
        ("project list, page 1", industry, lambda i: "/projects/"),
        ("project list, key projects", industry, lambda i: "/projects/?kind=key"),
        ("project list, red lights", industry, lambda i: "/projects/?light=red"),
        ("project list, town user", town, lambda i: "/projects/"),
        ("portfolio board", industry, lambda i: "/projects/board/"),
        ("portfolio board, town user", town, lambda i: "/projects/board/"),
        ("portfolio board, first read after a light write", industry, _after_write),
        (
            "API project list (key, county)",
            industry,
            lambda i: "/api/v1/projects/?kind=key&level=county",
        ),
        ("project detail", industry, lambda i: f"/projects/{detail_ids[i]}/"),
        ("target board", industry, lambda i: "/targets/"),
        ("target board, town user", town, lambda i: "/targets/"),
        ("targets by unit", industry, lambda i: "/targets/units/"),
        ("target detail (high-tech, 7 parts)", industry, lambda i: f"/targets/{high_tech.pk}/"),
        ("API target list", industry, lambda i: f"/api/v1/targets/?year={year}"),
    ]
    rows = time_cases(cases, GOAL_CASES)

    # The bulletin: built and written to Word for the whole county, as `jinmu report weekly`.
    import io

    week = latest_due_week(timezone.localdate(), 5)
    timings = []
    gc.collect()
    for _ in range(BULLETIN_RUNS):
        started = time.perf_counter()
        bulletin = weekly_bulletin(region_code="371422", week=week)
        write_docx(bulletin, io.BytesIO())
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    rows.append(
        {
            "case": "weekly bulletin (county, .docx)",
            "goal": False,
            "bulletin": True,
            "p50": statistics.median(timings),
            "p95": timings[-1],
            "queries": [],
        }
    )
    return {
        "size": size,
        "projects": total,
        "reports": reports,
        "generation_s": generation,
        "rows": rows,
    }


def _verdict(s_row: dict[str, Any], b_row: dict[str, Any]) -> tuple[str, bool | None]:
    """The bulletin has its own goal (≤ 2 s); pages are judged as everywhere."""
    if b_row.get("bulletin"):
        passed = b_row["p95"] <= BULLETIN_GOAL_MS
        return ("met" if passed else "NOT met"), passed
    return page_verdict(s_row, b_row)


def write_results(results: list[dict[str, Any]], weeks: int) -> bool:
    """Write the projects section of bench/RESULTS.md; True when every goal holds."""
    small, big = results[0], results[-1]
    lines = [
        "## Project ledger (bench/projects.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} by `python bench/projects.py --sizes "
        f"{' '.join(str(r['size']) for r in results)}` on: {machine()}.",
        "",
        "Method as above (test client, the `industry` user unless noted, medians over rounds). "
        f"The small database is the demo county; the large one adds generated projects with "
        f"{weeks} weekly reports each, lights computed by the nightly batch. The bulletin is "
        f"built and written as .docx for the whole county {BULLETIN_RUNS} times; its p95 "
        "column is the slowest run. The board's counts are cached per scope until the next "
        "light write in the county (decision 0004): `portfolio board` reads a warm cache, "
        "`first read after a light write` counts afresh every time.",
        "",
    ]
    for result in results:
        gen = f", generated in {result['generation_s']:.0f} s" if result["generation_s"] else ""
        heading = f"### {result['projects']:,} projects, {result['reports']:,} weekly reports{gen}"
        lines += size_table(heading, result["rows"])
    ok = True
    if len(results) > 1:
        lines += [
            f"### Goals at {big['projects']:,} projects against {small['projects']:,}",
            "",
            f"List and board: p95 ≤ {GOAL_P95_MS:.0f} ms, p50 no more than {GOAL_RATIO}× the "
            "small-data time (or within 5 ms of it), the same number of queries. Bulletin: "
            f"≤ {BULLETIN_GOAL_MS / 1000:.0f} s.",
            "",
        ]
        table, ok = compare_table(small["rows"], big["rows"], _verdict)
        lines += table
    write_section("projects", lines)
    return ok


def main() -> None:
    """Measure each size in its own process, then write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 50000])
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="rewrite from the last figures")
    args = parser.parse_args()
    if args.report:
        sys.exit(0 if write_results(json.loads(RAW.read_text()), args.weeks) else 1)
    if args.one is not None:
        print(json.dumps(measure_one(args.one, args.weeks)))
        return
    rounds: dict[int, list[dict[str, Any]]] = {size: [] for size in args.sizes}
    for number in range(args.rounds):
        for size in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(size), "--weeks", str(args.weeks)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            rounds[size].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"round {number + 1}, {size}: done", file=sys.stderr)
    results = [_median_of_rounds(rounds[size]) for size in args.sizes]
    RAW.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    ok = write_results(results, args.weeks)
    print((ROOT / "bench" / "RESULTS.md").read_text())
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()

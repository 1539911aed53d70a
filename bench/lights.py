#!/usr/bin/env python3
"""Benchmark of the nightly lights (issue 11: "the nightly lights at 50,000 projects ≤ 3 s").

A SQLite database with the demo county and projects generated up to `--size` (50 weekly
reports each, as bench/projects.py makes them) is generated once into bench/data/lights/ and
kept. Each round, in a fresh process, copies it and runs the nightly job through the entry
point the scheduler uses (`jinmu.core.jobs.run_due(day, only=["refresh_lights"])`, as
`jinmu jobs run` does) twice: for today (the first run after the data were generated, or
after a change of what is stored) and for the next day (the realistic night: the day after
the last run). CPU (the process's, SQLite included) and wall time are measured around the
job, with the rows it processed, rewrote and dated. Results go to the lights section of
bench/RESULTS.md.

    python bench/lights.py                         # 3 rounds at 50,000 projects
    python bench/lights.py --compare ../old/src    # and another source tree, alternately
    python bench/lights.py --profile               # cProfile of one next-day run
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.run import DATA, machine, write_section  # noqa: E402

LIGHTS = DATA / "lights"
SIZE = 50000
WEEKS = 50
GOAL_S = 3.0
JOB = "refresh_lights"


def _setup(db: Path, src: Path) -> None:
    """Django on `db`, importing Jinmu from `src` (this tree's src/ unless compared)."""
    sys.path[:0] = [str(src), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DB"] = str(db)
    import django

    django.setup()


def base_database(size: int) -> Path:
    """The kept database of `size` projects."""
    return LIGHTS / f"projects-{size}.sqlite3"


def generate_one(size: int, weeks: int) -> None:
    """Run in a child process: generate the database of `size` projects (under a temporary
    name, renamed when complete, so an interrupted generation is not reused)."""
    target = base_database(size)
    partial = target.with_suffix(".partial.sqlite3")
    for stale in LIGHTS.glob(partial.name + "*"):
        stale.unlink()
    _setup(partial, ROOT / "src")
    from django.db import connection

    from bench.projects import generate

    seconds = generate(size, weeks)
    connection.close()
    partial.rename(target)
    print(f"generated {target.name} in {seconds:.0f} s", file=sys.stderr)


def _copy(size: int) -> Path:
    """A fresh copy of the kept database for one round."""
    work = LIGHTS / f"round-{size}.sqlite3"
    for old in LIGHTS.glob(work.name + "*"):
        old.unlink()
    shutil.copyfile(base_database(size), work)
    # On disk before the clock starts: the kernel's write-back of the copy would otherwise
    # slow the job's commits.
    with work.open("rb+") as file:
        os.fsync(file.fileno())
    return work


def _timed_night(day: dt.date) -> dict[str, Any]:
    """Run the nightly job for `day` as the scheduler does; its times and counts."""
    from django.db import connection

    from jinmu.core.jobs import registered, run_due
    from jinmu.projects import tasks

    registered()
    seen: list[Any] = []
    refresh = tasks.refresh_lights_stats

    def recording(*args: Any, **kwargs: Any) -> Any:
        stats = refresh(*args, **kwargs)
        seen.append(stats)
        return stats

    # The job's summary line names no rewritten rows: read them from the stats it got.
    tasks.refresh_lights_stats = recording  # type: ignore[assignment]
    before = connection.connection.total_changes if connection.connection else 0
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        outcomes = run_due(day, only=[JOB])
    finally:
        tasks.refresh_lights_stats = refresh  # type: ignore[assignment]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if not outcomes or not all(o.ran and o.succeeded for o in outcomes) or len(seen) != 1:
        raise SystemExit(f"the {JOB} job did not run for {day}: {outcomes}")
    stats = seen[0]
    return {
        "day": day.isoformat(),
        "cpu": cpu,
        "wall": wall,
        "processed": stats.processed,
        "written": stats.written,
        "changed": stats.changed,
        # Every row the job changed in SQLite (lights written, computed dates, the job's row).
        "sqlite_changes": connection.connection.total_changes - before,
    }


def measure_one(size: int, src: Path, profile: bool) -> dict[str, Any]:
    """Run in a child process: today's and the next day's night on a fresh copy."""
    work = _copy(size)
    _setup(work, src)
    from django.db import connection
    from django.utils import timezone

    from bench.run import _migrate_and_analyze
    from jinmu.projects.models import Project

    _migrate_and_analyze()
    today = timezone.localdate()
    nights = [_timed_night(today)]
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        nights.append(_timed_night(today + dt.timedelta(days=1)))
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    else:
        nights.append(_timed_night(today + dt.timedelta(days=1)))
    projects = Project.objects.count()
    connection.close()
    for used in LIGHTS.glob(work.name + "*"):
        used.unlink()
    return {"projects": projects, "nights": nights}


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(runs: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """One night (0: today, 1: next day) over the rounds: medians and the spread of wall."""
    nights = [run["nights"][index] for run in runs]
    walls = [n["wall"] for n in nights]
    return {
        "cpu": statistics.median(n["cpu"] for n in nights),
        "wall": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "processed": nights[-1]["processed"],
        "written": sorted({n["written"] for n in nights}),
        "changed": sorted({n["changed"] for n in nights}),
        "sqlite_changes": sorted({n["sqlite_changes"] for n in nights}),
    }


def _counts(values: list[int]) -> str:
    return (
        "–".join(f"{v:,}" for v in (values[0], values[-1]))
        if values[0] != values[-1]
        else (f"{values[0]:,}")
    )


def write_results(results: dict[str, list[dict[str, Any]]], size: int) -> bool:
    """Write the lights section of bench/RESULTS.md; True when the next night meets 3 s."""
    rounds = len(next(iter(results.values())))
    projects = next(iter(results.values()))[0]["projects"]
    lines = [
        "## Nightly lights (bench/lights.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} by `python bench/lights.py --size {size}` "
        "(rows of other code: `--compare` with that tree's src/, measured alternately) on: "
        f"{machine()}.",
        "",
        f"{projects:,} projects ({WEEKS} weekly reports each, generated as for the project "
        "ledger), SQLite. Each round, in a fresh process on a fresh copy of the database, runs "
        "the nightly job as the scheduler does (`run_due(day, only=['refresh_lights'])`) for "
        "today, the first night after the data were generated, then for the next day, the "
        "usual night. Seconds of the process's CPU (SQLite included) and of wall time around "
        f"the job, medians over {rounds} rounds (wall: lowest–highest in brackets). "
        "`written`: rows whose light or reasons were rewritten; `changed`: rows whose colour "
        "changed; `SQLite rows`: every row the job changed (computed dates and the job's own "
        "record included). The machine is shared: CPU is the steadier figure. The kept "
        "database's lights were computed when it was generated, so `today` rewrites every "
        "row when the code stores something else than the code that generated it did, and "
        "none otherwise; a week's first night after the report deadline rewrites most rows "
        "in any case (the report rule's verdict changes for nearly every project).",
        "",
        "| code | night | CPU s | wall s | written | changed | SQLite rows | goal ≤ 3 s |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    for label, runs in results.items():
        for index, night in enumerate(("today", "next day")):
            s = _summary(runs, index)
            verdict = "–"
            if index == 1:
                passed = s["wall"] <= GOAL_S
                ok = ok and (passed or label != "current")
                verdict = "met" if passed else "NOT met"
            lines.append(
                f"| {label} | {night} | {s['cpu']:.2f} | {s['wall']:.2f} "
                f"({s['wall_min']:.2f}–{s['wall_max']:.2f}) | {_counts(s['written'])} | "
                f"{_counts(s['changed'])} | {_counts(s['sqlite_changes'])} | {verdict} |"
            )
    write_section("lights", [*lines, ""])
    return ok


def main() -> None:
    """Generate the database if needed, measure the rounds, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another tree's src/ to measure alternately")
    parser.add_argument("--compare-label", default="other", help="its name in the results")
    parser.add_argument("--report", action="store_true", help="rewrite from the last figures")
    parser.add_argument("--profile", action="store_true", help="cProfile one next-day night")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate_one(args.size, args.weeks)
        return
    if args.report:
        results = json.loads((LIGHTS / "results.json").read_text())
        sys.exit(0 if write_results(results, args.size) else 1)
    if args.one is not None:
        print(json.dumps(measure_one(args.size, args.one, args.profile)))
        return
    LIGHTS.mkdir(parents=True, exist_ok=True)
    if not base_database(args.size).exists():
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate",
                "--size",
                str(args.size),
                "--weeks",
                str(args.weeks),
            ],
            check=True,
            cwd=ROOT,
        )
    size = ["--size", str(args.size)]
    if args.profile:
        subprocess.run(
            [sys.executable, __file__, *size, "--one", str(ROOT / "src"), "--profile"],
            check=True,
            cwd=ROOT,
        )
        return
    trees = {"current": ROOT / "src"}
    if args.compare:
        trees[args.compare_label] = args.compare.resolve()
    results: dict[str, list[dict[str, Any]]] = {label: [] for label in trees}
    for number in range(args.rounds):
        for label, src in trees.items():
            results[label].append(_child([*size, "--one", str(src)]))
            print(f"round {number + 1}, {label}: done", file=sys.stderr)
    (LIGHTS / "results.json").write_text(json.dumps(results, indent=1))
    ok = write_results(results, args.size)
    print((ROOT / "bench" / "RESULTS.md").read_text().split("<!-- bench:lights -->")[1])
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()

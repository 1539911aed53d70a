#!/usr/bin/env python3
"""Scale benchmark: the enterprise list, detail and chain map at several sizes.

For each size N a SQLite database with the Ningjin demo county and N enterprises (three years of
figures, qualifications, chain links) is generated once into bench/data/ and kept. Each page is
then requested in-process through Django's test client (the full middleware, template and ORM
path, without network noise), and p50/p95 and the number of queries per request are recorded
alongside a bare template view measured in the same run. Results go to bench/RESULTS.md.

    python bench/run.py --sizes 3000 300000        # make bench-big
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
RAW = DATA / "results.json"
ITERATIONS = 60
WARMUP = 5
GOAL_P95_MS = 150.0
GOAL_RATIO = 1.3
# The goal ("list/detail p95 ≤ 150 ms at 300k, and ≤ 1.3× the 3k time") applies to
# these; the other pages are measured and reported against 150 ms only.
GOAL_CASES = {
    "enterprise list, page 1",
    "enterprise list, filtered (chain)",
    "enterprise list, town user",
    "enterprise list, deep page (90%)",
    "enterprise detail",
    "API enterprise list",
}


def _setup(db: Path) -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DB"] = str(db)
    import django

    django.setup()


def generate(size: int, db: Path) -> float:
    """Migrate and load the demo county with `size` enterprises; return seconds taken."""
    from django.core.management import call_command

    from jinmu.demo.build import build_demo

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    build_demo(enterprises=size)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def _migrate_and_analyze() -> None:
    """Bring a kept database up to the current schema; refresh the planner's statistics when
    that changed anything (ANALYZE of the big database takes a while)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_cases(
    cases: list[tuple[str, Any, Any]], goals: set[str] | None = None
) -> list[dict[str, Any]]:
    """Request each case's URLs as its user; p50, p95 and the query counts per case."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    goals = GOAL_CASES if goals is None else goals
    rows = []
    for name, user, url_for in cases:
        # Collect between cases and pause the collector while a case is timed: its pauses do
        # not depend on the data size and would otherwise land on random samples of the p95.
        gc.collect()
        gc.disable()
        client = Client()
        client.force_login(user)
        timings = []
        queries = set()
        for i in range(WARMUP + ITERATIONS):
            url = url_for(i)
            # The query log is a bounded deque: once full, captured counts would read 0.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} returned {response.status_code}")
            if i >= WARMUP:
                timings.append(elapsed)
                queries.add(len(ctx.captured_queries))
        gc.enable()
        timings.sort()
        rows.append(
            {
                "case": name,
                "goal": name in goals,
                "p50": statistics.median(timings),
                "p95": timings[int(len(timings) * 0.95) - 1],
                "queries": sorted(queries),
            }
        )
    return rows


def measure_one(size: int) -> dict[str, Any]:
    """Run in a child process: measure every page on the database of `size` enterprises."""
    db = DATA / f"bench-{size}.sqlite3"
    fresh = not db.exists()
    DATA.mkdir(parents=True, exist_ok=True)
    _setup(db)
    if fresh:
        generation: float | None = generate(size, db)
    else:
        generation = None
        _migrate_and_analyze()

    from jinmu.chains.models import Chain
    from jinmu.core.models import User
    from jinmu.core.pagination import encode_cursor
    from jinmu.enterprises.models import Enterprise

    industry = User.objects.get(username="industry")
    town = User.objects.get(username="town-dacao")
    chain = Chain.objects.get(name="健身器材")
    total = Enterprise.objects.count()
    deep = Enterprise.objects.order_by("name_pinyin", "id").values_list("name_pinyin", "id")[
        int(total * 0.9)
    ]
    deep_cursor = encode_cursor(list(deep))
    rng = random.Random(7)
    ids = list(Enterprise.objects.values_list("id", flat=True)[:: max(1, total // 200)])
    detail_ids = [rng.choice(ids) for _ in range(ITERATIONS + WARMUP)]

    cases: list[tuple[str, User, Any]] = [
        ("bare template view", industry, lambda i: "/bench/bare/"),
        ("enterprise list, page 1", industry, lambda i: "/enterprises/"),
        (
            "enterprise list, filtered (chain)",
            industry,
            lambda i: f"/enterprises/?chain={chain.pk}",
        ),
        (
            "enterprise list, filtered (chain + 规上)",
            industry,
            lambda i: f"/enterprises/?chain={chain.pk}&scale=above",
        ),
        ("enterprise list, town user", town, lambda i: "/enterprises/"),
        (
            "enterprise list, deep page (90%)",
            industry,
            lambda i: f"/enterprises/?cursor={deep_cursor}",
        ),
        ("enterprise search (pinyin njjs)", industry, lambda i: "/enterprises/?q=njjs"),
        (
            "enterprise search (initials njx: half the county matches)",
            industry,
            lambda i: "/enterprises/?q=njx",
        ),
        ("enterprise search (trade-name initials hj)", industry, lambda i: "/enterprises/?q=hj"),
        ("enterprise search (Chinese 健身)", industry, lambda i: "/enterprises/?q=健身"),
        ("enterprise detail", industry, lambda i: f"/enterprises/{detail_ids[i]}/"),
        ("chain page (map and lists)", industry, lambda i: f"/chains/{chain.pk}/"),
        ("chain map data", industry, lambda i: f"/chains/{chain.pk}/map.json"),
        ("API enterprise list", industry, lambda i: "/api/v1/enterprises/"),
    ]
    rows = time_cases(cases)
    return {"size": size, "enterprises": total, "generation_s": generation, "rows": rows}


def machine() -> str:
    """A one-line description of the machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; {platform.system()} {platform.release()}"
    )


def write_results(results: list[dict[str, Any]]) -> bool:
    """Write bench/RESULTS.md; return True when every goal holds."""
    small, big = results[0], results[-1]
    lines = [
        "## Enterprises, chains (bench/run.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} by `python bench/run.py --sizes "
        f"{' '.join(str(r['size']) for r in results)}` on: {machine()}.",
        "",
        "Each page requested in-process through Django's test client as the `industry` user "
        "(the whole county) unless noted; "
        f"{WARMUP} warm-up requests, then {ITERATIONS} measured, with the garbage collector "
        "run between pages and paused while one is timed. The sizes are measured in "
        "alternation over several rounds (each in a fresh process) and each figure is the "
        "median over the rounds, so that a slow spell of the shared machine does not decide "
        "a comparison. Times in milliseconds. "
        "Database: SQLite (WAL) with the Ningjin demo county plus generated enterprises, each "
        "with three years of figures, qualifications and chain links.",
        "",
    ]
    for result in results:
        gen = f", generated in {result['generation_s']:.0f} s" if result["generation_s"] else ""
        lines += size_table(f"### {result['enterprises']:,} enterprises{gen}", result["rows"])
    ok = True
    if len(results) > 1:
        lines += [
            f"### Goals at {big['enterprises']:,} against {small['enterprises']:,}",
            "",
            f"The issue's goal for the list and detail pages: p95 ≤ {GOAL_P95_MS:.0f} ms at the "
            f"larger size, no more than {GOAL_RATIO}× the small-data time (compared on the "
            "median, p50, or within 5 ms of it: the p95 of 60 samples on this shared machine "
            "moves by tens of percent between identical runs), and the same number of "
            "queries. A page costs more with more rows on it, so the goal compares "
            "lists that fill a page and the capped count at both sizes (page 1, a deep page, "
            "a chain filter, a town user, the API). Searches and narrower filters (chain + "
            "规上) fill them only at the larger size; they, the chain page (whose lists grow "
            "with the chain up to 50 rows) and the map data are measured against 150 ms only.",
            "",
        ]
        table, ok = compare_table(small["rows"], big["rows"])
        lines += table
    write_section("enterprises", lines)
    return ok


def size_table(heading: str, rows: list[dict[str, Any]]) -> list[str]:
    """The figures of one size as a Markdown table under `heading`."""
    lines = [heading, "", "| page | p50 | p95 | queries per request |", "|---|---:|---:|---|"]
    for row in rows:
        lines.append(
            f"| {row['case']} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{', '.join(map(str, row['queries'])) or '–'} |"
        )
    return [*lines, ""]


def page_verdict(s_row: dict[str, Any], b_row: dict[str, Any]) -> tuple[str, bool | None]:
    """A page against the goal: p95 ≤ 150 ms, p50 ≤ 1.3× (or +5 ms), the same queries.
    Returns the verdict text and whether it passed (None when the page has no goal)."""
    ratio = b_row["p50"] / s_row["p50"] if s_row["p50"] else 0
    fast = b_row["p95"] <= GOAL_P95_MS
    passed = (
        fast
        and (ratio <= GOAL_RATIO or b_row["p50"] - s_row["p50"] <= 5)
        and s_row["queries"] == b_row["queries"]
    )
    if b_row.get("goal"):
        return ("met" if passed else "NOT met"), passed
    return "no goal; " + ("≤ 150 ms" if fast else "> 150 ms"), None


def compare_table(
    small_rows: list[dict[str, Any]], big_rows: list[dict[str, Any]], judge: Any = page_verdict
) -> tuple[list[str], bool]:
    """Small against big, row by row, with each row's verdict; True when every goal holds."""
    lines = [
        "| page | p50 small | p50 big | p50 ratio | p95 small | p95 big | queries | verdict |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    ok = True
    for s_row, b_row in zip(small_rows, big_rows, strict=True):
        ratio = b_row["p50"] / s_row["p50"] if s_row["p50"] else 0
        verdict, passed = judge(s_row, b_row)
        ok = ok and passed is not False
        lines.append(
            f"| {s_row['case']} | {s_row['p50']:.1f} | {b_row['p50']:.1f} | {ratio:.2f} | "
            f"{s_row['p95']:.1f} | {b_row['p95']:.1f} | "
            f"{'same' if s_row['queries'] == b_row['queries'] else 'differ'} | {verdict} |"
        )
    return [*lines, ""], ok


def write_section(name: str, lines: list[str]) -> None:
    """Replace one suite's section of RESULTS.md (between its markers), keeping the others."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = "\n".join([begin, *lines, end])
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def _median_of_rounds(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result whose p50 and p95 are the medians over the rounds."""
    first = runs[0]
    rows = []
    for i, row in enumerate(first["rows"]):
        samples = [run["rows"][i] for run in runs]
        rows.append(
            {
                **row,
                "p50": statistics.median(s["p50"] for s in samples),
                "p95": statistics.median(s["p95"] for s in samples),
                "queries": sorted({q for s in samples for q in s["queries"]}),
            }
        )
    generation = next((run["generation_s"] for run in runs if run["generation_s"]), None)
    return {**first, "rows": rows, "generation_s": generation, "rounds": len(runs)}


def main() -> None:
    """Measure each size in its own process, then write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds over all sizes; medians are reported"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--report", action="store_true", help="rewrite RESULTS.md from the last run's figures"
    )
    args = parser.parse_args()
    if args.report:
        sys.exit(0 if write_results(json.loads(RAW.read_text())) else 1)
    if args.one:
        print(json.dumps(measure_one(args.one)))
        return
    # Sizes are measured in alternation, round after round, so that a slow spell of a shared
    # machine falls on both sizes alike; each figure is the median over the rounds.
    rounds: dict[int, list[dict[str, Any]]] = {size: [] for size in args.sizes}
    for number in range(args.rounds):
        for size in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(size)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            rounds[size].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"round {number + 1}, {size}: done", file=sys.stderr)
    results = [_median_of_rounds(rounds[size]) for size in args.sizes]
    RAW.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    ok = write_results(results)
    print(RESULTS.read_text())
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()

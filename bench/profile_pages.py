#!/usr/bin/env python3
"""Where the time goes, page by page: cProfile over many requests through Django's test client.

Each page of the over-the-wire benchmark (bench/wire.py) is requested in-process as the demo's
`industry` user on a data set of bench/wire_data.py (the product's settings as bench/settings.py
sets them, with Redis as the cache as in production): a few warm-up requests, `--requests`
timed without the profiler (the ms/request column), then the same number under cProfile with
every query timed. The profile is split into what the issue asks about: the database (the
driver's own time and the number of queries), template rendering, context processors (the
menus among them), serialisation (DRF), URL reversing, translation, model instances; and the
top functions of the project (by cumulative time) and of everything (by own time). Results are
kept in bench/results/profile.json (tracked, by `--label` and data set) and written to the
profile section of bench/RESULTS.md; `--report` only rewrites that section from them.

    python bench/profile_pages.py --data demo-sqlite --label before --src /tmp/jinmu-head/src
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "bench" / "results" / "profile.json"
USERNAME = "industry"

# (category, file suffix, function name): outermost cumulative time of each, per request.
CATEGORIES = [
    ("template", "django/template/backends/django.py", "render"),
    ("context processors", "django/template/context.py", "bind_template"),
    ("menus (navigation)", "jinmu/core/context_processors.py", "navigation"),
    ("serialisation", "rest_framework/serializers.py", "data"),
    ("JSON rendering", "rest_framework/renderers.py", "render"),
    ("reverse()", "django/urls/base.py", "reverse"),
    ("gettext", "django/utils/translation/__init__.py", "gettext"),
    ("model instances", "django/db/models/base.py", "from_db"),
    ("forms", "django/forms/utils.py", "render"),
    ("select widgets", "jinmu/core/widgets.py", "render"),
    ("table rows", "jinmu/core/templatetags/jinmu_tables.py", "table_rows"),
]
DRIVER_NAMES = ("sqlite3.Cursor", "sqlite3.Connection", "SQLiteCursorWrapper", "psycopg")


def setup(data: str, src: Path) -> None:
    """Django with the data set's database, the product's settings and Redis as the cache."""
    sys.path[:0] = [str(src), str(ROOT)]
    from bench.wire_data import REDIS, SETS

    dataset = SETS[data]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["REDIS_URL"] = REDIS
    if dataset.engine == "sqlite":
        os.environ["BENCH_DB"] = str(dataset.var_dir / "jinmu.sqlite3")
    else:
        os.environ["DATABASE_URL"] = dataset.database_url
        os.environ["BENCH_DB"] = dataset.database_url.rsplit("/", 1)[1]
    import django

    django.setup()
    import jinmu

    if not str(jinmu.__file__).startswith(str(src)):
        raise SystemExit(f"jinmu comes from {jinmu.__file__}, not {src}")


def pages(client: Any) -> list[tuple[str, str]]:
    """The pages of bench/wire.py, with the same ids."""
    from django.db.models import Count
    from django.utils import timezone

    from jinmu.chains.models import Chain
    from jinmu.enterprises.models import Enterprise
    from jinmu.projects.models import Project
    from jinmu.targets.models import Target

    year = timezone.localdate().year
    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:3000])
    project = Project.objects.annotate(n=Count("milestones")).order_by("-n", "id").first()
    assert project is not None
    target = Target.objects.get(parent=None, year=year, indicator_id="high-tech-new")
    chain = Chain.objects.get(name="健身器材")
    out = [
        ("enterprise list", "/enterprises/"),
        ("project list", "/projects/"),
        ("target board", "/targets/"),
        ("portfolio board", "/projects/board/"),
        ("enterprise page", f"/enterprises/{ids[len(ids) // 2]}/"),
        ("project page", f"/projects/{project.pk}/"),
        ("project plan (Gantt)", f"/projects/{project.pk}/plan/"),
        ("target page (high-tech)", f"/targets/{target.pk}/"),
        ("chain page (健身器材)", f"/chains/{chain.pk}/"),
    ]
    schema = json.loads(client.get("/api/schema/?format=json").content)
    for path, operations in sorted(schema["paths"].items()):
        operation = operations.get("get")
        if operation is None or "{" in path or not path.startswith("/api/v1/"):
            continue
        required = [
            p
            for p in operation.get("parameters", [])
            if p.get("in") == "query" and p.get("required")
        ]
        out.append(
            (f"API {path}", path + (f"?year={year}" if required or "targets" in path else ""))
        )
    return out


def _outermost(stats: pstats.Stats, suffix: str, name: str) -> float:
    """Cumulative seconds of a function, counted once however it recurses; of same-named
    functions in one module (a serializer's `data` calling its base's) the outermost."""
    found = [0.0]
    for (filename, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.endswith(suffix):
            found.append(row[3])
    return max(found)


def _driver(stats: pstats.Stats) -> float:
    """Own time of the database driver's calls (executing and fetching)."""
    total = 0.0
    for (filename, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~" and any(n in func for n in DRIVER_NAMES):
            total += row[2]
        elif "psycopg" in filename:
            total += row[2]
    return total


def _top(stats: pstats.Stats, requests: int, own: bool, project_only: bool) -> list[str]:
    """The top functions: the project's by cumulative time (leaving out the wrappers around
    the whole request), or anything by own time."""
    rows = []
    total = stats.total_tt  # type: ignore[attr-defined]
    for (filename, line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        seconds = row[2] if own else row[3]
        if project_only and "/jinmu/" not in filename:
            continue
        if not own and seconds > 0.93 * total:
            continue
        short = filename.split("/site-packages/")[-1].split("/src/")[-1].split("/python3.11/")[-1]
        label = re.sub(r" at 0x[0-9a-f]+", "", f"{short}:{line} {func}".removeprefix("~:0 "))
        rows.append((seconds, label, row[1]))
    rows.sort(reverse=True)
    return [
        f"{name} {seconds * 1000 / requests:.1f} ms ({calls / requests:.0f} calls)"
        for seconds, name, calls in rows[:6]
    ]


def profile_page(client: Any, path: str, requests: int) -> dict[str, Any]:
    """Time a page, then profile it; the figures per request."""
    from django.db import connection

    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    wall = (time.perf_counter() - started) * 1000 / requests
    queries = [0, 0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries[0] += 1
            queries[1] += time.perf_counter() - begun

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for _ in range(requests):
            client.get(path)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    shares = {name: _outermost(stats, suffix, func) / total for name, suffix, func in CATEGORIES}
    shares["database driver"] = _driver(stats) / total
    return {
        "path": path,
        "ms": wall,
        "profiled_ms": total * 1000 / requests,
        "queries": queries[0] / requests,
        "query_ms_profiled": queries[1] * 1000 / requests,
        "shares": shares,
        "top_project": _top(stats, requests, own=False, project_only=True),
        "top_own": _top(stats, requests, own=True, project_only=False),
        "bytes": len(response.content),
    }


def write_results(raw: dict[str, dict[str, Any]]) -> None:
    """The profile section of RESULTS.md, from every label and data set profiled."""
    from bench.run import write_section

    names = [name for name, _s, _f in CATEGORIES] + ["database driver"]
    lines = [
        "## Where the time goes, per page (bench/profile_pages.py)",
        "",
        "cProfile over many requests per page through Django's test client, as `industry`, on "
        "the data sets of bench/wire.py (SQLite or PostgreSQL, Redis cache). ms/req is timed "
        "without the profiler; the shares are of the profiled time (cumulative, so they "
        "overlap: the template includes the context processors, the menus and whatever the "
        "template evaluates lazily, queries among them). `database driver` is the driver's own "
        "time executing and fetching; query ms: the time inside each query's execution under the "
        "profiler (Django's execute wrapper).",
        "",
    ]
    for label, results in raw.items():
        for result in results.values():
            lines += [
                f"### {label}: {result['describe']} ({result['requests']} requests per page)",
                "",
                "| page | ms/req | profiled ms | queries | query ms | " + " | ".join(names) + " |",
                "|---|---:|---:|---:|---:|" + "---:|" * len(names),
            ]
            for name, row in result["pages"].items():
                cells = " | ".join(f"{row['shares'].get(n, 0) * 100:.0f} %" for n in names)
                lines.append(
                    f"| {name} | {row['ms']:.1f} | {row['profiled_ms']:.0f} | "
                    f"{row['queries']:.0f} | {row['query_ms_profiled']:.1f} | {cells} |"
                )
            lines += ["", "Top functions per page (ms per request under the profiler):", ""]
            for name, row in result["pages"].items():
                lines.append(
                    f"- **{name}** ({row['profiled_ms']:.0f} ms profiled): project: "
                    + "; ".join(row["top_project"][:4])
                    + ". Own time: "
                    + "; ".join(row["top_own"][:4])
                    + "."
                )
            lines.append("")
    write_section("profile", lines)


def main() -> None:
    """Profile every page of a data set and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="demo-sqlite")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--label", default="current")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pages", nargs="*", help="only pages whose name has one of these")
    parser.add_argument("--report", action="store_true", help="rewrite RESULTS.md only")
    args = parser.parse_args()
    if not args.report:
        setup(args.data, args.src.resolve())
        from django.test import Client

        from bench.run import machine
        from bench.wire_data import SETS
        from jinmu.core.models import User

        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(username=USERNAME))
        results = {}
        for name, path in pages(client):
            if args.pages and not any(word in name for word in args.pages):
                continue
            results[name] = profile_page(client, path, args.requests)
            print(f"{name}: {results[name]['ms']:.1f} ms", file=sys.stderr, flush=True)
        raw = json.loads(RAW.read_text()) if RAW.exists() else {}
        raw.setdefault(args.label, {})[args.data] = {
            "describe": SETS[args.data].describe(),
            "machine": machine(),
            "requests": args.requests,
            "pages": results,
        }
        RAW.parent.mkdir(parents=True, exist_ok=True)
        RAW.write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.path[:0] = [str(ROOT)]
    write_results(json.loads(RAW.read_text()))


if __name__ == "__main__":
    main()

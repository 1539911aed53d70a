#!/usr/bin/env python3
"""Benchmark of the enterprise import (issue 11): a 10,000-row workbook against openpyxl's read.

The demo county (`jinmu.demo`) is built once into a SQLite database under bench/data/imports/
and kept there as a pristine copy; a workbook of new enterprises is written from the product's
own import template (its sheet, headers and dropdowns), with valid and unique credit codes,
towns and parks that match, industry codes, dates, coordinates and labels as a county office
would fill them in. Each round then measures, in alternation:

- openpyxl's plain read of the file (read-only, every row's values): the reference;
- the dry run: every row checked and the preview's change list built, nothing written
  (`import_enterprises(dry_run=True)`, as the upload page runs it);
- the import: the confirmed workbook imported and audited as the worker runs it
  (`jinmu.core.background_imports.run_stored_import`), on a fresh copy of the database.

Everything runs in this process with the product's services. Each figure is the median over the
rounds; the ratio is that median over openpyxl's. Results go to the imports section of
bench/RESULTS.md.

    python bench/imports.py --rows 10000 --rounds 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.run import DATA, machine, write_section  # noqa: E402

HERE = DATA / "imports"
PRISTINE = HERE / "demo.sqlite3"  # the demo county as built, never written by a measurement
WORK = HERE / "work.sqlite3"  # the copy each measurement runs on
GOAL_RATIO = 3.0
ACTOR = "industry"  # the county's industry office: imports anywhere in the county


def _setup(src: Path) -> None:
    """Django on the work database, with the benchmark's own var directory; the product's code
    from `src` (another checkout's, to compare)."""
    HERE.mkdir(parents=True, exist_ok=True)
    os.environ["JINMU_VAR_DIR"] = str(HERE / "var")
    sys.path[:0] = [str(src)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DB"] = str(WORK)
    import django

    django.setup()


def _fresh_copy() -> None:
    """Put a fresh copy of the pristine database where Django's connection will reopen it."""
    from django.db import connection

    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{WORK}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(PRISTINE, WORK)


def prepare_database() -> float | None:
    """Build the demo county once (or bring a kept one up to the current schema); the seconds
    the build took, None when the kept database was used."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if PRISTINE.exists():
        _fresh_copy()
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return None
        call_command("migrate", verbosity=0)
        started = None
    else:
        from jinmu.demo.build import build_demo

        connection.close()
        WORK.unlink(missing_ok=True)
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        build_demo()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(WORK, PRISTINE)
    return None if started is None else time.monotonic() - started


def write_workbook(path: Path, rows: int, seed: int = 11) -> None:
    """The product's enterprise template filled with `rows` new enterprises of the county."""
    import openpyxl

    from jinmu.core.choices import RegionLevel, UnitKind
    from jinmu.core.excel import DATE_FORMAT
    from jinmu.core.models import Region, Unit
    from jinmu.demo.names import CreditCoder
    from jinmu.enterprises import excel
    from jinmu.enterprises.models import Enterprise, IndustryCode

    rng = random.Random(seed)
    towns = list(Region.objects.filter(level=RegionLevel.TOWN).order_by("code"))
    parks = list(Unit.objects.filter(kind=UnitKind.PARK).exclude(town_region=None))
    town_names = {town.code: town.name for town in towns}
    industries = list(
        IndustryCode.objects.filter(code__regex=r"^[A-Z]\d{4}$").values_list("code", flat=True)
    )
    county = towns[0].code[:6]
    coder = CreditCoder(county, Enterprise.objects.values_list("uscc", flat=True))
    names = set(Enterprise.objects.values_list("name", flat=True))
    lists = excel.TemplateLists(
        towns=[town.name for town in towns], parks=[park.name for park in parks]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(excel.build_template(excel.ENTERPRISES, lists)))
    sheet = workbook[excel.ENTERPRISE_SHEET]
    headers = [str(cell.value) for cell in sheet[1]]
    scales = excel.choice_labels("scale")
    statuses = excel.choice_labels("status")
    words = (
        "恒泰 鑫源 宏达 金盛 华宇 德润 众诚 瑞丰 永盛 天成 博远 嘉禾 汇通 兴业 中元 联创".split()
    )
    trades = "机械 纺织 食品 化工 电子 建材 木业 新材料 生物 汽配 家具 塑业".split()
    for i in range(rows):
        while True:
            name = (
                f"宁津县{rng.choice(words)}{rng.choice(words)}{rng.choice(trades)}"
                f"有限公司第{i:05d}分厂"
            )
            if name not in names:
                names.add(name)
                break
        park = rng.choice(parks) if rng.random() < 0.3 else None
        town_code = park.town_region_id if park else rng.choice(towns).code
        founded = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
        values = {
            "统一社会信用代码": coder.make(rng),
            "企业名称": name,
            "曾用名": f"宁津{rng.choice(words)}厂" if rng.random() < 0.1 else None,
            "法定代表人": rng.choice("张王李赵刘陈杨黄") + rng.choice(("伟", "芳", "强", "静")),
            "成立日期": founded,
            "所在乡镇": town_names[town_code],
            "所在园区": park.name if park else None,
            "地址": f"{town_names[town_code]}{rng.randrange(1, 300)}号",
            "经度": round(116.6 + rng.random() * 0.4, 6),
            "纬度": round(37.5 + rng.random() * 0.3, 6),
            "行业代码": rng.choice(industries),
            "规模": rng.choice(scales),
            "状态": statuses[0] if rng.random() < 0.95 else rng.choice(statuses),
            "联系人": rng.choice("张王李赵刘陈杨黄") + "经理",
            "联系电话": f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
        }
        sheet.append([values.get(header) for header in headers])
        if isinstance(values["成立日期"], dt.date):
            sheet.cell(
                row=sheet.max_row, column=headers.index("成立日期") + 1
            ).number_format = DATE_FORMAT
    workbook.save(path)


def read_with_openpyxl(path: Path) -> int:
    """The reference: openpyxl's read-only load of the file and every row's values."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    count = 0
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            count += 1
    workbook.close()
    return count


def dry_run(path: Path) -> Any:
    """Check every row and build the preview, as the upload page does."""
    from jinmu.core.models import User
    from jinmu.enterprises.imports import import_enterprises

    actor = User.objects.get(username=ACTOR)
    return import_enterprises(actor=actor, rows_or_file=path, dry_run=True)


def full_import(path: Path) -> str:
    """Import and audit a confirmed copy of the workbook as the worker does."""
    from jinmu.core.background import Progress
    from jinmu.core.background_imports import run_stored_import
    from jinmu.core.models import User
    from jinmu.enterprises.imports import import_enterprises

    class _Unrecorded(Progress):
        """Progress written nowhere: the benchmark has no task row."""

        def __call__(self, done: int, total: int) -> None:
            return None

    stored = HERE / "var" / "confirmed.xlsx"  # the worker deletes the file it imported
    stored.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, stored)
    actor = User.objects.get(username=ACTOR)
    return run_stored_import(
        progress=_Unrecorded(task_id=None),
        actor_id=actor.pk,
        path=str(stored),
        file_name=path.name,
        importer=lambda user, file: import_enterprises(
            actor=user, rows_or_file=file, dry_run=False
        ),
    )


Timings = dict[str, dict[str, list[float]]]  # case → "wall" / "cpu" → seconds per round


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of `work` (this process: Python and SQLite alike)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = work()
    return time.perf_counter() - wall, time.process_time() - cpu, outcome


def measure(path: Path, rows: int, rounds: int) -> Timings:
    """Seconds of each case, round after round (the cases in alternation)."""
    from jinmu.enterprises.models import Enterprise

    timings: Timings = {
        case: {"wall": [], "cpu": []} for case in ("openpyxl read", "dry run", "import")
    }

    def record(case: str, wall: float, cpu: float) -> None:
        timings[case]["wall"].append(wall)
        timings[case]["cpu"].append(cpu)

    for number in range(rounds):
        _fresh_copy()
        before = Enterprise.objects.count()
        wall, cpu, count = _timed(lambda: read_with_openpyxl(path))
        assert count > rows, count
        record("openpyxl read", wall, cpu)
        wall, cpu, result = _timed(lambda: dry_run(path))
        if not result.ok or len(result.created) != rows:
            raise SystemExit(f"dry run: {result.error_lines()} ({len(result.created)} created)")
        record("dry run", wall, cpu)
        wall, cpu, summary = _timed(lambda: full_import(path))
        created = Enterprise.objects.count() - before
        if created != rows:
            raise SystemExit(f"import: {summary} ({created} created)")
        record("import", wall, cpu)
        print(
            f"round {number + 1}: "
            + ", ".join(
                f"{case} {values['wall'][-1]:.2f} s ({values['cpu'][-1]:.2f} s CPU)"
                for case, values in timings.items()
            ),
            file=sys.stderr,
        )
    return timings


def write_results(
    timings: Timings, rows: int, rounds: int, build: float | None, size: int, command: str
) -> list[str]:
    """The imports section of bench/RESULTS.md, as Markdown lines."""
    reference = {key: statistics.median(timings["openpyxl read"][key]) for key in ("wall", "cpu")}
    lines = [
        "## Enterprise import (bench/imports.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} by `{command}` on: {machine()}.",
        "",
        f"A {size / 1024 / 1024:.1f} MiB workbook made from the product's enterprise template "
        f"with {rows:,} new enterprises (valid unique credit codes, towns and parks, industry "
        "codes, dates, coordinates, labels), imported by the `industry` user into the demo "
        "county (SQLite). In this process, in alternation each round: openpyxl's read-only "
        "read of every row (the reference), the dry run (`import_enterprises(dry_run=True)`: "
        "every check and the preview's change list), and the confirmed import as the worker "
        "runs it (`run_stored_import`: written, audited, on a fresh copy of the database). "
        f"Medians over {rounds} rounds of the wall-clock time and of this process's CPU time "
        "(Python and SQLite alike; on a shared machine the wall clock also counts the time "
        "spent waiting for a core, so the goal — ≤ "
        f"{GOAL_RATIO:.0f}× openpyxl's read — is judged on the CPU time)."
        + (f" The demo database was built in {build:.0f} s." if build else ""),
        "",
        "| case | wall (s) | CPU (s) | × openpyxl, wall | × openpyxl, CPU | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for case, values in timings.items():
        wall, cpu = statistics.median(values["wall"]), statistics.median(values["cpu"])
        ratio = cpu / reference["cpu"]
        goal = (
            "reference"
            if case == "openpyxl read"
            else ("met" if ratio <= GOAL_RATIO else "NOT met")
        )
        lines.append(
            f"| {case} | {wall:.2f} | {cpu:.2f} | {wall / reference['wall']:.2f} | "
            f"{ratio:.2f} | {goal} |"
        )
    return [*lines, ""]


def main() -> None:
    """Prepare the database and workbook, measure, and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only, keep RESULTS.md")
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the product's code (another checkout)"
    )
    args = parser.parse_args()
    _setup(args.src)
    build = prepare_database()
    path = HERE / f"enterprises-{args.rows}.xlsx"
    if not path.exists():
        _fresh_copy()
        write_workbook(path, args.rows)
    timings = measure(path, args.rows, args.rounds)
    command = f"python bench/imports.py --rows {args.rows} --rounds {args.rounds}"
    if args.src != ROOT / "src":
        command += f" --src {args.src}"
    lines = write_results(timings, args.rows, args.rounds, build, path.stat().st_size, command)
    if not args.no_write:
        write_section("imports", lines)
    print("\n".join(lines))
    _fresh_copy()
    WORK.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Databases and environments of the over-the-wire benchmark (bench/wire.py).

A data set is a database (SQLite file or PostgreSQL database) with the demo county, optionally
grown with the generators of bench/run.py (enterprises: `build_demo(enterprises=N)`) and
bench/projects.py (projects with 50 weekly reports each), served with README's production
environment: `JINMU_PRODUCTION=true`, a `SECRET_KEY`, Redis as the cache, collected static files
under the data set's own `JINMU_VAR_DIR`, behind a TLS proxy (the load sends
`X-Forwarded-Proto: https`). Data sets are generated once into bench/data/wire/ (or the
`jinmu_bench_*` PostgreSQL databases) and kept; a kept one is only migrated.

    python bench/wire_data.py --generate large-sqlite --src /tmp/jinmu-head/src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "wire"
BIN = Path(sys.executable).parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
SECRET = "bench-wire-secret-key-not-for-production-0123456789abcdefghijklmnop"
WEEKS = 50


@dataclass(frozen=True)
class DataSet:
    """A database to serve: engine, size, and where it lives."""

    name: str
    engine: str  # "sqlite" or "postgres"
    enterprises: int
    projects: int  # 0: the demo's own projects

    @property
    def var_dir(self) -> Path:
        """The data set's JINMU_VAR_DIR (SQLite file, collected static files)."""
        return DATA / self.name

    @property
    def database_url(self) -> str:
        """DATABASE_URL of the product for this data set."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.var_dir / 'jinmu.sqlite3'}"
        return f"{PG}/jinmu_bench_{self.name.replace('-', '_')}"

    @property
    def bare_database_url(self) -> str:
        """DATABASE_URL of the bare page, on the same engine."""
        if self.engine == "sqlite":
            return f"sqlite:///{DATA / 'bare.sqlite3'}"
        return f"{PG}/jinmu_bench_bare"

    def describe(self) -> str:
        """One line for the results."""
        engine = "SQLite" if self.engine == "sqlite" else "PostgreSQL"
        if self.projects:
            size = f"{self.enterprises:,} enterprises, {self.projects:,} projects"
        else:
            size = "demo county (`jinmu demo`)"
        return f"{size}, {engine}"


SETS = {
    s.name: s
    for s in (
        DataSet("demo-sqlite", "sqlite", 3000, 0),
        DataSet("large-sqlite", "sqlite", 300_000, 50_000),
        DataSet("demo-pg", "postgres", 3000, 0),
        DataSet("large-pg", "postgres", 300_000, 50_000),
    )
}


def product_env(data: DataSet, src: Path, port: int) -> dict[str, str]:
    """README's production environment for the product, serving `src`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JINMU_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(src), str(ROOT)]),
        JINMU_PRODUCTION="true",
        DEBUG="false",
        SECRET_KEY=SECRET,
        DATABASE_URL=data.database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        REDIS_URL=REDIS,
        JINMU_VAR_DIR=str(data.var_dir),
        JINMU_BEHIND_TLS_PROXY="true",
        JINMU_TRUSTED_PROXIES="127.0.0.1",
        # A kept database outlives the 90-day password rule; the benchmark measures pages.
        JINMU_PASSWORD_MAX_AGE_DAYS="0",
        JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN="false",
        # wrk's many connections share one address: never pause sign-in for it.
        JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS="100000",
        LOG_LEVEL="WARNING",
    )
    return env


def bare_env(data: DataSet, src: Path) -> dict[str, str]:
    """Environment of the bare Django page (bench/http_bare), on the same engine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JINMU_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(src), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="bench.http_bare.settings",
        BARE_DATABASE_URL=data.bare_database_url,
    )
    return env


def _pg_create(url: str) -> bool:
    """Create the PostgreSQL database of `url` unless it exists; True when created."""
    import psycopg

    base, name = url.rsplit("/", 1)
    assert name.startswith("jinmu_bench"), name  # never another database (e.g. `test`)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if found:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def _exists(data: DataSet) -> bool:
    """Whether the data set was generated completely (a marker written at the end)."""
    return (data.var_dir / "generated.json").exists()


def prepare(data: DataSet, src: Path) -> None:
    """Generate the data set if it is new (else migrate it), collect static files, and build
    the bare page's table."""
    data.var_dir.mkdir(parents=True, exist_ok=True)
    env = product_env(data, src, 0)
    if data.engine == "postgres" and _pg_create(data.database_url):
        (data.var_dir / "generated.json").unlink(missing_ok=True)
    if not _exists(data):
        started = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "--generate", data.name, "--src", str(src)],
            env=env,
            check=True,
            cwd=ROOT,
        )
        print(f"{data.name}: generated in {time.monotonic() - started:.0f} s", file=sys.stderr)
    else:
        subprocess.run([str(BIN / "jinmu"), "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run(
        [str(BIN / "jinmu"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
    )
    benv = bare_env(data, src)
    if data.engine == "postgres":
        _pg_create(data.bare_database_url)
    subprocess.run([sys.executable, "-m", "bench.http_bare.fill"], env=benv, check=True, cwd=ROOT)


def generate(name: str) -> None:
    """In a child with the product's environment: migrate, load the demo, grow it, compute
    lights, refresh the planner's statistics; then mark the data set complete."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "jinmu.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jinmu.demo.build import build_demo
    from jinmu.projects.lights import refresh_lights

    data = SETS[name]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    build_demo(enterprises=data.enterprises)
    print(f"demo with {data.enterprises:,} enterprises: {time.monotonic() - started:.0f} s")
    if data.projects:
        from bench.projects import _generate_projects

        _generate_projects(data.projects, WEEKS)
    refresh_lights()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    (data.var_dir / "generated.json").write_text(json.dumps({"seconds": seconds}))


def main() -> None:
    """Generate (or migrate) one data set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generate", choices=sorted(SETS))
    parser.add_argument("--prepare", choices=sorted(SETS))
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    elif args.prepare:
        prepare(SETS[args.prepare], args.src.resolve())


if __name__ == "__main__":
    main()

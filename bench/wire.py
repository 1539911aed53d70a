#!/usr/bin/env python3
"""Over-the-wire benchmark: the product under gunicorn against a bare Django page, with wrk.

For each data set (bench/wire_data.py: the demo or large generated data, on SQLite or
PostgreSQL) two gunicorn servers run with README's production command and the same settings
(`gunicorn <app>.wsgi --workers 2 --bind 127.0.0.1:PORT`, sync workers): the product, with
README's production environment (`JINMU_PRODUCTION=true`, collected static files, WhiteNoise,
Redis cache; behind a TLS proxy, so the load sends `X-Forwarded-Proto: https`), and a bare
Django project (bench/http_bare: one template rendering 50 rows from one indexed query of
300,000). The script signs in as the demo's `industry` through the login form (CSRF round
trip) and gets an API token; pages are loaded with the session cookie, the API with the token.

wrk loads the bare page and the product's pages in alternation — bare, page 1, bare, page 2, …,
bare — for `--duration` seconds each at 8 and at 50 connections, over `--rounds` rounds; each
page's ratio is its requests/s over the mean of the bare runs just before and after it, and
each figure is the median over the rounds. CPU per request is the CPU time (user + system) of
the gunicorn workers from /proc/<pid>/stat over the run, divided by the requests answered.
Results are kept in bench/results/http.json (tracked, by `--label`, e.g. "before", and data
set, with the machine measured on) and written to the http section of bench/RESULTS.md;
`--report` only rewrites that section from the kept results.

    python bench/wire.py --data demo-sqlite --label before --src /tmp/jinmu-head/src
    make bench-http                     # the demo on SQLite with the working tree
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import machine  # noqa: E402
from bench.wire_data import BIN, SETS, DataSet, bare_env, prepare, product_env  # noqa: E402
from bench.wire_report import RAW, write_results  # noqa: E402

WRK = os.environ.get("WRK", "/usr/bin/wrk")
LUA = Path(__file__).resolve().parent / "wire.lua"
USERNAME = "industry"
PASSWORD = "Jinmu@demo2026"  # the demo's password (jinmu.demo.ningjin.DEMO_PASSWORD)
CONNECTIONS = (8, 50)
WORKERS = 2
BARE = "/bench/bare/"

# The ids of the detail pages, chosen in the product's own environment.
IDS_SCRIPT = """
import json, django
django.setup()
from django.db.models import Count
from django.utils import timezone
from jinmu.chains.models import Chain
from jinmu.enterprises.models import Enterprise
from jinmu.projects.models import Project
from jinmu.targets.models import Target
ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:3000])
project = (Project.objects.annotate(n=Count("milestones")).order_by("-n", "id").first())
target = Target.objects.get(parent=None, year=timezone.localdate().year,
                            indicator_id="high-tech-new")
print(json.dumps({"enterprise": ids[len(ids) // 2], "project": project.pk, "target": target.pk,
                  "chain": Chain.objects.get(name="健身器材").pk,
                  "year": timezone.localdate().year}))
"""


class Client:
    """A browser behind the TLS proxy: https forwarded, cookies kept by hand."""

    def __init__(self, base: str) -> None:
        """Talk to a server at `base` (http://127.0.0.1:PORT)."""
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, method: str, path: str, data: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        """One request; returns the status and the body."""
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("X-Forwarded-Proto", "https")
        if self.cookies:
            request.add_header("Cookie", self.cookie_header())
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response.status, body

    def cookie_header(self) -> str:
        """The Cookie header a browser would send."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Never follow a redirect: the caller looks at it."""


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """README's command: `gunicorn <app> --workers 2 --bind 127.0.0.1:PORT` (sync workers).
    Each server gets a control socket of its own, so that two masters do not share gunicorn's
    default path (request handling is unaffected)."""
    control = log.parent / f"{app}.ctl"
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                app,
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--control-socket",
                str(control),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a gunicorn started here (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_for(base: str, path: str, server: subprocess.Popen[bytes]) -> None:
    """Wait until the server answers `path` with a status."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            Client(base).request("GET", path)
            return
        except (ConnectionError, urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise SystemExit(f"{base} did not answer within two minutes")


def workers(master: int) -> list[int]:
    """The worker processes of a gunicorn master."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def sign_in(client: Client) -> str:
    """Sign in through the login form (CSRF round trip); return an API token."""
    status, body = client.request("GET", "/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None:
        raise SystemExit(f"/login/ answered {status} without a CSRF token")
    origin = client.base.replace("http://", "https://")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": USERNAME, "password": PASSWORD}
    ).encode()
    status, body = client.request(
        "POST",
        "/login/",
        form,
        Content_Type="application/x-www-form-urlencoded",
        Origin=origin,
        Referer=f"{origin}/login/",
    )
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"sign-in as {USERNAME} failed ({status}): {body[:300]!r}")
    api = Client(client.base)
    status, body = api.request(
        "POST",
        "/api/v1/auth/token/",
        json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
        Content_Type="application/json",
    )
    if status != 200:
        raise SystemExit(f"token endpoint answered {status}: {body[:300]!r}")
    return str(json.loads(body)["token"])


def api_lists(client: Client, token: str, year: int) -> list[str]:
    """Every GET endpoint of the API without a path parameter, from the schema."""
    status, body = client.request("GET", "/api/schema/?format=json", Authorization=f"Token {token}")
    if status != 200:
        raise SystemExit(f"/api/schema/ answered {status}")
    paths = []
    for path, operations in sorted(json.loads(body)["paths"].items()):
        operation = operations.get("get")
        if operation is None or "{" in path or not path.startswith("/api/v1/"):
            continue
        required = [
            p["name"]
            for p in operation.get("parameters", [])
            if p.get("in") == "query" and p.get("required")
        ]
        # The only required parameter is a year; the target list is asked for this year's.
        if required or path == "/api/v1/targets/":
            path += f"?year={year}"
        paths.append(path)
    return paths


def page_list(env: dict[str, str], client: Client, token: str) -> list[tuple[str, str]]:
    """(name, path) of every page to load: the issue's pages, then every API list."""
    out = subprocess.run(
        [sys.executable, "-c", IDS_SCRIPT],
        env={**env, "DJANGO_SETTINGS_MODULE": "jinmu.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    pages = [
        ("enterprise list", "/enterprises/"),
        ("project list", "/projects/"),
        ("target board", "/targets/"),
        ("portfolio board", "/projects/board/"),
        ("enterprise page", f"/enterprises/{ids['enterprise']}/"),
        ("project page", f"/projects/{ids['project']}/"),
        ("project plan (Gantt)", f"/projects/{ids['project']}/plan/"),
        ("target page (high-tech)", f"/targets/{ids['target']}/"),
        ("chain page (健身器材)", f"/chains/{ids['chain']}/"),
    ]
    pages += [(f"API {path}", path) for path in api_lists(client, token, ids["year"])]
    return pages


def run_wrk(base: str, path: str, connections: int, seconds: int, headers: list[str]) -> Any:
    """One wrk run; its summary (requests, errors, latency percentiles in ms)."""
    threads = min(connections, 2)
    args = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA)]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(
        [*args, base + path], capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("WIRE "))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if not result["p50"]:  # no request within wrk's timeout: no latencies to report
        result.update(p50=None, p95=None, p99=None)
    return result


def wait_idle(master: int, limit: float = 90) -> float:
    """Wait until the server's workers stop using CPU; return the seconds waited.

    When wrk stops, up to one request per connection is still queued at the server, and sync
    workers answer them to closed sockets: without this wait they would eat into the next run
    (at 50 connections, slow pages left several seconds of work behind)."""
    started = time.monotonic()
    pids = workers(master)
    previous = sum(cpu_seconds(pids).values())
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = sum(cpu_seconds(pids).values())
        if now - previous < 0.02:
            break
        previous = now
    return time.monotonic() - started


def measured(
    base: str, master: int, path: str, connections: int, seconds: int, headers: list[str]
) -> Any:
    """A wrk run with the CPU time the server's workers spent on it, from an idle server."""
    wait_idle(master)
    pids = workers(master)
    before = cpu_seconds(pids)
    result = run_wrk(base, path, connections, seconds, headers)
    after = cpu_seconds(pids)
    cpu = sum(after[p] - before[p] for p in pids if p in before and p in after)
    result["cpu_ms"] = cpu * 1000 / result["requests"] if result["requests"] else None
    result["workers_lost"] = len(set(pids) - set(after)) + len(set(workers(master)) - set(pids))
    return result


def load_rounds(
    servers: dict[str, Any], pages: list[tuple[str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    """Bare, page, bare, page, … at each connection count, `args.rounds` times."""
    runs: dict[str, dict[int, list[Any]]] = {
        name: {c: [] for c in CONNECTIONS} for name, _ in pages
    }
    runs["bare"] = {c: [] for c in CONNECTIONS}
    bare, app = servers["bare"], servers["app"]
    for number in range(args.rounds):
        for connections in CONNECTIONS:
            previous = measured(bare["base"], bare["master"], BARE, connections, args.duration, [])
            runs["bare"][connections].append(previous)
            for name, path in pages:
                headers = app["api_headers"] if path.startswith("/api/") else app["headers"]
                result = measured(
                    app["base"], app["master"], path, connections, args.duration, headers
                )
                following = measured(
                    bare["base"], bare["master"], BARE, connections, args.duration, []
                )
                runs["bare"][connections].append(following)
                result["bare_rps"] = (previous["rps"] + following["rps"]) / 2
                result["ratio"] = result["rps"] / result["bare_rps"]
                runs[name][connections].append(result)
                previous = following
                print(
                    f"round {number + 1}, c={connections}, {name}: {result['rps']:.1f} req/s "
                    f"(bare {result['bare_rps']:.0f}, ratio {result['ratio']:.3f})",
                    file=sys.stderr,
                    flush=True,
                )
    return runs


def summarise(runs: list[Any]) -> dict[str, Any]:
    """Medians over the rounds; errors summed."""

    def median(key: str) -> float | None:
        values = [r[key] for r in runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    keys = ("rps", "ratio", "bare_rps", "p50", "p95", "p99", "cpu_ms")
    out: dict[str, Any] = {key: median(key) for key in keys}
    out["timeouts"] = sum(r["timeout"] for r in runs)
    out["errors"] = sum(r["connect"] + r["read"] + r["write"] + r["status"] for r in runs)
    out["requests"] = sum(r["requests"] for r in runs)
    out["workers_lost"] = sum(r["workers_lost"] for r in runs)
    return out


def measure(data: DataSet, src: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Serve the data set and the bare page, load them alternately, return the medians."""
    log = data.var_dir / "gunicorn.log"
    app_port, bare_port = free_port(), free_port()
    env = product_env(data, src, app_port)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    app_server = start_server("jinmu.wsgi", env, app_port, log)
    bare_server = start_server("bench.http_bare.wsgi", bare_env(data, src), bare_port, log)
    try:
        app_base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        wait_for(app_base, "/login/", app_server)
        wait_for(bare_base, BARE, bare_server)
        client = Client(app_base)
        token = sign_in(client)
        pages = page_list(env, client, token)
        if args.pages:
            pages = [p for p in pages if any(word in p[0] for word in args.pages)]
        forwarded = "X-Forwarded-Proto: https"
        api_client = Client(app_base)
        sizes: dict[str, int] = {}
        for name, path in pages:  # every page answers 200; its size; warm both workers
            for _ in range(4):
                if path.startswith("/api/"):
                    status, body = api_client.request("GET", path, Authorization=f"Token {token}")
                else:
                    status, body = client.request("GET", path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
            sizes[name] = len(body)
        status, body = Client(bare_base).request("GET", BARE)
        sizes["bare"] = len(body)
        servers = {
            "app": {
                "base": app_base,
                "master": app_server.pid,
                "headers": [forwarded, f"Cookie: {client.cookie_header()}"],
                "api_headers": [forwarded, f"Authorization: Token {token}"],
            },
            "bare": {"base": bare_base, "master": bare_server.pid},
        }
        runs = load_rounds(servers, pages, args)
        rss = _worker_rss(app_server.pid)
    finally:
        stop_server(app_server)
        stop_server(bare_server)
    rows = [{"name": "bare Django page", "path": BARE, "bytes": sizes["bare"], "bare": True}]
    rows += [{"name": name, "path": path, "bytes": sizes[name]} for name, path in pages]
    for row in rows:
        key = "bare" if row.get("bare") else row["name"]
        row["by_connections"] = {str(c): summarise(runs[key][c]) for c in CONNECTIONS}
    return {
        "data": data.name,
        "describe": data.describe(),
        "machine": machine(),
        "src": str(src),
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "duration": args.duration,
        "rounds": args.rounds,
        "worker_rss_mib": rss,
        "rows": rows,
    }


def _worker_rss(master: int) -> list[float]:
    """Resident memory of each worker after the load, in MiB."""
    sizes = []
    for pid in workers(master):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def main() -> None:
    """Prepare each data set, measure it, keep the figures and write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", nargs="+", choices=sorted(SETS), default=["demo-sqlite"])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="source tree to serve")
    parser.add_argument("--label", default="current", help="e.g. before, after")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", nargs="*", help="only pages whose name has one of these")
    parser.add_argument("--report", action="store_true", help="rewrite RESULTS.md only")
    args = parser.parse_args()
    if not args.report:
        src = args.src.resolve()
        check = subprocess.run(
            [sys.executable, "-c", "import jinmu; print(jinmu.__file__)"],
            env=product_env(SETS[args.data[0]], src, 0),
            capture_output=True,
            text=True,
            check=True,
        )
        if not check.stdout.strip().startswith(str(src)):
            raise SystemExit(f"jinmu comes from {check.stdout.strip()}, not {src}")
        raw = json.loads(RAW.read_text()) if RAW.exists() else {}
        for name in args.data:
            prepare(SETS[name], src)
            result = measure(SETS[name], src, args)
            raw.setdefault(args.label, {})[name] = result
            RAW.parent.mkdir(parents=True, exist_ok=True)
            RAW.write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n")
    write_results(json.loads(RAW.read_text()))


if __name__ == "__main__":
    main()

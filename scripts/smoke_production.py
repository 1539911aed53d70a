#!/usr/bin/env python3
"""Production smoke test: start Jinmu exactly as README's production section says and use it.

Run by `.ci/run` after the browser tests (`.venv/bin/python scripts/smoke_production.py`):
a fresh PostgreSQL database (`jinmu_smoke`, dropped and re-created each run), Redis as the cache
(a database number of its own, flushed before and after), `JINMU_PRODUCTION=true`, `jinmu migrate`,
`jinmu collectstatic`, the demo county as data, then gunicorn with two workers on a free port.
Over HTTP it signs in through the login form with a real CSRF round-trip as a non-administrator
demo user, gets an API token, loads each main page, a static file and every API list with 200,
and checks the security headers. The page's stylesheets and scripts must carry content-hashed
names, be cached for at least a year and come gzipped to a client that accepts it. The worker
(`jinmu run_huey`, README's second service) runs beside gunicorn on the Redis queue: a
background task (recomputing the county's lights) is queued and its progress page, served by
gunicorn, must show it done. Gunicorn, the worker, the database, the Redis keys and the
temporary folder are removed afterwards, also on failure.

TLS is the county proxy's job (README): the script plays the proxy by sending
`X-Forwarded-Proto: https` with `JINMU_BEHIND_TLS_PROXY=true`. The cookies are `Secure`, which a
real client would not send back over plain http, so the script keeps its own cookie jar (what
the browser holds behind the TLS proxy) and checks the flags on every `Set-Cookie`.

Only the standard library and packages of the project's venv (psycopg, redis) are used.
Environment: SMOKE_PG (default postgres://postgres@127.0.0.1:5432), SMOKE_REDIS (default
redis://127.0.0.1:6379/13), SMOKE_USER / SMOKE_PASSWORD (default the demo's `industry`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "jinmu_smoke"
REDIS_URL = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/13")
USERNAME = os.environ.get("SMOKE_USER", "industry")
PASSWORD = os.environ.get("SMOKE_PASSWORD", "Jinmu@demo2026")
DEMO_ENTERPRISES = int(os.environ.get("SMOKE_ENTERPRISES", "3000"))
PAGES = [
    "/",
    "/enterprises/",
    "/chains/",
    "/projects/",
    "/projects/board/",
    "/targets/",
    "/problems/",
    "/account/",
    "/api/docs/",
]
STATIC = ["/static/jinmu/jinmu.css", "/static/vendor/alpine/alpine-csp.min.js"]
# A collected file's name with the manifest's content hash: jinmu.2db335cfd9d2.css
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js)$")
ONE_YEAR = 365 * 24 * 3600


class SmokeError(Exception):
    """A check failed."""


def step(message: str) -> None:
    """Print a progress line."""
    print(f"-- {message}", flush=True)


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recreate_database() -> None:
    """Drop and create the smoke database (trust auth as the postgres user)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    """Remove the smoke database."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def flush_redis() -> None:
    """Empty the smoke's own Redis database."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def jinmu(env: dict[str, str], *args: str) -> float:
    """Run a `jinmu` management command with the production environment; return its seconds."""
    started = time.monotonic()
    result = subprocess.run(
        [str(BIN / "jinmu"), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SmokeError(f"jinmu {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - started


class Client:
    """A browser behind the county's TLS proxy: https forwarded, cookies kept by hand."""

    def __init__(self, base: str) -> None:
        """Talk to gunicorn at `base` (http://127.0.0.1:PORT)."""
        self.base = base
        self.host = urllib.parse.urlsplit(base).netloc
        self.origin = f"https://{self.host}"
        self.cookies: dict[str, str] = {}
        self.set_cookie_lines: list[str] = []
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        proxied: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; returns status, headers (lower-case names) and body."""
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if proxied:
            request.add_header("X-Forwarded-Proto", "https")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        lines = response.headers.get_all("Set-Cookie") or []
        for line in lines:
            self.set_cookie_lines.append(line)
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        found = {name.lower(): value for name, value in response.headers.items()}
        return response.status, found, body

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        """GET a path."""
        return self.request("GET", path, headers=headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them (the checks look at them)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Never follow."""


def expect(condition: bool, message: str) -> None:
    """Fail the smoke with a message."""
    if not condition:
        raise SmokeError(message)


def wait_for(client: Client, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until gunicorn answers the login page."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeError(f"gunicorn exited with {server.returncode}")
        try:
            status, _headers, _body = client.get("/login/")
            if status == 200:
                return
        except (ConnectionError, urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SmokeError("gunicorn did not answer within a minute")


def sign_in(client: Client) -> None:
    """The login form with its CSRF token, as a browser posts it."""
    status, _headers, body = client.get("/login/")
    expect(status == 200, f"/login/ answered {status}")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    expect(match is not None, "no CSRF token in the login form")
    assert match is not None
    expect("csrftoken" in client.cookies, "no csrftoken cookie with the login form")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": match.group(1).decode(),
            "username": USERNAME,
            "password": PASSWORD,
        }
    ).encode()
    status, headers, body = client.request(
        "POST",
        "/login/",
        data=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": client.origin,
            "Referer": f"{client.origin}/login/",
        },
    )
    expect(
        status == 302 and "sessionid" in client.cookies,
        f"sign-in as {USERNAME} failed ({status}): {body[:500]!r}",
    )
    step(f"signed in as {USERNAME} → {headers.get('location')}")


def check_security_headers(client: Client) -> None:
    """CSP, HSTS behind the TLS proxy, secure cookies, redirect of plain http."""
    status, headers, _body = client.get("/login/")
    policy = headers.get("content-security-policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'"):
        expect(directive in policy, f"CSP lacks {directive!r}: {policy!r}")
    expect("unsafe" not in policy, f"CSP allows unsafe sources: {policy!r}")
    hsts = headers.get("strict-transport-security", "")
    expect("max-age=" in hsts, f"no HSTS over https: {headers}")
    expect(headers.get("x-content-type-options") == "nosniff", "no X-Content-Type-Options")
    expect(headers.get("x-frame-options") == "DENY", "no X-Frame-Options: DENY")
    for line in client.set_cookie_lines:
        name = line.split("=", 1)[0]
        flags = line.lower()
        expect("; secure" in flags, f"cookie {name} is not Secure: {line}")
        if name == "sessionid":
            expect("; httponly" in flags, f"session cookie is not HttpOnly: {line}")
    # Without the proxy's header the request is plain http: Django sends it to https.
    status, headers, _body = client.request("GET", "/login/", proxied=False)
    expect(
        status == 301 and headers.get("location", "").startswith("https://"),
        f"plain http was not redirected to https ({status})",
    )
    step(f"security headers: CSP, HSTS ({hsts}), secure cookies, http → https")


def check_static_files(client: Client) -> None:
    """Stylesheets and scripts of a page: hashed names, cached a year or more, gzip on demand."""
    status, _headers, body = client.get("/")
    expect(status == 200, f"/ answered {status}")
    page = body.decode()
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    urls += re.findall(r'<script[^>]* src="([^"]+)"', page)
    expect(any(u.endswith(".css") for u in urls), f"no stylesheet on /: {urls}")
    expect(any(u.endswith(".js") for u in urls), f"no script on /: {urls}")
    unhashed = [url for url in urls if not HASHED.match(url)]
    expect(unhashed == [], f"static URLs without a content hash: {unhashed}")
    for url in urls:
        status, headers, plain = client.get(url)
        expect(status == 200, f"{url} answered {status}")
        control = headers.get("cache-control", "")
        match = re.search(r"max-age=(\d+)", control)
        expect(
            match is not None and int(match.group(1)) >= ONE_YEAR,
            f"{url} is not cached for a year: Cache-Control {control!r}",
        )
        status, headers, packed = client.get(url, **{"Accept-Encoding": "gzip"})
        expect(
            status == 200 and headers.get("content-encoding") == "gzip",
            f"{url} with Accept-Encoding: gzip came as {headers.get('content-encoding')!r}",
        )
        expect(gzip.decompress(packed) == plain, f"{url}: the gzip copy differs from the file")
    step(f"{len(urls)} stylesheets and scripts of /: hashed, cached a year ({control}), gzip")


def api_lists(client: Client, token: str) -> list[str]:
    """Every GET endpoint of the API without a path parameter, from the schema."""
    status, _headers, body = client.get(
        "/api/schema/?format=json", Authorization=f"Token {token}", Accept="application/json"
    )
    expect(status == 200, f"/api/schema/ with a token answered {status}")
    schema = json.loads(body)
    year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year  # the county's year (TIME_ZONE)
    paths = []
    for path, operations in sorted(schema["paths"].items()):
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        query = {}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter.get("required"):
                expect(parameter["name"] == "year", f"{path}: unknown required {parameter}")
                query["year"] = str(year)
        paths.append(path + ("?" + urllib.parse.urlencode(query) if query else ""))
    if "/api/v1/targets/" in paths:  # its year is optional; ask for this year's as README does
        paths[paths.index("/api/v1/targets/")] = f"/api/v1/targets/?year={year}"
    return paths


def run(workdir: Path) -> None:
    """The whole smoke test (cleanup is the caller's)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JINMU_"))}
    env.update(
        JINMU_PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"{PG}/{DB_NAME}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        REDIS_URL=REDIS_URL,
        JINMU_VAR_DIR=str(workdir / "var"),
        JINMU_BEHIND_TLS_PROXY="true",
    )
    step(f"fresh database {DB_NAME}, Redis {REDIS_URL}, var {workdir / 'var'}")
    recreate_database()
    flush_redis()
    step(f"jinmu migrate: {jinmu(env, 'migrate', '--noinput'):.1f} s")
    step(f"jinmu collectstatic: {jinmu(env, 'collectstatic', '--noinput'):.1f} s")
    seconds = jinmu(env, "demo", "--enterprises", str(DEMO_ENTERPRISES))
    step(f"jinmu demo ({DEMO_ENTERPRISES} enterprises): {seconds:.1f} s")
    log = (workdir / "gunicorn.log").open("wb")
    # README: gunicorn jinmu.wsgi --workers N --bind 127.0.0.1:PORT
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "jinmu.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(BIN / "jinmu"), "run_huey", "--quiet"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = Client(f"http://127.0.0.1:{port}")
        wait_for(client, server)
        step(f"gunicorn (pid {server.pid}) answers on port {port}")
        sign_in(client)
        check_security_headers(client)
        check_static_files(client)
        for path in PAGES + STATIC:
            status, headers, body = client.get(path)
            expect(status == 200, f"{path} answered {status}: {body[:300]!r}")
            if path in PAGES:
                expect("content-security-policy" in headers, f"{path} has no CSP")
        step(f"{len(PAGES)} pages and {len(STATIC)} static files: 200")
        status, _headers, body = client.request(
            "POST",
            "/api/v1/auth/token/",
            data=json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        expect(status == 200, f"token endpoint answered {status}: {body[:500]!r}")
        token = json.loads(body)["token"]
        api = Client(client.base)  # no session: the token alone
        lists = api_lists(api, token)
        expect(len(lists) >= 10, f"only {len(lists)} API lists in the schema")
        for path in lists:
            status, _headers, body = api.get(path, Authorization=f"Token {token}")
            expect(status == 200, f"{path} answered {status}: {body[:300]!r}")
        step(f"{len(lists)} API lists with the token: 200")
        background_task(client, env, worker)
    finally:
        for process in (server, worker):
            stop(process)
        log.close()
    errors = [
        line
        for line in (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
        if "Traceback" in line or "ERROR" in line
    ]
    expect(errors == [], "gunicorn logged errors:\n" + "\n".join(errors))


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process group started by the smoke (gunicorn, the worker)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


QUEUE_TASK = """
from jinmu.core.background import start
from jinmu.core.models import Region, User
user = User.objects.get(username=%r)
county = Region.objects.get(code=user.region.county_code)
task = start(kind="projects.refresh_county_lights", actor=user, region=county,
             label="smoke", arguments={"county_code": county.code})
print(task.pk)
"""


def background_task(client: Client, env: dict[str, str], worker: subprocess.Popen[bytes]) -> None:
    """Queue a task on Redis for the signed-in user; the worker runs it and the task's page
    (through gunicorn) shows it done."""
    queued = subprocess.run(
        [str(BIN / "jinmu"), "shell", "-c", QUEUE_TASK % USERNAME],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    expect(queued.returncode == 0, f"queueing a task failed: {queued.stderr[-2000:]}")
    path = f"/tasks/{queued.stdout.strip().splitlines()[-1]}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        expect(worker.poll() is None, f"the worker exited with {worker.returncode}")
        status, _headers, body = client.get(path)
        expect(status == 200, f"{path} answered {status}")
        if b"hx-trigger" not in body:  # finished: the page stops polling
            expect(b"bg-green-lt" in body, f"the task did not succeed: {body[-1500:]!r}")
            step(f"background task done by the worker over Redis ({path})")
            return
        time.sleep(1)
    raise SmokeError(f"the worker did not finish {path} within two minutes")


def main() -> int:
    """Run, clean up always, and say how it went."""
    started = time.monotonic()
    # A CI timeout or Ctrl-C still cleans up: SIGTERM unwinds through the finally blocks.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="jinmu-smoke-"))
    try:
        run(workdir)
    except SmokeError as error:
        print(f"PRODUCTION SMOKE FAILED: {error}", file=sys.stderr)
        log = workdir / "gunicorn.log"
        if log.exists():
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        return 1
    finally:
        for cleanup in (drop_database, flush_redis):
            try:
                cleanup()
            except Exception as error:  # report and go on cleaning
                print(f"cleanup {cleanup.__name__}: {error}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"production smoke passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

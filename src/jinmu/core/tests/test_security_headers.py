"""Headers and settings: a CSP of our own origin only; `check --deploy` clean in production."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# What README's production section exports (the proxy header setting included).
PRODUCTION_ENV = {
    "JINMU_PRODUCTION": "true",
    "DATABASE_URL": "postgres://jinmu@127.0.0.1/jinmu",
    "ALLOWED_HOSTS": "jinmu.county.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://jinmu.county.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "JINMU_BEHIND_TLS_PROXY": "true",
}


def run_jinmu(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the `jinmu` command in a fresh process with production settings (not test settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JINMU_"))}
    env.update(PRODUCTION_ENV)
    env.update(
        DJANGO_SETTINGS_MODULE="jinmu.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        JINMU_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "jinmu", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    # given README's production settings
    # when
    result = run_jinmu(tmp_path, "check", "--deploy", "--fail-level", "DEBUG")
    # then no error, warning or note at all (HSTS, secure cookies, SSL redirect, secret key …)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def production_settings(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Security settings as production mode computes them."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, None)) for k in ("
        "'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE')}))"
    )
    result = run_jinmu(tmp_path, "shell", "-c", code, **extra)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_forwarded_proto_is_trusted_only_behind_a_declared_proxy(tmp_path: Path) -> None:
    # when the proxy setting is off, then any client could claim https: the header is ignored
    direct = production_settings(tmp_path, JINMU_BEHIND_TLS_PROXY="false")
    behind = production_settings(tmp_path)
    # then
    assert direct["SECURE_PROXY_SSL_HEADER"] == "None"
    assert direct["SECURE_SSL_REDIRECT"] == "False"  # redirecting would loop without the header
    assert behind["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert behind["SECURE_SSL_REDIRECT"] == "True"
    for values in (direct, behind):
        assert values["SESSION_COOKIE_SECURE"] == "True"
        assert values["CSRF_COOKIE_SECURE"] == "True"
        assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000


@pytest.mark.django_db
def test_every_page_sends_a_csp_of_our_own_origin(client: Any, world: Any) -> None:
    # given
    client.force_login(world.user("industry"))
    # when
    for url in ("/login/", "/", "/api/docs/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = {
            part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
        }
        # then
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        assert "unsafe" not in policy


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on (evaluated by htmx)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_carries_inline_script_or_style() -> None:
    # given every template of the product (the CSP refuses all of these)
    found = []
    for template in sorted(PACKAGE.rglob("templates/**/*.html")):
        text = re.sub(
            r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", template.read_text(), flags=re.S
        )
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(PACKAGE)}:{line}: {what}")
    # then
    assert found == []

"""Installs come from the lock files: every dependency of pyproject.toml is pinned there with
its hashes, and the environment running these tests holds exactly the locked versions."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;\\]+)")


def _name(requirement: str) -> str:
    """The normalised project name of a requirement string ('psycopg[binary]>=3' → psycopg)."""
    match = re.match(r"[A-Za-z0-9_.\-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _locked(path: Path) -> dict[str, str]:
    """name → version of every pin in a lock file, checking each pin carries a hash."""
    text = path.read_text(encoding="utf-8")
    pins: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if not match:
            continue
        assert "--hash=sha256:" in block, f"{path.name}: {match.group(1)} has no hash"
        pins[_name(match.group(1))] = match.group(3)
    return pins


def _declared() -> tuple[list[str], list[str]]:
    """The runtime and the dev dependencies named in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = [_name(r) for r in project["dependencies"]]
    dev = [_name(r) for r in project["optional-dependencies"]["dev"]]
    return runtime, dev


def test_every_dependency_is_pinned_with_hashes() -> None:
    """base.lock covers the runtime dependencies, dev.lock those and the tools."""
    runtime, dev = _declared()
    base, full = _locked(ROOT / "requirements/base.lock"), _locked(ROOT / "requirements/dev.lock")
    assert [name for name in runtime if name not in base] == []
    assert [name for name in runtime + dev if name not in full] == []
    # The production bundle is the same resolution as what CI tests.
    assert {name: version for name, version in full.items() if name in base} == base


def test_this_environment_is_the_locked_one() -> None:
    """What runs the suite was installed from dev.lock (no floating version slipped in)."""
    full = _locked(ROOT / "requirements/dev.lock")
    drift, checked = {}, 0
    for name, version in full.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-specific dependency this machine does not need
        checked += 1
        if installed != version:
            drift[name] = (installed, version)
    assert drift == {}
    assert checked > len(full) * 0.9

#!/usr/bin/env python3
"""Refresh the vendored front-end assets from the npm registry (run by hand, then commit).

Intranets have no internet, so every asset a page loads lives under
src/jinmu/static/vendor/. This script downloads the pinned package versions with `npm pack`,
copies the few files the pages use, and records name, version and integrity in
src/jinmu/static/vendor/VERSIONS.json. Usage: `python scripts/vendor.py [--latest]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "jinmu" / "static" / "vendor"

# package -> (pinned version, {file in package: destination under vendor/})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "@tabler/core": (
        "1.6.1",
        {
            "dist/css/tabler.min.css": "tabler/tabler.min.css",
            "dist/js/tabler.min.js": "tabler/tabler.min.js",
        },
    ),
    "htmx.org": ("2.0.8", {"dist/htmx.min.js": "htmx/htmx.min.js"}),
    # Alpine's CSP build: expressions are parsed, never eval'd (CSP script-src 'self').
    "@alpinejs/csp": ("3.17.4", {"dist/cdn.min.js": "alpine/alpine-csp.min.js"}),
    "echarts": ("6.1.0", {"dist/echarts.min.js": "echarts/echarts.min.js"}),
}


def pack(name: str, version: str, workdir: Path) -> tuple[Path, dict[str, str]]:
    """Download one package tarball with npm and return it with its metadata."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    info = json.loads(out.stdout)[0]
    return workdir / info["filename"], {"version": info["version"], "integrity": info["integrity"]}


def main() -> None:
    """Download, extract and record every package."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latest", action="store_true", help="take the newest release instead")
    args = parser.parse_args()
    record: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name, (pinned, files) in PACKAGES.items():
            tarball, meta = pack(name, "latest" if args.latest else pinned, workdir)
            with tarfile.open(tarball) as tar:
                for source, dest in files.items():
                    member = tar.extractfile(f"package/{source}")
                    if member is None:
                        raise SystemExit(f"{name}: {source} not in the package")
                    target = VENDOR / dest
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("wb") as fh:
                        shutil.copyfileobj(member, fh)
            record[name] = {**meta, "files": sorted(files.values())}
            print(f"{name} {meta['version']}")
    (VENDOR / "VERSIONS.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

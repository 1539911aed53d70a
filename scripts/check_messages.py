#!/usr/bin/env python3
"""Keep the zh-hans translation complete.

`--update` runs makemessages (adding new msgids to the .po) and compiles the .mo.
Without it, the check fails when a msgid in the code is missing from the .po, when an entry is
untranslated or fuzzy, or when the committed .mo does not match the .po.
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "jinmu"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORE = ["static/*", "*/migrations/*", "*/tests/*", "conftest.py", "settings_test.py"]


def makemessages() -> None:
    """Run Django's makemessages for zh_Hans in the package directory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinmu.settings_test"}
    args = [
        sys.executable,
        "-m",
        "django",
        "makemessages",
        "-l",
        "zh_Hans",
        "--no-location",
        "--no-obsolete",
    ]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    subprocess.run(args, cwd=PACKAGE, env=env, check=True, stdout=subprocess.DEVNULL)


def entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry, header excluded; plural forms joined."""
    result = []
    for block in re.split(r"\n\s*\n", po_text):
        if "msgid" not in block:
            continue
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", block, re.M))
        msgid = _field(block, "msgid")
        if msgid == "":
            continue
        msgstrs = [_field(block, name) for name in ("msgstr", "msgstr[0]")]
        msgstr = next((s for s in msgstrs if s), "")
        result.append((msgid, msgstr, fuzzy))
    return result


def _field(block: str, name: str) -> str:
    match = re.search(rf'^{re.escape(name)} ((?:".*"\n?)+)', block + "\n", re.M)
    if not match:
        return ""
    return "".join(re.findall(r'"(.*)"', match.group(1)))


def compile_mo() -> None:
    """Compile the .po with msgfmt."""
    subprocess.run(["msgfmt", "--check-format", "-o", str(MO), str(PO)], check=True)


def check() -> int:
    """Return the number of problems found (and print them)."""
    problems: list[str] = []
    original = PO.read_text(encoding="utf-8")
    backup = Path(tempfile.mkdtemp()) / "django.po"
    shutil.copy(PO, backup)
    try:
        makemessages()
        fresh = PO.read_text(encoding="utf-8")
    finally:
        shutil.copy(backup, PO)
    known = {e[0] for e in entries(original)}
    for msgid, _msgstr, _fuzzy in entries(fresh):
        if msgid not in known:
            problems.append(f"not in the .po (run `make messages`): {msgid!r}")
    for msgid, msgstr, fuzzy in entries(original):
        if fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not msgstr:
            problems.append(f"untranslated: {msgid!r}")
    with tempfile.TemporaryDirectory() as tmp:
        fresh_mo = Path(tmp) / "django.mo"
        subprocess.run(["msgfmt", "-o", str(fresh_mo), str(PO)], check=True)
        with fresh_mo.open("rb") as a, MO.open("rb") as b:
            if gettext.GNUTranslations(a)._catalog != gettext.GNUTranslations(b)._catalog:  # type: ignore[attr-defined]
                problems.append("django.mo is older than django.po (run `make messages`)")
    for problem in problems:
        print(problem)
    return len(problems)


def main() -> None:
    """Check, or update with --update."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    if args.update:
        PO.parent.mkdir(parents=True, exist_ok=True)
        makemessages()
        compile_mo()
        return
    count = check()
    if count:
        print(f"{count} translation problem(s).")
        sys.exit(1)
    print("Translations complete.")


if __name__ == "__main__":
    main()

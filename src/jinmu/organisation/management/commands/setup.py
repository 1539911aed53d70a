"""`jinmu setup`: the guided first start of a real county (no demo data)."""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinmu.organisation.setup import SetupError, county_problem, set_up_county

PASSWORD_ENV = "JINMU_ADMIN_PASSWORD"


class Command(BaseCommand):
    """Thin wrapper around `jinmu.organisation.setup.set_up_county`."""

    help = (
        "Set up a county: its region (with province and city), its towns from the official "
        "list, the leadership, the industry office and one unit per town, and the first "
        "security administrator. Runs once per county."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--county, --regions, --admin and the names and password options."""
        parser.add_argument("--county", required=True, help="County code, e.g. 371422.")
        parser.add_argument(
            "--regions",
            type=Path,
            help="The official list of divisions (text, CSV or .xlsx, lines “code name”): "
            "names of the county, its city and province, and its towns (9 or 12 digits).",
        )
        parser.add_argument("--county-name", default="", help="e.g. 宁津县 (without --regions).")
        parser.add_argument("--city-name", default="", help="e.g. 德州市 (without --regions).")
        parser.add_argument("--province-name", default="", help="e.g. 山东省 (without --regions).")
        parser.add_argument(
            "--admin", required=True, help="Username of the first security administrator."
        )
        parser.add_argument("--admin-name", default="", help="Their display name.")
        parser.add_argument(
            "--admin-password-file",
            type=Path,
            help=f"Read the password from this file (else ${PASSWORD_ENV}, else a prompt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Set the county up and say what was created and what comes next."""
        if problem := county_problem(options["county"].strip()):
            raise CommandError(problem)
        content = None
        if options["regions"] is not None:
            try:
                content = options["regions"].read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {options['regions']}: {error}") from error
        password = self._password(options)
        try:
            summary = set_up_county(
                county_code=options["county"],
                admin_username=options["admin"],
                admin_password=password,
                admin_display_name=options["admin_name"],
                regions_content=content,
                province_name=options["province_name"],
                city_name=options["city_name"],
                county_name=options["county_name"],
            )
        except SetupError as error:
            raise CommandError(str(error)) from error
        towns = [r for r in summary.regions if len(r.code) == 9]
        self.stdout.write(
            f"{summary.county.name} ({summary.county.code}) is set up. Regions created: "
            f"{len(summary.regions)} (towns and streets: {len(towns)}); units: "
            f"{len(summary.units)}; security administrator: {options['admin']}."
        )
        if not towns:
            self.stdout.write(
                "No towns were given: the security administrator imports the official list on "
                "/organisation/regions/import/ or adds them on /organisation/regions/new/."
            )
        self.stdout.write(
            "Next: sign in as the security administrator, create the units and users "
            "(/organisation/, or import them from Excel), then the industry office adds "
            "enterprises and projects."
        )

    def _password(self, options: dict[str, Any]) -> str:
        """From the file, the environment, or typed twice at a prompt."""
        if options["admin_password_file"] is not None:
            try:
                return str(options["admin_password_file"].read_text(encoding="utf-8")).strip()
            except OSError as error:
                raise CommandError(f"Cannot read the password file: {error}") from error
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not options.get("interactive", True) or not os.isatty(0):
            raise CommandError(
                f"Give the password with --admin-password-file or ${PASSWORD_ENV} "
                "when not at a terminal."
            )
        first = getpass.getpass("Password of the security administrator: ")
        if first != getpass.getpass("The same password again: "):
            raise CommandError("The two passwords differ; nothing was created.")
        return first

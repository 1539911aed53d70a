"""`jinmu refresh_lights [--date YYYY-MM-DD]`: the nightly recomputation of every light."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from jinmu.core.commands import day_option
from jinmu.projects.lights import refresh_lights_stats
from jinmu.projects.models import Project


class Command(BaseCommand):
    """Thin wrapper around `jinmu.projects.lights.refresh_lights_stats`."""

    help = (
        "Recompute the light of every project (or of one region) for a day, default today. "
        "Run nightly: the services refresh a light when its facts change, but time passing "
        "alone also changes lights (a start falls due, a milestone slips, a report is missed)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--date, --region."""
        parser.add_argument(
            "--date", help="Compute the lights as of this day (YYYY-MM-DD); default today."
        )
        parser.add_argument(
            "--region", help="Only projects whose region code starts with this prefix."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Refresh in batches and report how many projects were processed and changed."""
        day = day_option(options["date"])
        # The whole ledger as the nightly job runs it, or one region's projects.
        projects = Project.objects.in_region(options["region"]) if options["region"] else None
        started = time.monotonic()
        stats = refresh_lights_stats(projects, today=day)
        self.stdout.write(
            f"Lights as of {day.isoformat()}: {stats.processed} projects, "
            f"{stats.written} rewritten, {stats.changed} changed colour "
            f"in {time.monotonic() - started:.1f} s"
        )

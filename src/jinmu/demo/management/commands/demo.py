"""`jinmu demo`: load the demo county (Ningjin), or print its logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinmu.demo.build import (
    DEFAULT_ENTERPRISES,
    DEFAULT_SEED,
    build_demo,
    format_logins,
    has_enterprises,
)


class Command(BaseCommand):
    """Thin wrapper around `jinmu.demo.build_demo`."""

    help = (
        "Load the demo county: 宁津县 with its 12 towns, parks, offices, 7 chains and about 3,000 "
        "enterprises with figures and qualifications, plus demo logins (password Jinmu@demo2026)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--if-empty, --logins, --seed, --enterprises."""
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and say so) if any enterprise exists already.",
        )
        parser.add_argument(
            "--logins", action="store_true", help="Only print the table of demo logins."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed; the same seed gives the same data (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_ENTERPRISES,
            help=f"How many enterprises to generate (default {DEFAULT_ENTERPRISES}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Build the demo, or print the logins."""
        if options["logins"]:
            self.stdout.write(format_logins())
            return
        if options["enterprises"] < 1:
            raise CommandError("--enterprises must be at least 1.")
        if has_enterprises():
            if options["if_empty"]:
                self.stdout.write("Enterprises exist already: the demo data was not loaded again.")
                return
            raise CommandError(
                "The database already has enterprises. Use --if-empty to skip, or load the demo "
                "into an empty database."
            )
        summary = build_demo(seed=options["seed"], enterprises=options["enterprises"])
        gen = summary.generation
        self.stdout.write(
            f"Demo county loaded in {summary.seconds:.1f} s (seed {summary.seed}): "
            f"{gen.enterprises} enterprises ({gen.above_scale} above designated size), "
            f"{gen.figures} annual figures, {gen.qualifications} qualifications, "
            f"{gen.links} chain links."
        )
        for label, count in sorted(summary.created.items()):
            self.stdout.write(f"  {label}: {count}")

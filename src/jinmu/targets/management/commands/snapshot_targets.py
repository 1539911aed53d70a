"""`jinmu snapshot_targets [--month 2026-06]`: keep every target's progress at a month's end.

Run monthly (after the month closes); running it again for the same month overwrites that
month's rows, so it is safe to repeat.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.targets.models import Target, TargetSnapshot
from jinmu.targets.progress import evaluate_many

FOUR_PLACES = Decimal("0.0001")
# TargetSnapshot.progress holds at most 5 digits before the point.
PROGRESS_CAP = Decimal("99999.9999")


def month_end(text: str) -> dt.date:
    """Last day of a month written YYYY-MM."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = dt.date(year, month, 1)
    except ValueError as error:
        raise CommandError(_("Give the month as YYYY-MM, e.g. 2026-06.")) from error
    return first.replace(day=monthrange(first.year, first.month)[1])


def previous_month_end(today: dt.date) -> dt.date:
    """Last day of the month before `today`'s (the month a monthly job closes)."""
    return today.replace(day=1) - dt.timedelta(days=1)


def _four(value: Decimal | None) -> Decimal | None:
    """Rounded to the snapshot's four decimal places."""
    return None if value is None else value.quantize(FOUR_PLACES)


def take_snapshots(on: dt.date) -> int:
    """Write the snapshot at `on` of every target of that year; returns how many."""
    targets = list(
        Target.objects.filter(year=on.year).select_related(
            "indicator", "region", "responsible_unit"
        )
    )
    results = evaluate_many(targets, on, with_items=False)
    with transaction.atomic():
        for target in targets:
            result = results[target.pk]
            progress = None if result.progress is None else min(result.progress, PROGRESS_CAP)
            TargetSnapshot.objects.update_or_create(
                target=target,
                month=on,
                defaults={
                    "measured": _four(result.measured),
                    "expected": result.expected.quantize(FOUR_PLACES),
                    "progress": _four(progress),
                    "status": result.status,
                    "forecast": _four(result.forecast),
                },
            )
    return len(targets)


class Command(BaseCommand):
    """Snapshot every target of the month's year at the month's end."""

    help = "Write TargetSnapshot rows for every target at a month's end (default: last month)."

    def add_arguments(self, parser: CommandParser) -> None:
        """`--month YYYY-MM`."""
        parser.add_argument("--month", help="YYYY-MM; default: the month before this one")

    def handle(self, *args: Any, **options: Any) -> None:
        """Take the snapshots and say how many."""
        month = options.get("month")
        on = month_end(month) if month else previous_month_end(timezone.localdate())
        count = take_snapshots(on)
        self.stdout.write(
            _("{count} target snapshots written for {month}.").format(
                count=count, month=f"{on:%Y-%m}"
            )
        )

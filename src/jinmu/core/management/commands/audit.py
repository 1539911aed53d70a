"""`jinmu audit verify`: walk the audit log's hash chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jinmu.core.audit_chain import verify_chain


class Command(BaseCommand):
    """Check the audit log: OK with the number of rows, or the first broken link (exit 1)."""

    help = "Audit log tools. `verify`: check the hash chain from the first row to the last."

    def add_arguments(self, parser: CommandParser) -> None:
        """`verify` (the only action so far) and the batch size it reads with."""
        parser.add_argument("action", choices=("verify",))
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Rows read per batch (memory bound)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Verify; a broken chain is a CommandError (non-zero exit) naming the row."""
        report = verify_chain(chunk_size=max(1, options["chunk_size"]))
        if report.ok:
            self.stdout.write(f"OK: audit chain intact, {report.checked} rows verified.")
            return
        if report.broken_id is None:
            raise CommandError(
                f"Audit chain broken after {report.checked} intact rows: {report.problem}."
            )
        when = (
            timezone.localtime(report.broken_time).isoformat(timespec="seconds")
            if report.broken_time is not None
            else "?"
        )
        raise CommandError(
            f"Audit chain broken at row {report.broken_id} ({when}), after {report.checked} "
            f"intact rows: {report.problem}."
        )

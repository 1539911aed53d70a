"""`jinmu jobs run [--date YYYY-MM-DD] [--only NAME]` and `jinmu jobs list`: the periodic jobs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jinmu.core.commands import day_option
from jinmu.core.jobs import registered, run_due
from jinmu.core.models import JobRun


class Command(BaseCommand):
    """Run the due periodic jobs (from cron), or list them with their last run."""

    help = "Run the periodic jobs that are due (run it from cron), or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        """`run` or `list`; --date and --only for `run`."""
        parser.add_argument("action", choices=("run", "list"))
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--only", action="append", default=[], help="Only this job.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Dispatch."""
        if options["action"] == "list":
            self._list()
            return
        day = day_option(options["date"])
        if day > timezone.localdate():
            raise CommandError(
                f"{day.isoformat()} has not come yet: running for it would mark its "
                "periods done before they are."
            )
        known = {job.name for job in registered()}
        unknown = sorted(set(options["only"]) - known)
        if unknown:
            raise CommandError(f"No such job: {', '.join(unknown)} (jobs: {', '.join(known)}).")
        failed = 0
        for outcome in run_due(day, only=options["only"]):
            if not outcome.ran:
                self.stdout.write(f"{outcome.job.name} {outcome.period}: already done")
            elif outcome.succeeded:
                self.stdout.write(f"{outcome.job.name} {outcome.period}: {outcome.output}")
            else:
                failed += 1
                self.stderr.write(f"{outcome.job.name} {outcome.period} failed:\n{outcome.output}")
        if failed:
            raise CommandError(f"{failed} job(s) failed; they run again next time.")

    def _list(self) -> None:
        """Each job with its cadence and last successful run."""
        for job in registered():
            last = JobRun.objects.filter(name=job.name, succeeded=True).first()
            when = f"{last.period} ({last.finished_at:%Y-%m-%d %H:%M})" if last else "never"
            self.stdout.write(f"{job.name} [{job.cadence}] last: {when} — {job.description}")

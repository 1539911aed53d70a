"""`jinmu report weekly`: write the weekly bulletin (周调度通报) of a county as Word or Excel.

jinmu report weekly --week 2026-W48 --out 通报.docx [--region 371422] [--format docx|xlsx]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction, RegionLevel
from jinmu.core.commands import Actions, ActionsCommand
from jinmu.core.models import Region
from jinmu.projects import weeks
from jinmu.projects.bulletin import check_week, weekly_bulletin, write_docx, write_xlsx

FORMATS = ("docx", "xlsx")


class Command(ActionsCommand):
    """Reports generated from the ledger; `weekly` is the 周调度通报."""

    help = "Generate a report from the project ledger (weekly: the weekly scheduling bulletin)."

    action_dest = "report"
    action_metavar = "REPORT"

    def add_actions(self, actions: Actions) -> None:
        """`report weekly` with its options."""
        weekly = actions.add_parser(
            "weekly", help="The weekly scheduling bulletin (周调度通报) of a county."
        )
        weekly.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: the current week).")
        weekly.add_argument("--out", required=True, help="File to write (.docx or .xlsx).")
        weekly.add_argument(
            "--region",
            help="Division code of the county (default: the only county in the database).",
        )
        weekly.add_argument(
            "--format",
            choices=FORMATS,
            help="docx or xlsx (default: from the suffix of --out).",
        )

    def run_weekly(self, options: dict[str, Any]) -> None:
        """The weekly bulletin of a county, written to --out and audited."""
        out = Path(options["out"])
        fmt = options.get("format") or out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(
                f"Cannot tell the format from “{out}”: name it .docx or .xlsx, or give "
                "--format docx|xlsx."
            )
        today = timezone.localdate()
        try:
            monday = (
                weeks.parse_iso_week(options["week"])
                if options.get("week")
                else weeks.monday_of(today)
            )
            check_week(monday, today=today)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        region = self._region(options.get("region"))
        try:
            bulletin = weekly_bulletin(region_code=region.code, week=monday, today=today)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        writer = write_docx if fmt == "docx" else write_xlsx
        try:
            writer(bulletin, out)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}") from error
        # The bulletin left the system from the command line: a system event, no request.
        record_event(
            action=AuditAction.EXPORT,
            actor=None,
            actor_name="system",
            region_id=region.code,
            detail={
                "command": "jinmu report weekly",
                "week": bulletin.iso_label,
                "format": fmt,
                "file": str(out),
            },
        )
        self.stdout.write(
            f"Wrote {out} ({fmt}): {bulletin.region_name} {bulletin.iso_label}, "
            f"{bulletin.overall.monitored} projects under weekly scheduling, "
            f"{len(bulletin.red)} red, "
            f"{len(bulletin.yellow)} yellow, {bulletin.problem_count} unresolved problems, "
            f"{bulletin.missing_count} missing reports."
        )

    def _region(self, code: str | None) -> Region:
        """The region asked for, or the only county."""
        if code:
            region = Region.objects.filter(code=code.strip()).first()
            if region is None:
                raise CommandError(f"Unknown region code “{code}”.")
            return region
        counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
        if not counties:
            raise CommandError("No county in the database: load one first (e.g. jinmu demo).")
        if len(counties) > 1:
            codes = ", ".join(f"{c.code} {c.name}" for c in counties)
            raise CommandError(f"Several counties ({codes}): choose one with --region.")
        return counties[0]

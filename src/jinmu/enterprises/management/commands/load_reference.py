"""`jinmu load_reference`: (re)load GB/T 4754-2017 industry codes, qualification kinds and the
target indicator catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction

from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.enterprises.models import IndustryCode, QualificationKind
from jinmu.enterprises.reference import load_reference
from jinmu.targets.catalogue import load_catalogue
from jinmu.targets.models import Indicator


class Command(BaseCommand):
    """Idempotent: running it twice changes nothing the second time."""

    help = (
        "Load the reference data every deployment needs: industry codes (from "
        "enterprises/data/industry_codes.csv) and the kinds of qualifications."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load, audit what changed (one summarising row per table), report."""
        with transaction.atomic():
            result = load_reference()
            indicators_created, indicators_updated = load_catalogue(Indicator)
            # A system action, not a user's edit: one summarising audit row per table that
            # changed, rather than one row per code.
            changes = (
                (IndustryCode, result.industry_created, result.industry_updated),
                (QualificationKind, result.kinds_created, 0),
                (Indicator, indicators_created, indicators_updated),
            )
            for model, created, updated in changes:
                if not created and not updated:
                    continue
                AuditLog.objects.create(
                    actor=None,
                    actor_name="system",
                    action=AuditAction.CREATE if created else AuditAction.UPDATE,
                    content_type=ContentType.objects.get_for_model(model),
                    object_id="*",
                    object_repr=f"load_reference: {model._meta.object_name}"[:200],
                    after={"created": created, "updated": updated},
                )
        self.stdout.write(
            f"Industry codes: {result.industry_created} created, "
            f"{result.industry_updated} updated ({IndustryCode.objects.count()} in all). "
            f"Qualification kinds: {result.kinds_created} created "
            f"({QualificationKind.objects.count()} in all). "
            f"Target indicators: {indicators_created} created, {indicators_updated} updated "
            f"({Indicator.objects.count()} in all)."
        )

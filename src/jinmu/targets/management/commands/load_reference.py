"""`jinmu load_reference`: (re)load GB/T 4754-2017 industry codes, qualification kinds, the
target indicator catalogue and any missing role group.

It lives in targets, the highest of the apps whose reference data it loads (core's role groups,
enterprises' codes and kinds, targets' catalogue): an app may import only the apps below it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from jinmu.core.audit import record_system
from jinmu.core.choices import AuditAction
from jinmu.core.permissions import ensure_role_groups
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
            # A role whose group is missing gets it back with the default permissions; groups
            # the county has changed are left as they are.
            groups_created = ensure_role_groups()
            # A system action, not a user's edit: one summarising audit row per table that
            # changed, rather than one row per code.
            changes = (
                (IndustryCode, result.industry_created, result.industry_updated),
                (QualificationKind, result.kinds_created, 0),
                (Indicator, indicators_created, indicators_updated),
                (Group, groups_created, 0),
            )
            for model, created, updated in changes:
                if not created and not updated:
                    continue
                record_system(
                    action=AuditAction.CREATE if created else AuditAction.UPDATE,
                    model=model,
                    object_repr=f"load_reference: {model._meta.object_name}",
                    after={"created": created, "updated": updated},
                )
        self.stdout.write(
            f"Industry codes: {result.industry_created} created, "
            f"{result.industry_updated} updated ({IndustryCode.objects.count()} in all). "
            f"Qualification kinds: {result.kinds_created} created "
            f"({QualificationKind.objects.count()} in all). "
            f"Target indicators: {indicators_created} created, {indicators_updated} updated "
            f"({Indicator.objects.count()} in all). "
            f"Role groups: {groups_created} created."
        )

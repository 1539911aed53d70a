"""The indicator catalogue: loaded by the migration, reloaded idempotently by the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jinmu.targets.catalogue import CATALOGUE
from jinmu.targets.choices import IndicatorSource
from jinmu.targets.models import Indicator


@pytest.mark.django_db
def test_migration_loads_every_catalogue_entry() -> None:
    """Each row is there, measured ones with their query, reported ones without."""
    assert Indicator.objects.count() == len(CATALOGUE)
    for indicator in Indicator.objects.all():
        indicator.full_clean()
        assert bool(indicator.measure) == (indicator.source == IndicatorSource.MEASURED)


@pytest.mark.django_db
def test_load_reference_restores_a_changed_entry_and_is_idempotent() -> None:
    """A row changed by hand is brought back; a second run changes nothing."""
    Indicator.objects.filter(code="high-tech-new").update(unit="个")
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "Target indicators: 0 created, 1 updated" in out.getvalue()
    assert Indicator.objects.get(code="high-tech-new").unit == "家"
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "Target indicators: 0 created, 0 updated" in out.getvalue()

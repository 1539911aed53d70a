"""The ledger settings page: defaults shown, county row created, thresholds checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jinmu.projects.models import LedgerSettings, settings_for


def _post(client: Client, **changes: Any) -> Any:
    page = client.get(reverse("projects:settings"))
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "attraction_excluded":
            data[name] = value or []
        elif value is not None:
            data[name] = value
    data.update(changes)
    return client.post(reverse("projects:settings"), data)


@pytest.mark.django_db
def test_defaults_shown_then_saved_for_the_county(client: Client, world: Any) -> None:
    """The county starts on practice.md's defaults; saving stores its own row, money in 万元."""
    client.force_login(world.user("industry"))
    page = client.get(reverse("projects:settings"))
    assert page.status_code == 200
    assert page.context["inherited"]
    assert page.context["form"].initial["attraction_min_total"] == Decimal("1E+4")
    response = _post(client, schedule_yellow_points="12", attraction_min_total="20000")
    assert response.status_code == 302
    row = LedgerSettings.objects.get(region_id="371422")
    assert row.schedule_yellow_points == 12
    assert row.attraction_min_total == Decimal("200000000")
    # A town without its own row follows the county.
    assert settings_for("371422105").pk == row.pk


@pytest.mark.django_db
def test_red_below_yellow_is_refused_field_by_field(client: Client, world: Any) -> None:
    """A red threshold below the yellow one is an error on that field; nothing is stored."""
    client.force_login(world.user("industry"))
    response = _post(client, schedule_yellow_points="20", schedule_red_points="10")
    assert response.status_code == 400
    assert response.context["form"].errors["schedule_red_points"]
    assert not LedgerSettings.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["town_a", "enterprise", "department", "bank"])
def test_only_the_industry_office_and_leaders_change_settings(
    client: Client, world: Any, persona: str
) -> None:
    """Towns, departments, enterprises and banks get 403."""
    client.force_login(world.user(persona))
    assert client.get(reverse("projects:settings")).status_code == 403

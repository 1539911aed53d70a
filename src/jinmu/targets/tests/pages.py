"""Shared set-up of the target page tests (detail, edit, decomposition, reported values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from jinmu.enterprises.tests.factories import QualificationFactory, QualificationKindFactory
from jinmu.targets.models import Target
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory


def _login(client: Client, world: Any, persona: str) -> Any:
    user = world.user(persona)
    client.force_login(user)
    return user


def _html(response: Any) -> str:
    return str(response.content.decode())


def _high_tech(enterprise: Any, day: dt.date) -> None:
    """The enterprise is granted high-tech status on the day."""
    QualificationFactory(
        enterprise=enterprise, kind=QualificationKindFactory(code="high-tech"), granted_on=day
    )


def _county_target(**fields: Any) -> Target:
    """The county's 2026 goal of ≥30 new high-tech enterprises."""
    target: Target = TargetFactory(indicator=IndicatorFactory(code="high-tech-new"), **fields)
    return target


def _form_data(**overrides: Any) -> dict[str, Any]:
    """A valid target form: ≥30 new high-tech enterprises in 2026."""
    data: dict[str, Any] = {
        "indicator": "high-tech-new",
        "name": "国家级高新技术企业",
        "year": "2026",
        "period": "year",
        "value": "30",
        "bound": "at_least",
        "value_high": "",
        "unit": "家",
        "condition": "",
        "front": "innovation",
        "action": "",
        "responsible_unit": "",
        "chain": "",
        "additive": "on",
        "monthly_shares": "",
    }
    data.update(overrides)
    return data


def _parts_data(*rows: tuple[str, str] | None, extra: int = 0) -> dict[str, Any]:
    """A decomposition formset: (holder, value) per row, None for a blank row."""
    data: dict[str, Any] = {
        "parts-TOTAL_FORMS": str(len(rows) + extra),
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        holder, value = row or ("", "")
        data[f"parts-{index}-holder"] = holder
        data[f"parts-{index}-value"] = value
    return data

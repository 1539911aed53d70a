"""Serializers of the targets API: a target with its progress on a day."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jinmu.targets.progress import TargetProgress


def _decimal(source: str | None = None) -> serializers.DecimalField:
    """A read-only decimal rendered as a string with four places (the model's precision)."""
    extra: dict[str, Any] = {"source": source} if source else {}
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=4,
        coerce_to_string=True,
        read_only=True,
        allow_null=True,
        **extra,
    )


class TargetProgressSerializer(serializers.Serializer[TargetProgress]):
    """One target of the board: its goal, value and bound, and where it stands (measured,
    progress = measured / value, expected 序时 share 0–1, status and year-end forecast)."""

    id = serializers.IntegerField(source="target.pk", read_only=True)
    indicator = serializers.CharField(source="target.name", read_only=True)
    indicator_code = serializers.CharField(source="target.indicator_id", read_only=True)
    year = serializers.IntegerField(source="target.year", read_only=True)
    period = serializers.CharField(source="target.period", read_only=True)
    value = _decimal("target.value")
    bound = serializers.CharField(source="target.bound", read_only=True)
    value_high = _decimal("target.value_high")
    unit = serializers.CharField(source="target.unit", read_only=True)
    condition = serializers.CharField(source="target.condition", read_only=True)
    front = serializers.CharField(source="target.front", read_only=True)
    action = serializers.CharField(source="target.action", read_only=True)
    region = serializers.CharField(source="target.region_id", read_only=True)
    responsible_unit = serializers.IntegerField(
        source="target.responsible_unit_id", read_only=True, allow_null=True
    )
    responsible_unit_name = serializers.SerializerMethodField()
    chain = serializers.IntegerField(source="target.chain_id", read_only=True, allow_null=True)
    additive = serializers.BooleanField(source="target.additive", read_only=True)
    measured = _decimal()
    progress = _decimal()
    expected = _decimal()
    status = serializers.CharField(read_only=True)
    forecast = _decimal()
    version = serializers.IntegerField(source="target.version", read_only=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """Add `parent` here: as a class attribute it would shadow `Field.parent`."""
        fields = super().get_fields()
        fields["parent"] = serializers.IntegerField(
            source="target.parent_id", read_only=True, allow_null=True
        )
        return fields

    def get_responsible_unit_name(self, item: TargetProgress) -> str | None:
        """The responsible unit's name, for display."""
        unit = item.target.responsible_unit
        return unit.name if unit is not None else None

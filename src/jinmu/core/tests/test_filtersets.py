"""KeptFormFilterSet: each filterset has filters of its own, copied shallowly."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.http import QueryDict

from jinmu.core.filtersets import KeptFormFilterSet
from jinmu.core.models import Region
from jinmu.core.tests.factories import town


class RegionNames(KeptFormFilterSet):
    """Regions by a name fragment, through a method of the filterset (as the lists' `q`)."""

    q = django_filters.CharFilter(method="filter_q")
    level = django_filters.CharFilter()

    suffix = ""

    class Meta:
        model = Region
        fields: list[str] = []

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        """Names containing the value and this filterset's suffix."""
        return queryset.filter(name__contains=value + self.suffix)


@pytest.mark.django_db
def test_each_filterset_filters_through_its_own_filters() -> None:
    # given: two regions and two filtersets of one class, told apart by their suffix
    town("371422100", "大曹镇")
    town("371422101", "大柳镇")
    first = RegionNames(QueryDict("q=大"), queryset=Region.objects.all())
    second = RegionNames(QueryDict("q=大"), queryset=Region.objects.all())
    first.suffix, second.suffix = "曹", "柳"

    # when
    names = [set(f.qs.values_list("name", flat=True)) for f in (first, second)]

    # then: each method filter reached its own filterset; the class's filters are untouched
    assert names == [{"大曹镇"}, {"大柳镇"}]
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].parent is first
    assert second.filters["q"].parent is second
    assert not hasattr(RegionNames.base_filters["q"], "parent")
    assert first.filters["level"].field is not second.filters["level"].field

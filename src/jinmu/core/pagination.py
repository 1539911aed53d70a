"""Keyset pagination: constant cost on any page and no COUNT(*) over the table.

Pages are addressed by an opaque cursor (the sort key of the last row shown), so page 1 and a
deep page cost the same. The total is shown only up to a cap (`COUNT_CAP`), computed by counting
a LIMITed subquery, so a page load never counts the whole table.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q
from django.http import QueryDict
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

T = TypeVar("T", bound=models.Model)

COUNT_CAP = 1000


def encode_cursor(values: Sequence[Any]) -> str:
    """Opaque, URL-safe cursor from sort-key values."""
    raw = json.dumps(list(values), ensure_ascii=False, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    """Sort-key values from a cursor, or None if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    return values if isinstance(values, list) else None


def _after(fields: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in (fields…) order ('-field' sorts descending), as a Q.

    The OR-expansion alone (a > x OR (a = x AND b > y)) keeps databases from using the sort
    index as a range; the extra leading bound (a >= x) lets them start the index scan at the
    cursor, so a deep page costs what page 1 costs.
    """
    condition: Q | None = None
    for i, field in enumerate(fields):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        equal = {fields[j].lstrip("-"): values[j] for j in range(i)}
        step = Q(**equal, **{f"{name}__{lookup}": values[i]})
        condition = step if condition is None else condition | step
    assert condition is not None
    first = fields[0]
    bound = "lte" if first.startswith("-") else "gte"
    return Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & condition


@dataclass
class KeysetPage(Generic[T]):
    """One page of rows with the cursors around it."""

    rows: list[T]
    next_cursor: str | None
    is_first: bool
    total_capped: int
    cap: int = COUNT_CAP

    @property
    def total_display(self) -> str:
        """'1000+' when the cap was hit."""
        return f"{self.cap}+" if self.total_capped > self.cap else str(self.total_capped)


def paginate(
    queryset: models.QuerySet[T],
    *,
    order: Sequence[str],
    cursor: str | None,
    page_size: int,
    count: bool = True,
) -> KeysetPage[T]:
    """Return the page after `cursor` (or the first page) of `queryset` in `order`."""
    ordered = queryset.order_by(*order)
    is_first = True
    if cursor:
        values = decode_cursor(cursor)
        if values is not None and len(values) == len(order):
            ordered = ordered.filter(_after(order, values))
            is_first = False
    rows = list(ordered[: page_size + 1])
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([_attr(last, f.lstrip("-")) for f in order])
    page = KeysetPage(rows=rows, next_cursor=next_cursor, is_first=is_first, total_capped=0)
    if count:
        page.total_capped = capped_count(queryset, page)
    return page


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def page_url(query: QueryDict, cursor: str | None) -> str:
    """The current query string with the cursor replaced."""
    params = query.copy()
    params.pop("cursor", None)
    if cursor:
        params["cursor"] = cursor
    return "?" + urlencode(params, doseq=True) if params else "?"


def capped_count(queryset: models.QuerySet[Any], page: KeysetPage[Any] | None = None) -> int:
    """How many rows `queryset` has, counted only up to `COUNT_CAP` + 1 (a LIMITed subquery);
    not counted when `page`, its first page, holds them all."""
    if page is not None and page.is_first and page.next_cursor is None:
        return len(page.rows)
    return queryset.order_by()[: COUNT_CAP + 1].count()


def page_links(query: QueryDict, page: KeysetPage[Any]) -> dict[str, str | None]:
    """The links of a cursor-paged list: the next page (None on the last) and the first."""
    return {
        "next_url": page_url(query, page.next_cursor) if page.next_cursor else None,
        "first_url": page_url(query, None),
    }


class KeysetApiPagination(BasePagination):
    """API pagination with `results` and `next`, using the view's `keyset_order`."""

    page_size = 50
    max_page_size = 500
    page: KeysetPage[Any] | None = None
    request: Request | None = None

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        """Cut one page from the (already filtered and scoped) queryset."""
        self.request = request
        order = tuple(getattr(view, "keyset_order", ("pk",)))
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            size = self.page_size
        size = max(1, min(size, self.max_page_size))
        self.page = paginate(
            queryset,
            order=order,
            cursor=request.query_params.get("cursor"),
            page_size=size,
            count=False,
        )
        return list(self.page.rows)

    def get_paginated_response(self, data: Any) -> Response:
        """`{"next": url-or-null, "results": [...]}`."""
        assert self.page is not None
        assert self.request is not None
        next_url = None
        if self.page.next_cursor:
            params = self.request.query_params.copy()
            params["cursor"] = self.page.next_cursor
            next_url = self.request.build_absolute_uri(
                self.request.path + "?" + urlencode(params, doseq=True)
            )
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """OpenAPI shape of a page."""
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """Document `cursor` and `page_size`."""
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "schema": {"type": "string"},
                "description": "Opaque cursor from the previous page's `next`.",
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "schema": {"type": "integer", "maximum": self.max_page_size},
            },
        ]

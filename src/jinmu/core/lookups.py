"""Integer lookups that treat numbers beyond 64 bits as matching nothing.

Django already does so for `exact`, `gt`, `lt` … on integer fields; `in` and lookups through a
foreign key (`enterprise=…`, `enterprise_id__in=[…]`) pass the number to the database, where
SQLite raises OverflowError (a 500) for anything beyond 2^63. No row can hold such an id, so
the lookup is simply empty. Registered once for every model by `CoreConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def out_of_range(value: Any) -> bool:
    """True for an int no 64-bit integer column can hold."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not (INT64_MIN <= value <= INT64_MAX)
    )


class _InRange:
    """Drop out-of-range numbers from an `in` list (nothing left: an empty result)."""

    rhs: Any
    rhs_is_direct_value: Any

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set | frozenset):
            kept = [value for value in self.rhs if not out_of_range(value)]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)  # type: ignore[misc]


class IntegerIn(_InRange, In):
    """`in` on integer fields and primary keys."""


class RelatedInRange(_InRange, RelatedIn):
    """`in` through a foreign key."""


class RelatedExactInRange(RelatedExact):
    """`exact` through a foreign key."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value() and out_of_range(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    """Install the lookups (idempotent)."""
    models.IntegerField.register_lookup(IntegerIn)
    models.ForeignObject.register_lookup(RelatedInRange)
    models.ForeignObject.register_lookup(RelatedExactInRange)

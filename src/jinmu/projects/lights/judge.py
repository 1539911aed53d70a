"""Whether the nightly batch must rewrite a project's stored reasons, and what to write.

The batch compares the new reasons' JSON text with the stored text (`_Judge`), which decides
without decoding anything where the database keeps the text it was given (SQLite).
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from django.db import connections
from django.db.backends.base.operations import BaseDatabaseOperations

from jinmu.projects.models import Project


class _Judge:
    """Whether a project's new light differs from the stored one, and the reasons' value to
    write, decided from JSON text where the database keeps the text it was given.

    The reasons are stored as `json.dumps` wrote them (the JSON field's adaptation). Where the
    database keeps that text as is (SQLite), equal text means equal reasons and different text
    different reasons, so neither the stored reasons are decoded nor the new ones encoded twice;
    elsewhere (PostgreSQL's jsonb reorders keys) different text is decoded and compared, as the
    ORM would.
    """

    def __init__(self, using: str) -> None:
        self.connection = connections[using]
        self.field = Project._meta.get_field("light_reasons")
        self.verbatim = self.connection.vendor == "sqlite"
        # The text is the value to write only where the backend adapts JSON by `json.dumps`.
        self.text_is_value = (
            type(self.connection.ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value
        )
        # `json.dumps`'s own C encoder, built once rather than for each of a night's projects
        # (the same text: default separators, ASCII, no circular check on plain lists).
        self._encode = (
            c_make_encoder(
                None,
                json.JSONEncoder().default,
                encode_basestring_ascii,
                None,
                ": ",
                ", ",
                False,
                False,
                True,
            )
            if c_make_encoder is not None and self.field.encoder is None
            else None
        )

    def dumps(self, reasons: list[dict[str, Any]]) -> str:
        """The reasons' JSON text as the field would store it."""
        if self._encode is not None:
            return "".join(self._encode(reasons, 0))
        return json.dumps(reasons, cls=self.field.encoder)

    def same_reasons(
        self, stored_text: str | None, reasons: list[dict[str, Any]], text: str
    ) -> bool:
        """True when the stored reasons (as text) equal the new ones (`text` is their JSON)."""
        if stored_text == text:
            return True
        if self.verbatim or stored_text is None:
            return False
        return bool(
            self.field.from_db_value(stored_text, self.field.cached_col, self.connection) == reasons
        )

    def reasons_value(self, row: Any) -> Any:
        """The parameter that stores a row's new reasons."""
        if self.text_is_value:
            return row.reasons_text
        return self.field.get_db_prep_save(row.light_reasons, self.connection)

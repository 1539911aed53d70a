"""The problem pool's table, drawn by `tables/table.html` (`jinmu.core.tables`).

Its rows are the list view's dicts: `problem`, `overdue` and `days_overdue`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from jinmu.core.tables import Column, Table

CELLS = "problems/cells/"


def _row_attrs(row: Mapping[str, Any]) -> dict[str, Any]:
    """An overdue problem's row is red; every row names its problem (`data-problem`)."""
    return {
        "class": "problem-row table-danger" if row["overdue"] else "problem-row",
        "data-problem": row["problem"].pk,
    }


PROBLEMS = Table(
    columns=(
        Column(gettext_lazy("Problem"), template=CELLS + "title.html"),
        Column(gettext_lazy("Project / enterprise"), template=CELLS + "subject.html"),
        Column(gettext_lazy("Owner unit"), "problem.owner_unit.name", default="—"),
        Column(gettext_lazy("Due on"), template=CELLS + "due.html"),
        Column(gettext_lazy("Status"), template=CELLS + "status.html"),
    ),
    empty=gettext_lazy("No problems match."),
    title=gettext_lazy("%(n)s problems"),
    row_attrs=_row_attrs,
    mobile=True,
)

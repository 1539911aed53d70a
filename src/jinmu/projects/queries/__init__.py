"""Read aggregates of the project ledger, returned as dataclasses: the portfolio board
(`board`), the list pages (`lists`) and a project's record (`ledger`).

The board's names are re-exported here: the light writers and many callers use them.
"""

from __future__ import annotations

from jinmu.projects.queries.board import (
    BOARD_CACHE_SECONDS,
    BOARD_LIGHTS,
    DIMENSIONS,
    LIGHT_COLOURS,
    Board,
    BoardCell,
    BoardRow,
    BoardSection,
    LightCounts,
    bump_light_generation,
    kind_chart,
    light_counts,
    portfolio_board,
)

__all__ = [
    "BOARD_CACHE_SECONDS",
    "BOARD_LIGHTS",
    "DIMENSIONS",
    "LIGHT_COLOURS",
    "Board",
    "BoardCell",
    "BoardRow",
    "BoardSection",
    "LightCounts",
    "bump_light_generation",
    "kind_chart",
    "light_counts",
    "portfolio_board",
]

"""What a chain's page draws of its gap analysis alone (the gap counts, the map and the node
table), drawn once per state of the chain and kept beside the analysis.

Drawing those cost the chain page about a third of its time on every request (issue 11),
though they change only with the analysis. They are cached under the analysis' own key
(`jinmu.chains.gaps.gaps_key`, a digest of everything it reads, the chain's settings among
them), the chain's name, the language, and this process: a deployment, which may change the
templates or the translations, starts new processes and so draws anew. The analysis and the
drawing are read in one round trip.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jinmu.chains import tables
from jinmu.chains.chain_map import chain_map
from jinmu.chains.gaps import GAPS_CACHE_SECONDS, NodeGap, gap_counts, gaps_for_chains, gaps_key
from jinmu.chains.models import Chain

# Drawings of another process may come from other templates or translations (a deployment in
# progress); each process keeps its own.
_PROCESS = secrets.token_hex(8)


@dataclass(frozen=True)
class ChainOverview:
    """A chain's gap analysis with what its page draws of it alone."""

    gaps: list[NodeGap]
    counts: dict[str, int]
    map_data: dict[str, Any]
    html: SafeString


def chain_overview(chain: Chain) -> ChainOverview:
    """The gap analysis of a (scoped) chain, its counts, its map and their drawing
    (`chains/_chain_overview.html`): one query and one round trip to the shared cache when
    nothing changed."""
    key = gaps_key([chain])
    # The chain's name is drawn too: the analysis' key has its version, which a write past
    # the services (`update()`) leaves as it was.
    name = hashlib.sha256(chain.name.encode()).hexdigest()[:16]
    drawn_key = f"{key}:overview:{chain.pk}:{name}:{get_language()}:{_PROCESS}"
    found = cache.get_many([key, drawn_key])
    gaps = gaps_for_chains([chain], key=key, found=found.get(key))[chain.pk]
    counts = gap_counts(gaps)
    drawn: tuple[dict[str, Any], str] | None = found.get(drawn_key)
    if drawn is None:
        map_data = chain_map(chain, gaps)
        context = {
            "chain": chain,
            "counts": counts,
            "map_data": map_data,
            "nodes_table": tables.NODES.of(gaps),
        }
        drawn = (map_data, str(render_to_string("chains/_chain_overview.html", context)))
        cache.set(drawn_key, drawn, GAPS_CACHE_SECONDS)
    return ChainOverview(gaps=gaps, counts=counts, map_data=drawn[0], html=mark_safe(drawn[1]))

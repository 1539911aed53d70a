"""Template tags of the chain pages, drawn in Python: the items of a chain's enterprise lists
(each firm with the nodes it serves: through the template language the two lists of a chain
page, forty firms and their nodes, cost it about a millisecond and a half) and a node's gap
badges (as the node table draws them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jinmu.chains.gaps import NodeGap
from jinmu.chains.tables import flag_badges as _flag_badges

register = template.Library()


@register.filter
def flag_badges(gap: NodeGap) -> SafeString:
    """`{{ gap|flag_badges }}`: the node's gap flags as badges, or its single state."""
    return _flag_badges(gap)


def _node_link(node: Any, show_chain: bool) -> str:
    chain = f"{escape(node.chain.name)} · " if show_chain else ""
    return (
        f'{chain}<a class="text-secondary" href="{escape(node.get_absolute_url())}">'
        f"{escape(node.name)}</a>"
    )


@register.simple_tag
def enterprise_rows(rows: Iterable[Any], show_chain: bool = False) -> SafeString:
    """`{% enterprise_rows rows show_chain %}`: a list item per firm (a `ChainEnterpriseRow`),
    linked to its record, with the nodes it serves (each with its chain when `show_chain`)."""
    return mark_safe(
        "".join(
            '\n    <div class="list-group-item">\n'
            f'      <a href="{escape(row.enterprise.get_absolute_url())}">'
            f"{escape(row.enterprise.name)}</a>\n"
            '      <div class="small text-secondary">'
            f"{'、'.join(_node_link(node, bool(show_chain)) for node in row.nodes)}</div>\n"
            "    </div>\n    "
            for row in rows
        )
    )

"""Template tags of the chain pages, drawn in Python: the items of a chain's enterprise lists
(each firm with the nodes it serves: through the template language the two lists of a chain
page, forty firms and their nodes, cost it about a millisecond and a half), of its gaps and of
its partners (another millisecond), and a node's gap badges (as the node table draws them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from jinmu.chains.gaps import NodeGap
from jinmu.chains.tables import flag_badges as _flag_badges
from jinmu.core.markup import escape
from jinmu.enterprises.links import record_url

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


@register.simple_tag
def gap_items(gaps: Iterable[NodeGap]) -> SafeString:
    """`{% gap_items gaps %}`: a list item per gap, the node linked to its page over its
    segment and open bottlenecks, its gap badges on the right."""
    return mark_safe(
        "".join(
            '\n        <div class="list-group-item d-flex justify-content-between'
            ' align-items-start gap-2">\n          <div>\n'
            f'            <a href="{escape(gap.url)}">{escape(gap.node.name)}</a>\n'
            '            <div class="small text-secondary">'
            f"{escape(gap.node.get_segment_display())}"
            f"{''.join(f' · {escape(b.title)}' for b in gap.open_bottlenecks)}</div>\n"
            "          </div>\n"
            f'          <div class="text-nowrap">{_flag_badges(gap)}\n</div>\n'
            "        </div>\n        "
            for gap in gaps
        )
    )


def _partner_note(partner: Any) -> str:
    """The line under a partner: what it contributes and whom to call, if known."""
    if not (partner.role_description or partner.contact_name):
        return ""
    contact = (
        f" · {escape(partner.contact_name)} {escape(partner.contact_phone)}"
        if partner.contact_name
        else ""
    )
    return f'<div class="small text-secondary">{escape(partner.role_description)}{contact}</div>'


@register.simple_tag
def partner_items(partners: Iterable[Any], can_edit: bool = False) -> SafeString:
    """`{% partner_items partners can_edit %}`: a list item per `ChainPartner`, its kind as
    a badge before its name, an "Edit" link for editors, its contribution and contact."""
    edit = escape(gettext("Edit")) if can_edit else ""
    return mark_safe(
        "".join(
            '\n        <div class="list-group-item">\n'
            '          <div class="d-flex justify-content-between">\n'
            '            <span><span class="badge bg-azure-lt me-1">'
            f"{escape(partner.get_kind_display())}</span>{escape(partner.name)}</span>\n"
            "            "
            + (
                f'<a class="small" href="{escape(record_url("chains:partner_edit", partner.pk))}">'
                f"{edit}</a>"
                if can_edit
                else ""
            )
            + "\n          </div>\n"
            f"          {_partner_note(partner)}\n"
            "        </div>\n        "
            for partner in partners
        )
    )

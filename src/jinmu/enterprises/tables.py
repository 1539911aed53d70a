"""The enterprise register's table, drawn by `tables/table.html` (`jinmu.core.tables`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jinmu.core.tables import Column, Table
from jinmu.enterprises.models import Enterprise

CELLS = "enterprises/cells/"


def _place(enterprise: Enterprise) -> str:
    """The enterprise's town, and its park when it has one."""
    if enterprise.park:
        return f"{enterprise.region.name} · {enterprise.park.name}"
    return str(enterprise.region.name)


ENTERPRISES = Table(
    columns=(
        Column(gettext_lazy("Name"), "name", link=lambda enterprise: enterprise.get_absolute_url()),
        Column(gettext_lazy("Credit code"), "uscc", template="tables/cells/code.html"),
        Column(gettext_lazy("Town / park"), _place),
        Column(gettext_lazy("Industry"), template=CELLS + "industry.html"),
        Column(gettext_lazy("Scale"), template=CELLS + "scale.html"),
        Column(gettext_lazy("Status"), template=CELLS + "status.html"),
        Column(
            gettext_lazy("Latest revenue (10k yuan)"),
            template=CELLS + "revenue.html",
            css="num",
            head_css="text-end",
        ),
    ),
    empty=gettext_lazy("No enterprises match."),
    title=gettext_lazy("%(n)s enterprises"),
    # Export and import, for editors: in the swapped fragment, so the export carries the filters.
    actions_template="enterprises/_table_actions.html",
    mobile=True,
    hx_target="#enterprise-results",
)

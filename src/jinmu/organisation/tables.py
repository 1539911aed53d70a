"""The tables of the organisation lists (users, units, regions), drawn by `tables/table.html`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jinmu.core.tables import Column, Table, url

DASH = "—"
ACTIVE = Column(gettext_lazy("Status"), "is_active", template="tables/cells/active.html")

USERS = Table(
    id="users",
    columns=(
        Column(gettext_lazy("Username"), "username", link=url("organisation:user_edit", "pk")),
        Column(gettext_lazy("Name"), "display_name"),
        Column(gettext_lazy("Unit"), "unit", default=DASH),
        Column(gettext_lazy("Region"), "region", default=DASH),
        Column(gettext_lazy("Roles"), lambda account: "、".join(account.role_labels)),
        ACTIVE,
        Column(template="organisation/_user_actions.html", css="text-nowrap"),
    ),
    empty=gettext_lazy("No users."),
    total=gettext_lazy("%(n)s users"),
)
UNITS = Table(
    id="units",
    columns=(
        Column(gettext_lazy("Name"), template="organisation/_unit_name.html"),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Parent unit"), "parent", default=DASH),
        Column(gettext_lazy("Town"), "town_region", default=DASH),
        ACTIVE,
        Column(template="organisation/_unit_actions.html", css="text-nowrap"),
    ),
    empty=gettext_lazy("No units."),
    note=gettext_lazy("A unit in use is deactivated instead of deleted."),
)
REGIONS = Table(
    id="regions",
    columns=(
        Column(gettext_lazy("Code"), "code", template="tables/cells/code.html"),
        Column(gettext_lazy("Name"), template="organisation/_region_name.html"),
        Column(gettext_lazy("Level"), "get_level_display"),
        Column(gettext_lazy("Parent"), "parent", default=DASH),
    ),
    empty=gettext_lazy("No regions."),
)

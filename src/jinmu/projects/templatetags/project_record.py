"""Parts of a project's record drawn in Python: `{% project_facts project tags node_url %}`
(the facts every project has), `{% history_rows history %}` (its status changes) and
`{% year_plan_rows year_plans project can_edit %}` (its annual plans). Through the template
language each row's lookups, filters and translations cost the page a few tenths of a
millisecond (issue 11); the markup is the same, values shown as a template shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# What the template language does to a time before a filter that takes local times (the
# stubs do not know it).
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext

from jinmu.core.money import wan_text
from jinmu.projects.queries.ledger import ChangeRow, YearPlanRow
from jinmu.projects.templatetags.project_labels import iso_day, iso_minute

register = template.Library()

DASH = "—"


def _number(value: Any) -> str:
    """A number as a template shows it (grouped only when the settings say so)."""
    return str(value) if not settings.USE_THOUSAND_SEPARATOR else str(localize(value))


@register.simple_tag
def history_rows(history: Sequence[ChangeRow]) -> SafeString:
    """The list items of a record's status changes (latest first)."""
    system = gettext("system")
    recorded = gettext("recorded")
    parts = []
    for change in history:
        parts.append(
            format_html(
                '\n        <div class="list-group-item">'
                '\n          <div class="d-flex justify-content-between gap-2">'
                "\n            <strong>{}{}</strong>"
                '\n            <span class="text-secondary small">{}</span>'
                "\n          </div>"
                '\n          <div class="small text-secondary">{} · {} {}</div>'
                "\n          {}"
                "\n        </div>\n        ",
                format_html("{} → ", change.from_label) if change.from_status else "",
                change.to_label,
                iso_day(change.changed_on),
                change.changed_by or system,
                recorded,
                iso_minute(template_localtime(change.changed_at)),
                format_html('<div class="small">{}</div>', change.reason) if change.reason else "",
            )
        )
    return mark_safe("".join(parts))


@register.simple_tag
def year_plan_rows(year_plans: Sequence[YearPlanRow], project: Any, can_edit: bool) -> SafeString:
    """The list items of a record's annual plans (latest year first), with a link to change
    each for those who may."""
    by_month = gettext("by month")
    unit = gettext("10k yuan")
    change = gettext("Change")
    address = reverse("projects:year_plan", args=[project.pk]) if can_edit else ""
    parts = []
    for plan in year_plans:
        year = _number(plan.year)
        parts.append(
            format_html(
                '\n        <div class="list-group-item d-flex justify-content-between gap-2">'
                "\n          <span>{}{}</span>"
                "\n          <span>{} {}{}</span>"
                "\n        </div>\n        ",
                year,
                format_html(' <small class="text-secondary">· {}</small>', by_month)
                if plan.monthly_shares
                else "",
                wan_text(plan.planned_investment),
                unit,
                format_html(
                    ' <a class="ms-2 small" href="{}?year={}">{}</a>', address, year, change
                )
                if can_edit
                else "",
            )
        )
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def project_facts(
    context: Context, project: Any, tags: Sequence[Any], node_url: str | None
) -> SafeString:
    """The rows of the record's "Project" card (`<dt>`/`<dd>` pairs): place, chain, node,
    enterprise, who answers for it, dates, lists, content and the last change."""

    def show(value: Any) -> str:
        """`{{ value }}`."""
        return str(render_value_in_context(value, context))

    def or_dash(value: Any) -> str:
        """`{{ value|default:"—" }}`."""
        return show(value or DASH)

    def linked(row: Any, address: str | None) -> str:
        """A related row's name, linked to `address` when there is one; a dash without it."""
        if row is None:
            return DASH
        if not address:
            return show(row.name)
        return format_html('<a href="{}">{}</a>', show(address), show(row.name))

    park = project.park
    chain = project.chain
    enterprise = project.enterprise
    unit = project.responsible_unit
    phone = project.responsible_phone
    coordinates = (
        f"{show(project.latitude)}, {show(project.longitude)}"
        if project.latitude is not None and project.longitude is not None
        else DASH
    )
    list_url = reverse("projects:list")
    lists = "".join(
        format_html(
            '<a class="badge bg-azure-lt me-1" href="{}?tag={}">{}</a>',
            list_url,
            show(tag.pk),
            show(tag.name),
        )
        for tag in tags
    )
    description = ""
    if project.description:
        description = format_html(
            '<dt class="col-12">{}</dt><dd class="col-12">{}</dd>',
            gettext("Content"),
            linebreaksbr(project.description, autoescape=context.autoescape),
        )
    rows = [
        (
            gettext("Town / park"),
            show(project.region.name) + (f" · {show(park.name)}" if park is not None else ""),
        ),
        (gettext("Chain"), linked(chain, chain.get_absolute_url() if chain is not None else "")),
        (gettext("Chain node"), linked(project.node, node_url)),
        (
            gettext("Publishing enterprise")
            if project.kind == "challenge"
            else gettext("Owner enterprise"),
            linked(enterprise, enterprise.get_absolute_url() if enterprise is not None else ""),
        ),
        (gettext("Responsible unit"), or_dash(unit.name if unit is not None else "")),
        (
            gettext("Responsible person"),
            or_dash(project.responsible_person)
            + (
                format_html(' · <a href="tel:{}">{}</a>', show(phone), show(phone)) if phone else ""
            ),
        ),
        (gettext("Leader in charge (包保)"), or_dash(project.leader)),
        (
            gettext("Planned start / completion"),
            f"{or_dash(iso_day(project.planned_start))} / "
            f"{or_dash(iso_day(project.planned_completion))}",
        ),
        (
            gettext("Actual start / completion"),
            f"{or_dash(iso_day(project.actual_start))} / "
            f"{or_dash(iso_day(project.actual_completion))}",
        ),
        (gettext("Statistical registration"), or_dash(iso_day(project.statistics_registered_on))),
        (
            gettext("Fixed-asset investment (10k yuan)"),
            show(wan_text(project.fixed_asset_investment)),
        ),
        (gettext("Coordinates"), coordinates),
        (gettext("Project lists"), lists or DASH),
    ]
    # The strings above are escaped as the template escapes them; the labels are the
    # translations `{% translate %}` would show.
    parts = [
        format_html('<dt class="col-5">{}</dt><dd class="col-7">{}</dd>', label, mark_safe(value))
        for label, value in rows
    ]
    parts.append(mark_safe(description))
    version = gettext("version %(v)s") % {"v": show(project.version)}
    parts.append(
        format_html(
            '<dt class="col-5">{}</dt><dd class="col-7 text-secondary">{} · {}</dd>',
            gettext("Last changed"),
            show(iso_minute(template_localtime(project.updated_at))),
            mark_safe(version),
        )
    )
    return mark_safe("\n        ".join(parts))

"""Aggregates of the ledger pages: the rows of the project list, and a project's record (key
figures, history, documents, annual plans, reviews)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db.models import Choices, F, Field, ForeignKey, Model, OuterRef, QuerySet, Subquery
from django.utils.translation import get_language

from jinmu.projects.choices import AttachmentKind, ProjectKind, ProjectLevel, ProjectStatus
from jinmu.projects.models import (
    Attachment,
    ChallengeReview,
    Project,
    ProjectTag,
    ProjectYearPlan,
    StatusChange,
)
from jinmu.projects.weeks import iso_label

# The rows a list row shows the name of, read as columns of the project (`<relation>_name`):
# building each related row whole cost a list page more than its query.
_ROW_NAMES = {
    f"{relation}_name": F(f"{relation}__name")
    for relation in ("region", "park", "chain", "responsible_unit")
}
_OWN_FIELDS = tuple(f.name for f in Project._meta.concrete_fields)
# What a list row shows of the project itself (`tables.ledger_table`), its keys and its sort
# keys: not its other 50 columns (its light's reasons, its description …).
_ROW_FIELDS = (
    "region_id", "park_id", "chain_id", "responsible_unit_id", "code", "name", "kind",
    "level", "status", "total_investment", "invested_year", "invested_year_of",
    "percent_complete", "last_report_week", "light", "light_override",
)  # fmt: skip
# What a user is shown as (`User.__str__`).
_USER_NAME = ("display_name", "username")
# What a project's record shows of the rows it points to: their names (and the keys of its
# links); their other columns stay in the database (they were half of the page's first read).
_RECORD_NAMES: dict[str, tuple[str, ...]] = {
    "region": ("name",),
    "park": ("name",),
    "chain": ("name",),
    "node": ("name", "chain"),
    "node__chain": ("name",),
    "enterprise": ("name",),
    "responsible_unit": ("name",),
    "leader": _USER_NAME,
    "lead_owner": _USER_NAME,
    "light_override_by": _USER_NAME,
}
RECORD_RELATIONS = tuple(_RECORD_NAMES)
RECORD_FIELDS = (
    *_OWN_FIELDS,
    *(f"{relation}__{name}" for relation, names in _RECORD_NAMES.items() for name in names),
)
# Documents a special bond must carry (实施方案, 财务评价, 法律意见).
BOND_DOCUMENTS = (
    AttachmentKind.IMPLEMENTATION_PLAN,
    AttachmentKind.FINANCIAL_EVALUATION,
    AttachmentKind.LEGAL_OPINION,
)


# Labels of choices by (choices, language): a lazy label looks its translation up again each
# time it is shown, and a record's lists label their rows from whole sets of choices.
_LABELS: dict[tuple[type[Choices], str | None], dict[str, str]] = {}


def choice_labels(choices: type[Choices]) -> dict[str, str]:
    """The labels of `choices` in the active language, by value (translated once a language:
    the labels of the code's choices do not change while it runs)."""
    key = (choices, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in choices.choices}
    return labels


def _shown(relation: str, name: str) -> str:
    """The annotation carrying `<relation>__<name>` on a record's project."""
    return f"shown_{relation}_{name}".replace("__", "_")


_SHOWN = {
    _shown(relation, name): F(f"{relation}__{name}")
    for relation, names in _RECORD_NAMES.items()
    for name in names
}


def _partial_row(model: type[Model], db: str | None, values: dict[str, Any]) -> Model:
    """A row of `model` with only the fields `values` gives by attname (the others deferred,
    as `only` leaves them)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def record_project(rows: QuerySet[Project], pk: Any) -> Project | None:
    """The project `pk` among `rows` (None when it is not there), with the rows it points to
    as far as its record shows them (`_RECORD_NAMES`; their other fields deferred).

    As `select_related(*RECORD_RELATIONS).only(*RECORD_FIELDS)`, in one read, but the names
    come as annotations and the related rows are built from them: compiling the joined
    selection cost the page more than the rest of its read (issue 11)."""
    found = list(rows.filter(pk=pk).order_by().annotate(**_SHOWN))
    if not found:
        return None
    project = found[0]
    built: dict[str, Model | None] = {"": project}
    for relation, names in _RECORD_NAMES.items():
        shown = [project.__dict__.pop(_shown(relation, name)) for name in names]
        owner_path, _sep, attr = relation.rpartition("__")
        owner = built.get(owner_path)
        if owner is None:
            built[relation] = None
            continue
        field = cast("ForeignKey[Any, Any]", owner._meta.get_field(attr))
        key = getattr(owner, field.attname)
        row = None
        if key is not None:
            model = field.related_model
            values = {model._meta.pk.attname: key}
            values.update(
                (cast("Field[Any, Any]", model._meta.get_field(name)).attname, value)
                for name, value in zip(names, shown, strict=True)
            )
            row = _partial_row(model, project._state.db, values)
        field.set_cached_value(owner, row)
        built[relation] = row
    return project


def list_rows(filtered: QuerySet[Project], year: int) -> QuerySet[Project]:
    """The rows of the project list, each with its plan for `year` (`plan_this_year`) and the
    names of its town, park, chain and responsible unit (`region_name` …)."""
    plans = ProjectYearPlan.objects.filter(project_id=OuterRef("pk"), year=year)
    return filtered.only(*_ROW_FIELDS).annotate(
        **_ROW_NAMES, plan_this_year=Subquery(plans.values("planned_investment")[:1])
    )


def label_rows(rows: Iterable[Any], year: int) -> None:
    """Put the labels a list row shows on each row. Labels once per page: `get_FOO_display`
    re-hashes every choice on each call, which cost more than the whole query on a 25-row
    page."""
    kinds = {value: str(label) for value, label in ProjectKind.choices}
    levels = {value: str(label) for value, label in ProjectLevel.choices}
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    for row in rows:
        row.kind_label = kinds.get(row.kind, row.kind)
        row.level_label = levels.get(row.level, "")
        row.status_label = statuses.get(row.status, row.status)
        row.last_week_label = iso_label(row.last_report_week) if row.last_report_week else ""
        row.invested_this_year = row.invested_year if row.invested_year_of == year else None


@dataclass(frozen=True)
class YearPlanRow:
    """An annual plan as a project's record shows it."""

    year: int
    planned_investment: Decimal | None
    monthly_shares: Any


@dataclass(frozen=True)
class KeyFigures:
    """A year's plan and completion of one project, and the completed share of the plan."""

    year: int
    plan: YearPlanRow | None
    invested_year: Decimal | None
    year_share: Decimal | None


def key_figures(project: Project, year: int, plan: YearPlanRow | None) -> KeyFigures:
    """`year`'s completion against the project's `plan` of that year, and the percent of the
    plan completed."""
    invested_year = project.invested_year if project.invested_year_of == year else None
    share = None
    if plan is not None and plan.planned_investment and invested_year is not None:
        share = round(invested_year / plan.planned_investment * 100, 1)
    return KeyFigures(year=year, plan=plan, invested_year=invested_year, year_share=share)


@dataclass(frozen=True)
class DocumentRow:
    """An attachment as a project's record lists it (`uploaded_by`: the uploader's name, or
    empty)."""

    pk: int
    kind: str
    kind_label: str
    title: str
    uploaded_by: str
    created_at: datetime


@dataclass(frozen=True)
class ChangeRow:
    """A status change as a project's record lists it (`changed_by`: who, or empty for the
    system)."""

    from_status: str
    from_label: str
    to_label: str
    changed_on: date
    changed_at: datetime
    changed_by: str
    reason: str


@dataclass(frozen=True)
class TagRow:
    """A list the project is on."""

    pk: int
    name: str


@dataclass(frozen=True)
class ProjectRecord:
    """What a project's page lists besides its fields."""

    figures: KeyFigures
    history: list[ChangeRow]
    attachments: list[DocumentRow]
    year_plans: list[YearPlanRow]
    reviews: list[ChallengeReview] = field(default_factory=list)
    missing_documents: list[Any] = field(default_factory=list)
    tags: list[TagRow] = field(default_factory=list)


def with_user_names(rows: QuerySet[Any], *relations: str) -> QuerySet[Any]:
    """`rows` with the users of `relations` joined as far as a page shows them (their
    names); their other columns stay in the database."""
    own = (f.name for f in rows.model._meta.concrete_fields)
    return rows.select_related(*relations).only(
        *own, *(f"{relation}__{name}" for relation in relations for name in _USER_NAME)
    )


def _user_name(display_name: str | None, username: str | None) -> str:
    """A user as `User.__str__` shows them; empty for no user."""
    return display_name or username or ""


def project_record(project: Project, year: int) -> ProjectRecord:
    """The key figures of `year`, the project's status history (latest first), documents,
    annual plans, reviews (of a challenge), the documents a special bond still lacks, and its
    lists.

    `project` is one the user sees (read through `Project.objects.for_user`): its rows are
    visible exactly when it is (`ProjectChildQuerySet`), so they are read by the project alone.
    The lists are read as the columns the page shows, in value rows: whole rows with their
    users joined cost the page more than drawing them (issue 11).
    """
    kinds = choice_labels(AttachmentKind)
    attachments = [
        DocumentRow(
            pk=pk,
            kind=kind,
            kind_label=kinds.get(kind, kind),
            title=title,
            uploaded_by=_user_name(display_name, username),
            created_at=created_at,
        )
        for pk, kind, title, created_at, display_name, username in Attachment.objects.filter(
            project=project
        )
        .order_by("kind", "id")
        .values_list(
            "pk",
            "kind",
            "title",
            "created_at",
            "uploaded_by__display_name",
            "uploaded_by__username",
        )
    ]
    present = {a.kind for a in attachments}
    # Latest year first; this year's plan is among them, for the key figures.
    year_plans = [
        YearPlanRow(year=plan_year, planned_investment=planned, monthly_shares=shares)
        for plan_year, planned, shares in ProjectYearPlan.objects.filter(project=project)
        .order_by("-year")
        .values_list("year", "planned_investment", "monthly_shares")
    ]
    plan = next((p for p in year_plans if p.year == year), None)
    statuses = choice_labels(ProjectStatus)
    history = [
        ChangeRow(
            from_status=from_status,
            from_label=statuses.get(from_status, from_status),
            to_label=statuses.get(to_status, to_status),
            changed_on=changed_on,
            changed_at=changed_at,
            changed_by=_user_name(display_name, username),
            reason=reason,
        )
        for (
            from_status,
            to_status,
            changed_on,
            changed_at,
            reason,
            display_name,
            username,
        ) in StatusChange.objects.filter(project=project)
        .order_by("-changed_at", "-id")
        .values_list(
            "from_status",
            "to_status",
            "changed_on",
            "changed_at",
            "reason",
            "changed_by__display_name",
            "changed_by__username",
        )
    ]
    return ProjectRecord(
        figures=key_figures(project, year, plan),
        history=history,
        attachments=attachments,
        year_plans=year_plans,
        reviews=list(ChallengeReview.objects.filter(project=project).order_by("id"))
        if project.kind == ProjectKind.CHALLENGE
        else [],
        missing_documents=[
            AttachmentKind(kind).label for kind in BOND_DOCUMENTS if kind not in present
        ]
        if project.kind == ProjectKind.BOND
        else [],
        tags=[
            TagRow(pk=pk, name=name)
            for pk, name in ProjectTag.objects.filter(projects=project)
            .order_by("name")
            .values_list("pk", "name")
        ],
    )

"""Writes to the enterprise register: keyword-only, atomic, scope-checked, version-checked, audited.

Who may write: `jinmu.core.scoping.can_edit_enterprises` (system admin, industry office, towns
and parks), and only inside their scope: a town records and edits enterprises located in the
town, a park those in the park, a region-wide editor anything in the region.

Every write tells the apps above what changed, in the same transaction
(`jinmu.enterprises.extensions`): whether it may change what the enterprise counts as (its
status, place or figures), and which enterprises moved to another region. The chains app keeps
its node statistics and the region of its links in step that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinmu.core.audit import record_save, snapshot
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.services import apply_fields, check_version, delete_object, save_object
from jinmu.core.types import User
from jinmu.core.validators import normalize_uscc
from jinmu.enterprises import extensions
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification

# Fields of an enterprise that forms, the API and imports may set.
ENTERPRISE_FIELDS: tuple[str, ...] = (
    "uscc",
    "name",
    "former_names",
    "legal_representative",
    "founded_on",
    "region",
    "park",
    "address",
    "latitude",
    "longitude",
    "industry",
    "scale",
    "status",
    "contact_name",
    "contact_phone",
)
FIGURES_FIELDS: tuple[str, ...] = ("year", *AnnualFigures.FIGURE_FIELDS)
QUALIFICATION_FIELDS: tuple[str, ...] = (
    "kind",
    "level",
    "certificate_no",
    "granted_on",
    "valid_until",
    "source",
)
# Scopes whose holders can write at all (a chain office or an enterprise user reads only).
_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


def _editor_scope(actor: User) -> Scope:
    """The actor's scope if they may write enterprise records; PermissionDenied otherwise."""
    scope = scope_for(actor)
    if not can_edit_enterprises(actor) or scope.kind not in _WRITING_SCOPES:
        raise PermissionDenied(_("You may not change enterprise records."))
    return scope


def _place(enterprise: Enterprise, scope: Scope) -> None:
    """Reconcile town and park, then refuse a place outside the editor's scope."""
    if enterprise.uscc:
        enterprise.uscc = normalize_uscc(enterprise.uscc)
    if enterprise.former_names is None:
        enterprise.former_names = []
    park = enterprise.park if enterprise.park_id else None
    if park is not None and park.town_region_id and enterprise.region_id != park.town_region_id:
        if enterprise.region_id and len(enterprise.region_id) > 6:
            raise ValidationError(
                {
                    "park": _("This park lies in {town}; choose that town or another park.").format(
                        town=park.town_region
                    )
                }
            )
        # Only the county was given: the park tells the town.
        enterprise.region_id = park.town_region_id
    if scope.kind is ScopeKind.PARK:
        if enterprise.park_id != scope.unit_id:
            raise ValidationError({"park": _("You may only record enterprises in your park.")})
    elif scope.kind is ScopeKind.TOWN:
        if enterprise.region_id != scope.region_code:
            raise ValidationError({"region": _("You may only record enterprises in your town.")})
    elif not (enterprise.region_id or "").startswith(scope.region_prefix):
        raise ValidationError({"region": _("Choose a place inside your area.")})


def _locked_enterprise(actor: User, pk: int) -> Enterprise:
    """The enterprise row, locked, if the actor can see it; PermissionDenied otherwise."""
    try:
        enterprise: Enterprise = Enterprise.objects.for_user(actor).select_for_update().get(pk=pk)
    except Enterprise.DoesNotExist:
        raise PermissionDenied(_("This enterprise is outside your area.")) from None
    return enterprise


@transaction.atomic
def create_enterprise(*, actor: User, data: Mapping[str, Any]) -> Enterprise:
    """Record a new enterprise. `data` maps ENTERPRISE_FIELDS to values (model instances for
    region, park and industry), as a ModelForm's or serializer's cleaned data does."""
    scope = _editor_scope(actor)
    enterprise = Enterprise()
    apply_fields(enterprise, data, ENTERPRISE_FIELDS)
    _place(enterprise, scope)
    save_object(enterprise, actor=actor)
    # A new enterprise is on no node yet, so there is nothing to refresh; linking it does that.
    return enterprise


@transaction.atomic
def update_enterprise(
    *,
    actor: User,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Enterprise:
    """Change an enterprise's master data. A new name keeps the old one among the former names;
    a move to another town moves its figures, qualifications and chain links along with it
    (their region is what scopes them)."""
    scope = _editor_scope(actor)
    current = _locked_enterprise(actor, enterprise.pk)
    check_version(current, expected_version)
    before = snapshot(current)
    old_name, old_region_id, old_status = current.name, current.region_id, current.status
    apply_fields(current, data, ENTERPRISE_FIELDS)
    if current.name != old_name and "former_names" not in data:
        current.former_names = [old_name, *[n for n in current.former_names if n != old_name]]
    _place(current, scope)
    current.full_clean()
    current.version += 1
    current.save()
    if current.region_id != old_region_id:
        move_children([current])
    # Whether it counts as an operating local firm (on chain nodes, say) may have changed.
    extensions.enterprises_changed(
        [current.pk],
        counts_changed=current.region_id != old_region_id or current.status != old_status,
        updated_at=current.updated_at,
    )
    record_save(obj=current, actor=actor, before=before)
    return current


_Child = TypeVar("_Child", AnnualFigures, Qualification)


def _editable_enterprise(actor: User, enterprise: Enterprise) -> Enterprise:
    """The enterprise, if the actor may change its figures and qualifications."""
    _editor_scope(actor)
    return _locked_enterprise(actor, enterprise.pk)


def move_children(enterprises: Iterable[Enterprise]) -> None:
    """Give the figures, qualifications (and, through the extensions, the chain links) of moved
    enterprises their new region.

    These are derived scope keys, not edits of their own: no version bump or audit row per child
    (the enterprise's own audit row records the move). Called inside the writer's transaction.
    """
    by_region: dict[str, list[int]] = {}
    for enterprise in enterprises:
        by_region.setdefault(enterprise.region_id, []).append(enterprise.pk)
    for region_id, ids in by_region.items():
        for model in (AnnualFigures, Qualification):
            model.objects.filter(enterprise_id__in=ids).update(region_id=region_id)
    extensions.enterprises_moved(by_region)


def _child_row(
    model: type[_Child],
    owner: Enterprise,
    existing: _Child | None,
    expected_version: int | None,
    foreign: str,
) -> tuple[_Child, dict[str, Any] | None]:
    """A new row of `model` for `owner`, or the existing one locked, version-checked and bumped,
    with its snapshot; `foreign` is the message when it belongs to another enterprise."""
    if existing is None:
        return model(enterprise=owner), None
    try:
        row = model._default_manager.select_for_update().get(pk=existing.pk, enterprise=owner)
    except model.DoesNotExist:
        raise PermissionDenied(foreign) from None
    check_version(row, expected_version)
    before = snapshot(row)
    row.version += 1
    return row, before


def _store_child(row: Any, owner: Enterprise, actor: User, before: dict[str, Any] | None) -> None:
    """Validate, save and audit a child row, in the owner's region."""
    row.region_id = owner.region_id
    row.full_clean()
    row.save()
    record_save(obj=row, actor=actor, before=before)


@transaction.atomic
def save_annual_figures(
    *,
    actor: User,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    figures: AnnualFigures | None = None,
    expected_version: int | None = None,
) -> AnnualFigures:
    """Create one year's figures of an enterprise (`figures` None) or change them."""
    owner = _editable_enterprise(actor, enterprise)
    row, before = _child_row(
        AnnualFigures, owner, figures, expected_version,
        _("These figures belong to another enterprise."),
    )  # fmt: skip
    output_before = (row.year, row.industrial_output) if before is not None else (None, None)
    apply_fields(row, data, FIGURES_FIELDS)
    _store_child(row, owner, actor, before)
    moves_output = (
        (row.year, row.industrial_output) != output_before
        if before is not None
        else row.industrial_output is not None
    )
    if moves_output:
        # The enterprise's latest industrial output, summed on its nodes, may have changed.
        extensions.enterprises_changed([owner.pk], counts_changed=True)
    return row


@transaction.atomic
def save_qualification(
    *,
    actor: User,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    qualification: Qualification | None = None,
    expected_version: int | None = None,
) -> Qualification:
    """Record a qualification of an enterprise (`qualification` None) or change one."""
    owner = _editable_enterprise(actor, enterprise)
    row, before = _child_row(
        Qualification, owner, qualification, expected_version,
        _("This qualification belongs to another enterprise."),
    )  # fmt: skip
    apply_fields(row, data, QUALIFICATION_FIELDS)
    if not row.level and row.kind_id:
        row.level = row.kind.default_level
    _store_child(row, owner, actor, before)
    return row


@transaction.atomic
def delete_qualification(
    *, actor: User, qualification: Qualification, expected_version: int | None = None
) -> None:
    """Remove a qualification recorded in error (the audit row keeps its last state)."""
    _editable_enterprise(actor, qualification.enterprise)
    delete_object(qualification, actor=actor, expected_version=expected_version)

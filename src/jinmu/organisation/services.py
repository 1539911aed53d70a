"""Writes of the organisation: regions, units, users and their roles.

Every function is keyword-only, atomic and audited. The rules of 三员分立 live here, so that the
pages, the Excel import and `jinmu setup` share them:
- a user holds at most one of the system, security and audit administrator roles, and none of
  them together with a business role;
- nobody changes their own roles, unit, region or enterprise, or deactivates themselves;
- an administrator grants nothing outside their own region (`prefix`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, record_event, record_save, snapshot
from jinmu.core.choices import AuditAction, RegionLevel, Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.core.services import StaleObjectError, apply_fields, check_version, save_object
from jinmu.core.tokens import revoke_all_tokens
from jinmu.organisation import codes
from jinmu.organisation.querysets import in_prefix

ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
UNIT_FIELDS = ("region", "name", "short_name", "kind", "parent", "town_region")
USER_FIELDS = ("display_name", "unit", "region", "roles", "enterprise", "phone", "email")
# Units whose users need the unit's kind to get their scope (jinmu.core.scoping).
ROLE_UNIT_KINDS: Mapping[str, tuple[str, ...]] = {
    Role.TOWN: (UnitKind.TOWN, UnitKind.PARK),
    Role.CHAIN_OFFICE: (UnitKind.CHAIN_OFFICE,),
}


# -- regions -------------------------------------------------------------------------------------


def check_region_code(code: str, *, prefix: str | None) -> tuple[str, str, Region | None]:
    """(normalised code, level, parent) of a new region; raises ValidationError on a code
    of the wrong shape, one outside `prefix` (None: any), or one whose parent does not exist."""
    try:
        code = codes.normalise_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    if prefix is not None and not code.startswith(prefix):
        raise ValidationError(
            {"code": _("{code} lies outside the region you administer.").format(code=code)}
        )
    candidates = codes.parent_candidates(code)
    # The nearest existing one: a county directly under its province has no city.
    found = {r.code: r for r in Region.objects.filter(code__in=candidates)}
    parent = next((found[c] for c in candidates if c in found), None)
    if candidates and parent is None:
        raise ValidationError(
            {
                "code": _("{code} does not nest in a known region: create {parent} first.").format(
                    code=code, parent=candidates[0]
                )
            }
        )
    return code, codes.level_of(code), parent


@transaction.atomic
def create_region(*, actor: User, code: str, name: str, prefix: str | None) -> Region:
    """A new region; its level and parent follow from its code."""
    code, level, parent = check_region_code(code, prefix=prefix)
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Region {code} exists already.").format(code=code)})
    try:
        name = codes.clean_name(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error
    region = Region(code=code, name=name, level=level, parent=parent, is_demo_code=False)
    region.full_clean()
    region.save()
    record_change(obj=region, action=AuditAction.CREATE, actor=actor, before=None)
    return region


@transaction.atomic
def rename_region(*, actor: User, region: Region, name: str) -> Region:
    """Change a region's name (its code, level and parent follow from the code and stay)."""
    try:
        name = codes.clean_name(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error
    current = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(current)
    current.name = name
    current.save(update_fields=["name"])
    record_change(obj=current, action=AuditAction.UPDATE, actor=actor, before=before)
    return current


@transaction.atomic
def delete_region(*, actor: User, region: Region) -> None:
    """Delete a region nothing uses; refused (with what uses it) otherwise."""
    current = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(current)
    try:
        with transaction.atomic():
            current.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("{name} is still used by {n} records (units, users, enterprises…); it stays.").format(
                name=region.name, n=len(error.args[1])
            )
        ) from error
    current.pk = region.pk
    record_change(obj=current, action=AuditAction.DELETE, actor=actor, before=before)


# -- units ---------------------------------------------------------------------------------------


def _unit_errors(unit: Unit, prefix: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    region = unit.region if unit.region_id else None
    if region is None or (prefix is not None and not in_prefix(region.code, prefix)):
        errors["region"] = [_("Choose a region inside the one you administer.")]
    elif region.level == RegionLevel.TOWN:
        errors["region"] = [
            _("Units belong to a county (or city); give a town unit its town below.")
        ]
    town = unit.town_region if unit.town_region_id else None
    if unit.kind in (UnitKind.TOWN, UnitKind.PARK):
        if town is None:
            errors["town_region"] = [
                _("A town unit governs a town, and a park lies in one: choose the town.")
            ]
        elif town.level != RegionLevel.TOWN or (
            region is not None and not town.code.startswith(region.scope_prefix)
        ):
            errors["town_region"] = [_("Choose a town or street of the unit's region.")]
        elif (
            unit.kind == UnitKind.TOWN
            and unit.is_active
            and Unit.objects.filter(kind=UnitKind.TOWN, town_region=town, is_active=True)
            .exclude(pk=unit.pk)
            .exists()
        ):
            errors["town_region"] = [
                _("{town} is governed by another active unit already.").format(town=town.name)
            ]
    elif town is not None:
        errors["town_region"] = [_("Only a town unit or a park names a town; leave it empty.")]
    parent = unit.parent
    seen: set[int | None] = {unit.pk}
    while parent is not None:
        if parent.pk in seen:
            errors["parent"] = [_("A unit cannot be placed under itself or its own sub-units.")]
            break
        if prefix is not None and not in_prefix(parent.region_id, prefix):
            errors["parent"] = [_("Choose a parent unit inside the region you administer.")]
            break
        seen.add(parent.pk)
        parent = parent.parent
    return errors


def _check_unit(unit: Unit, prefix: str | None) -> None:
    errors = _unit_errors(unit, prefix)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_unit(*, actor: User | None, prefix: str | None, data: Mapping[str, Any]) -> Unit:
    """A new unit (department, town, park, chain office, bank, court …)."""
    unit = apply_fields(Unit(), data, UNIT_FIELDS)
    _check_unit(unit, prefix)
    return save_object(unit, actor=actor)


@transaction.atomic
def update_unit(
    *, actor: User, unit: Unit, prefix: str | None, data: Mapping[str, Any], expected_version: int
) -> Unit:
    """Change a unit; refused if someone saved it after the form was opened."""
    apply_fields(unit, data, UNIT_FIELDS)
    _check_unit(unit, prefix)
    return save_object(unit, actor=actor, expected_version=expected_version)


@transaction.atomic
def remove_unit(*, actor: User, unit: Unit, expected_version: int) -> bool:
    """Delete a unit nothing uses; a unit in use (users, projects, chains …) is deactivated
    instead, so that its history stays readable. Returns True when it was deleted."""
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    check_version(current, expected_version)
    before = snapshot(current)
    try:
        with transaction.atomic():
            current.delete()
    except (ProtectedError, RestrictedError):
        current = Unit.objects.get(pk=unit.pk)
        if current.is_active:
            current.is_active = False
            current.version += 1
            current.save(update_fields=["is_active", "version", "updated_at"])
            record_change(obj=current, action=AuditAction.UPDATE, actor=actor, before=before)
        return False
    current.pk = unit.pk
    record_change(obj=current, action=AuditAction.DELETE, actor=actor, before=before)
    return True


@transaction.atomic
def reactivate_unit(*, actor: User, unit: Unit, expected_version: int) -> Unit:
    """Make a deactivated unit active again (checked as a change: a town keeps one unit)."""
    unit.is_active = True
    _check_unit(unit, None)
    return save_object(unit, actor=actor, expected_version=expected_version)


# -- users ---------------------------------------------------------------------------------------


def role_errors(roles: Iterable[str]) -> list[str]:
    """What is wrong with a set of roles (三员分立); empty when they may go together."""
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        return [_("Unknown roles: {roles}.").format(roles="、".join(unknown))]
    if not roles:
        return [_("Give the user at least one role.")]
    admin = [r for r in roles if r in ADMIN_ROLES]
    if len(admin) > 1:
        return [
            _(
                "The system, security and audit administrators are separate people (三员分立): "
                "a user may hold only one of these roles."
            )
        ]
    if admin and len(roles) > 1:
        return [
            _(
                "{role} is an administrator role and cannot be combined with business roles "
                "(三员分立)."
            ).format(role=Role(admin[0]).label)
        ]
    if Role.ENTERPRISE in roles and len(roles) > 1:
        return [_("An enterprise user acts for their enterprise only; give no other roles.")]
    return []


def fingerprint(user: User) -> str:
    """A digest of what the user form edits: a form opened before someone else saved the
    account carries another digest, and its write is refused (User has no version column)."""
    data = snapshot(user)
    data.pop("password_changed_at", None)
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _default_region(user: User) -> Region | None:
    if user.enterprise_id and user.enterprise is not None:
        return user.enterprise.region
    unit = user.unit
    if unit is None:
        return None
    if unit.kind == UnitKind.TOWN and unit.town_region_id:
        return unit.town_region
    return unit.region


def _user_errors(user: User, prefix: str | None, is_self: bool, before: dict[str, Any]) -> Any:
    errors: dict[str, list[str]] = {}
    if is_self and any(
        before.get(f) != getattr(user, f) for f in ("unit_id", "region_id", "enterprise_id")
    ):
        errors["unit"] = [
            _("You cannot change your own unit or region; another security administrator must.")
        ]
    if is_self and sorted(before.get("roles") or []) != sorted(user.roles):
        errors["roles"] = [
            _("You cannot change your own roles; another security administrator must.")
        ]
    if messages := role_errors(user.roles):
        errors.setdefault("roles", []).extend(messages)
    if prefix is not None and not in_prefix(user.region_id, prefix):
        errors["region"] = [_("You can only give access inside the region you administer.")]
    unit = user.unit
    if unit is not None and prefix is not None and not in_prefix(unit.region_id, prefix):
        errors["unit"] = [_("Choose a unit inside the region you administer.")]
    elif unit is not None and not unit.is_active and before.get("unit_id") != unit.pk:
        errors["unit"] = [_("{unit} is deactivated; choose an active unit.").format(unit=unit)]
    for role, kinds in ROLE_UNIT_KINDS.items():
        if role in user.roles and (unit is None or unit.kind not in kinds):
            errors.setdefault("unit", []).append(
                _("A user with the role “{role}” needs a unit of the kind {kinds}.").format(
                    role=Role(role).label, kinds="、".join(str(UnitKind(k).label) for k in kinds)
                )
            )
    if Role.ENTERPRISE in user.roles and user.enterprise_id is None:
        errors["enterprise"] = [_("An enterprise user needs the enterprise they act for.")]
    if user.enterprise_id is not None and Role.ENTERPRISE not in user.roles:
        errors["enterprise"] = [_("Only an enterprise user is linked to an enterprise.")]
    if (
        user.enterprise_id is not None
        and prefix is not None
        and not in_prefix(user.enterprise.region_id if user.enterprise else None, prefix)
    ):
        errors["enterprise"] = [_("The enterprise lies outside the region you administer.")]
    return errors


def _field_errors(user: User) -> dict[str, list[str]]:
    """The model's own field checks (lengths, control characters, e-mail), so that they are
    reported together with the rules above."""
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    return errors


def _permission_event(*, actor: User | None, user: User, before: dict[str, Any] | None) -> None:
    """A PERMISSION_CHANGE event when roles or scope changed (creation included)."""
    after = snapshot(user)
    keys = ("roles", "unit_id", "region_id", "enterprise_id", "is_active")
    old = {k: (before or {}).get(k) for k in keys}
    new = {k: after.get(k) for k in keys}
    if before is not None and old == new:
        return
    record_event(
        action=AuditAction.PERMISSION_CHANGE,
        actor=actor,
        obj=user,
        detail={"username": user.username, "before": old, "after": new},
    )


def _save_user(*, actor: User | None, user: User, before: dict[str, Any] | None) -> User:
    user.full_clean(exclude=["password"])
    user.save()
    record_save(obj=user, actor=actor, before=before)
    _permission_event(actor=actor, user=user, before=before)
    return user


def check_password(password: str, user: User) -> None:
    """The settings' password rules (AUTH_PASSWORD_VALIDATORS), as an error on `password`."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    prefix: str | None,
    username: str,
    password: str,
    data: Mapping[str, Any],
    hash_password: bool = True,
) -> User:
    """A new account with an initial password the administrator hands over; the user must set
    their own at first sign-in (password_changed_at stays empty)."""
    user = apply_fields(User(username=username.strip()), data, USER_FIELDS)
    if user.region_id is None:
        user.region = _default_region(user)
    errors = _merge(_user_errors(user, prefix, False, {}), _field_errors(user))
    if User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [_("The username {name} is taken.").format(name=user.username)]
    try:
        check_password(password, user)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if hash_password:
        user.set_password(password)
    else:  # an import's dry run, rolled back: spare the slow hashing
        user.set_unusable_password()
    user.password_changed_at = None
    return _save_user(actor=actor, user=user, before=None)


@transaction.atomic
def update_user(
    *,
    actor: User,
    user: User,
    prefix: str | None,
    data: Mapping[str, Any],
    expected_fingerprint: str,
) -> User:
    """Change an account's unit, region, roles, enterprise or contact details; refused when
    the account changed after the form was opened."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if fingerprint(current) != expected_fingerprint:
        raise StaleObjectError(
            _(
                "Someone else changed this account after you opened it. Reload the page to see "
                "their change, then edit again."
            ),
            code="stale",
        )
    before = snapshot(current)
    apply_fields(current, data, USER_FIELDS)
    if current.region_id is None:
        current.region = _default_region(current)
    errors = _user_errors(current, prefix, current.pk == actor.pk, before)
    errors = _merge(errors, _field_errors(current))
    if errors:
        raise ValidationError(errors)
    return _save_user(actor=actor, user=current, before=before)


def revoke_tokens(*, actor: User, user: User, reason: str) -> int:
    """Revoke every live API token of the user (after deactivation or a password reset)."""
    return revoke_all_tokens(user=user, by=actor, reason=reason)


@transaction.atomic
def set_user_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (sign-in refused, API tokens revoked) or reactivate an account."""
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate or reactivate your own account."))
    current = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(current)
    current.is_active = active
    _save_user(actor=actor, user=current, before=before)
    if not active:
        revoke_tokens(actor=actor, user=current, reason="deactivated")
    return current


@transaction.atomic
def reset_password(*, actor: User, user: User, password: str) -> User:
    """Set a new initial password (the user must change it at next sign-in); their API tokens
    are revoked and their sessions end (Django ties a session to the password hash)."""
    if user.pk == actor.pk:
        raise ValidationError(
            {"password": _("Change your own password on your account page instead.")}
        )
    current = User.objects.select_for_update().get(pk=user.pk)
    check_password(password, current)
    current.set_password(password)
    current.password_changed_at = None
    current.save(update_fields=["password", "password_changed_at"])
    record_event(
        action=AuditAction.PASSWORD_CHANGE,
        actor=actor,
        obj=current,
        region_id=current.region_id,
        detail={"username": current.username, "reset_by_administrator": True},
    )
    revoke_tokens(actor=actor, user=current, reason="password reset")
    return current

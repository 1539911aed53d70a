"""Core models: regions, units, users with roles, and the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinmu.core.choices import AuditAction, RegionLevel, Role, UnitKind
from jinmu.core.fields import (
    model_unique_rule,
    optional_fk,
    region_fk,
    tree_parent,
    unique_rule,
    user_fk,
)
from jinmu.core.permissions import AUDIT_ACTIONS
from jinmu.core.querysets import UnitQuerySet
from jinmu.core.regions import county_code, nearest_rows


class Region(models.Model):
    """An administrative division identified by its GB/T 2260 code (towns: 9-digit codes)."""

    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent: models.ForeignKey[Region | None, Region | None] = tree_parent(_("parent"))
    is_demo_code = models.BooleanField(
        _("made-up demo code"),
        default=False,
        help_text=_("The code was made up for the demo and is not an official code."),
    )

    class Meta:
        ordering = ("code",)
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def county_code(self) -> str:
        """The 6-digit code of the county this region is (or lies in)."""
        return county_code(self.code)

    @property
    def scope_prefix(self) -> str:
        """Code prefix shared by this region and everything inside it (GB/T 2260 nesting)."""
        code = self.code
        if len(code) > 6:
            return code
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code


class DomainModel(models.Model):
    """Base of every domain row: belongs to a region, is timestamped and versioned."""

    region = region_fk()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Incremented by every save through the services; a form or API write that carries an older
    # version is refused instead of silently overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1)

    # Fields left out of the audit snapshot (derived or bookkeeping only).
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    class Meta:
        abstract = True


class RegionSettings(DomainModel):
    """Base of a region's settings (thresholds, deadlines): one row per region. A region
    without its own row uses its nearest ancestor's, and with none at all the field defaults
    apply."""

    # The (yellow, red) pairs of threshold fields: a red threshold never starts before its yellow
    # one. `threshold_message` is what a form says at a red one that does.
    threshold_pairs: ClassVar[tuple[tuple[str, str], ...]] = ()
    threshold_message: ClassVar[Any] = ""

    class Meta:
        abstract = True
        constraints = (unique_rule(("region",), "%(app_label)s_settings_one_per_region"),)

    def __str__(self) -> str:
        return f"{self.region}"

    def threshold_errors(self) -> dict[str, Any]:
        """The red thresholds set before their yellow ones, by field name (unset ones are left
        to their own field's check)."""
        errors: dict[str, Any] = {}
        for yellow_name, red_name in self.threshold_pairs:
            yellow, red = getattr(self, yellow_name), getattr(self, red_name)
            if yellow is not None and red is not None and red < yellow:
                errors[red_name] = self.threshold_message
        return errors

    def clean(self) -> None:
        """Red thresholds must lie beyond yellow ones."""
        super().clean()
        errors = self.threshold_errors()
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_regions(cls, codes: Iterable[str]) -> dict[str, Self]:
        """The settings in force in each region, read in one query: its own row, else the
        nearest ancestor's, else an unsaved row holding the defaults."""
        found = nearest_rows(cls._default_manager.all(), codes)
        return {code: row or cls(region_id=code) for code, row in found.items()}

    @classmethod
    def for_region(cls, region: Region | str) -> Self:
        """The settings in force in one region (see `for_regions`)."""
        code = region if isinstance(region, str) else region.code
        return cls.for_regions([code])[code]


class Unit(DomainModel):
    """An organisational unit: the industry office, a chain office, a department, a town, a park."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent: models.ForeignKey[Unit | None, Unit | None] = tree_parent(_("parent unit"))
    town_region = optional_fk(
        Region,
        _("town"),
        related_name="units",
        help_text=_("For a town unit: the town it governs. For a park: the town it lies in."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ("kind", "name")
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = (
            model_unique_rule(
                ("region", "kind", "name"),
                "name",
                _("A unit of this kind and name already exists."),
            ),
        )

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: belongs to a unit and holds one or more roles."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    unit = optional_fk(Unit, _("unit"), related_name="users")
    region = optional_fk(
        Region,
        _("region"),
        related_name="users",
        help_text=_("The area the user works for; county-wide roles see all of it."),
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    # Named by a string: core sits below enterprises and never imports it (decision 0010).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("For an enterprise user: the one enterprise they act for."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # For password expiry rules; None until the user first sets their own password.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]
    # Never copy password hashes into the audit log; sign-ins are audited as events instead.
    audit_exclude: ClassVar[tuple[str, ...]] = ("password", "last_login")

    class Meta:
        ordering = ("username",)
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        """Roles must be known ones."""
        super().clean()
        unknown = [r for r in self.roles if r not in Role.values]
        if unknown:
            raise ValidationError({"roles": _("Unknown roles: %s") % ", ".join(unknown)})

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of the given roles."""
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        """Human-readable names of the user's roles."""
        return [str(Role(r).label) for r in self.roles if r in Role.values]


class AuditLogAppendOnlyError(Exception):
    """An audit row was to be changed or removed: the log only grows."""


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    """Reads as usual; bulk changes and removals are refused (the log is append-only)."""

    def update(self, **kwargs: Any) -> int:
        """Refused: audit rows are never changed."""
        raise AuditLogAppendOnlyError("audit rows cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused: audit rows are never removed."""
        raise AuditLogAppendOnlyError("audit rows cannot be removed")


class AuditLog(models.Model):
    """One create, update or delete of a domain row, or one event (a sign-in, an export): who,
    when, what, before and after. Append-only and hash-chained (`jinmu.core.audit`)."""

    # Set before the insert (not auto_now_add) because the row's hash covers it.
    time = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # PROTECT: a user with audit rows is deactivated, not deleted (their id is in the hash).
    actor = user_fk(_("actor"), on_delete=models.PROTECT)
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    # Empty for events that concern no row (a failed sign-in, an export of a filtered list).
    content_type = optional_fk(ContentType, _("object type"))
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region = optional_fk(Region, _("region"))
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    # What an event (not a row change) concerns: the page exported, its filters, a token's name.
    detail = models.JSONField(_("detail"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # Hash chain: each row holds the hash of the row before it, so a removed or edited row breaks
    # the chain at that point (`jinmu audit verify`).
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    row_hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ("-time", "-id")
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        permissions = AUDIT_ACTIONS
        indexes = (
            models.Index(fields=("content_type", "object_id"), name="core_auditlog_object_idx"),
        )

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an existing row is never saved again."""
        if not self._state.adding:
            raise AuditLogAppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: audit rows are never removed."""
        raise AuditLogAppendOnlyError("audit rows cannot be removed")

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        """An event's detail as (key, text) pairs, for display."""
        items: list[tuple[str, str]] = []
        for key, value in (self.detail or {}).items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items())
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            items.append((str(key), str(value)))
        return items

    @property
    def changed_fields(self) -> list[dict[str, Any]]:
        """Fields whose value differs between before and after, for display."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [
            {"field": k, "before": before.get(k), "after": after.get(k)}
            for k in keys
            if before.get(k) != after.get(k)
        ]


class AuditChainHead(models.Model):
    """The one row naming the newest audit row and its hash: writers lock it, so two
    concurrent writes cannot both chain to the same predecessor, and `jinmu audit verify`
    notices rows removed from the end of the log."""

    last_id = models.BigIntegerField(_("last audit row"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_id} {self.last_hash[:12]}"


class WorkdayOverride(DomainModel):
    """A day the county declares a working day or a day off, overriding the State Council
    schedule (or supplying it for a year the `chinese-calendar` package does not know yet)."""

    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ("date",)
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        constraints = (
            unique_rule(
                ("region", "date"),
                "core_workday_override_unique",
                _("This day already has an override."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class JobRun(models.Model):
    """One run of a periodic job for one period (a day, a month): a job is due until its
    period has a successful run, so a missed night is caught up by the next invocation and a
    repeated invocation does nothing."""

    name = models.CharField(_("job"), max_length=60)
    period = models.CharField(_("period"), max_length=10, help_text=_("A day or a month."))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    output = models.TextField(_("output"), blank=True)

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = (unique_rule(("name", "period"), "core_job_run_period"),)

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


class ApiToken(models.Model):
    """An API token of one user: only its SHA-256 digest is stored; it expires and can be
    revoked by its owner or the security administrator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = user_fk(_("revoked by"))

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()


class BackgroundTask(models.Model):
    """One piece of long work run by the worker instead of the request (recomputing a county's
    lights, a large import): who started it, how far it got and how it ended, so the page that
    started it can show its progress."""

    class Status(models.TextChoices):
        """Where the task is."""

        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    region = region_fk()
    started_by = user_fk(_("started by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    next_url = models.CharField(_("next page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")

    def __str__(self) -> str:
        return self.label

    @property
    def is_finished(self) -> bool:
        """Done or failed: the page stops asking."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """How far it got, 0–100 (a finished task is 100)."""
        if self.is_finished:
            return 100
        return 0 if not self.total else min(100, self.done * 100 // self.total)

"""Choices of the core app: region levels, unit kinds and roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """Levels of GB/T 2260 administrative divisions (and township units below them)."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town or street")


class UnitKind(models.TextChoices):
    """Kinds of organisational units that take part in the programme."""

    LEADERSHIP = "leadership", _("Leadership")
    INDUSTRY_OFFICE = "industry_office", _("Industry office")
    CHAIN_OFFICE = "chain_office", _("Chain office")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town or street")
    PARK = "park", _("Park")
    ENTERPRISE = "enterprise", _("Enterprise")
    BANK = "bank", _("Financial institution")
    COURT = "court", _("Court")


class Role(models.TextChoices):
    """Roles a user can hold; system, security and audit admins are separate (三员分立)."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    COUNTY_LEADER = "county_leader", _("County leader")
    INDUSTRY_OFFICE = "industry_office", _("Industry office")
    CHAIN_OFFICE = "chain_office", _("Chain office")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town or park")
    ENTERPRISE = "enterprise", _("Enterprise user")
    BANK = "bank", _("Bank")
    JUDGE = "judge", _("Judge")


class AuditAction(models.TextChoices):
    """What happened to a row."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKOUT = "lockout", _("Account locked")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    TOKEN_ISSUE = "token_issue", _("API token issued")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    IMPORT = "import", _("Imported")
    PERMISSION_CHANGE = "permission_change", _("Permissions changed")
    OTP_ENROL = "otp_enrol", _("Second factor enrolled")
    OTP_REMOVE = "otp_remove", _("Second factor removed")
    UNLOCK = "unlock", _("Account unlocked")

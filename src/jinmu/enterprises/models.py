"""Enterprise register: one record per credit code, with annual figures and qualifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import (
    belongs_to,
    latitude_field,
    longitude_field,
    model_unique_rule,
    optional_fk,
    tree_parent,
    unit_fk,
)
from jinmu.core.models import DomainModel
from jinmu.core.permissions import ENTERPRISE_ACTIONS
from jinmu.core.validators import (
    normalize_uscc,
    validate_past_date,
    validate_uscc,
)
from jinmu.enterprises.choices import (
    EnterpriseScale,
    EnterpriseStatus,
    IndustryLevel,
    QualificationLevel,
    QuickChoiceLabels,
)
from jinmu.enterprises.links import record_url
from jinmu.enterprises.querysets import (
    AnnualFiguresQuerySet,
    EnterpriseQuerySet,
    QualificationQuerySet,
)
from jinmu.enterprises.text import brand_initials as trade_name_initials
from jinmu.enterprises.text import pinyin_initials, pinyin_key

EXPIRY_WARNING_DAYS = 90


class IndustryCode(models.Model):
    """A GB/T 4754-2017 industry category (section letter plus up to four digits)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=IndustryLevel.choices)
    parent: models.ForeignKey[IndustryCode | None, IndustryCode | None] = tree_parent(_("parent"))

    class Meta:
        ordering = ("code",)
        verbose_name = _("industry category")
        verbose_name_plural = _("industry categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enterprise(QuickChoiceLabels, DomainModel):
    """A legal entity in the county, identified by its unified social credit code."""

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("An enterprise with this credit code already exists.")},
    )
    name = models.CharField(_("name"), max_length=200)
    former_names = models.JSONField(_("former names"), default=list, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    founded_on = models.DateField(
        _("founding date"), null=True, blank=True, validators=[validate_past_date]
    )
    park = unit_fk(_("park"), related_name="park_enterprises", limit_choices_to={"kind": "park"})
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    industry = optional_fk(IndustryCode, _("industry"), related_name="enterprises")
    scale = models.CharField(
        _("scale"), max_length=10, choices=EnterpriseScale.choices, default=EnterpriseScale.BELOW
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Derived from the name on save, for sorting and for search by pinyin initials.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=600, blank=True, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, editable=False
    )
    brand_initials = models.CharField(
        _("pinyin initials of the trade name"), max_length=200, blank=True, editable=False
    )

    audit_exclude: ClassVar[tuple[str, ...]] = (
        "created_at",
        "updated_at",
        "name_pinyin",
        "brand_initials",
        "name_initials",
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ("name_pinyin", "id")
        verbose_name = _("enterprise")
        permissions = ENTERPRISE_ACTIONS
        verbose_name_plural = _("enterprises")
        indexes = (
            models.Index(fields=("name_pinyin", "id"), name="ent_enterprise_sort_idx"),
            models.Index(fields=("region", "name_pinyin", "id"), name="ent_enterprise_region_idx"),
            models.Index(fields=("park", "name_pinyin", "id"), name="ent_enterprise_park_idx"),
            models.Index(fields=("name_initials",), name="ent_enterprise_initials_idx"),
            models.Index(fields=("brand_initials",), name="ent_enterprise_brand_idx"),
            # 规上 is the most used filter; with the sort key behind it the filtered list and its
            # capped count read a range instead of walking every firm.
            models.Index(fields=("scale", "name_pinyin", "id"), name="ent_enterprise_scale_idx"),
        )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Normalise the credit code before validation."""
        if self.uscc:
            self.uscc = normalize_uscc(self.uscc)
        super().clean()

    @classmethod
    def fill_name_keys(cls, enterprises: Iterable[Enterprise]) -> None:
        """Derive the pinyin sort key and initials from each name, as `save` does; for writes
        that bypass `save` (an import's bulk INSERT and UPDATE)."""
        for enterprise in enterprises:
            enterprise.name_pinyin = pinyin_key(enterprise.name)
            enterprise.name_initials = pinyin_initials(enterprise.name)
            enterprise.brand_initials = trade_name_initials(
                enterprise.name, enterprise.name_initials
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the pinyin sort key and initials in step with the name."""
        self.fill_name_keys([self])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {
                *update_fields,
                "name_pinyin",
                "name_initials",
                "brand_initials",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The detail page."""
        return record_url("enterprises:detail", self.pk)


def _figure(label: Any, *, max_digits: int = 18, signed: bool = False) -> models.DecimalField:  # type: ignore[type-arg]
    """An optional figure of a year, to two decimal places; never negative unless `signed`
    (value added, profit, assets and liabilities may be)."""
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[] if signed else [MinValueValidator(0)],
    )


class AnnualFigures(DomainModel):
    """An enterprise's main economic figures for one year (money in yuan, exactly)."""

    enterprise = belongs_to(Enterprise, _("enterprise"), "figures")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949)])
    operating_revenue = _figure(_("operating revenue (yuan)"))
    industrial_output = _figure(_("industrial output value (yuan)"))
    value_added = _figure(_("value added (yuan)"), signed=True)
    total_profit = _figure(_("total profit (yuan)"), signed=True)
    tax_paid = _figure(_("tax paid (yuan)"))
    rd_expense = _figure(_("R&D expense (yuan)"))
    export_value = _figure(_("export value (yuan)"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    st_staff = models.PositiveIntegerField(_("S&T staff"), null=True, blank=True)
    land_area_mu = _figure(_("land area (mu)"), max_digits=12)
    energy_tce = _figure(_("energy use (tce)"), max_digits=14)
    emissions = _figure(_("emissions (t)"), max_digits=14)
    assets = _figure(_("total assets (yuan)"), signed=True)
    liabilities = _figure(_("total liabilities (yuan)"), signed=True)

    objects = AnnualFiguresQuerySet.as_manager()

    # Field names of the money and quantity columns, in display order.
    FIGURE_FIELDS: ClassVar[tuple[str, ...]] = (
        "operating_revenue",
        "industrial_output",
        "value_added",
        "total_profit",
        "tax_paid",
        "rd_expense",
        "export_value",
        "employees",
        "st_staff",
        "land_area_mu",
        "energy_tce",
        "emissions",
        "assets",
        "liabilities",
    )

    class Meta:
        ordering = ("enterprise", "-year")
        verbose_name = _("annual figures")
        verbose_name_plural = _("annual figures")
        constraints = (
            model_unique_rule(
                ("enterprise", "year"),
                "year",
                _("Figures for this enterprise and year already exist."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def clean(self) -> None:
        """A year in the future has no figures yet; S&T staff cannot exceed employees."""
        super().clean()
        errors: dict[str, Any] = {}
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("Year {year} is in the future.").format(year=self.year)
        if (
            self.employees is not None
            and self.st_staff is not None
            and self.st_staff > self.employees
        ):
            errors["st_staff"] = _("S&T staff cannot exceed the number of employees.")
        if errors:
            raise ValidationError(errors)


class QualificationKind(models.Model):
    """A kind of qualification or title (data, so the county can add new ones)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    default_level = models.CharField(
        _("default level"), max_length=12, choices=QualificationLevel.choices, blank=True
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the qualification does not expire."),
    )
    ladder_rank = models.PositiveSmallIntegerField(
        _("rank on the cultivation ladder"),
        null=True,
        blank=True,
        help_text=_("Higher is further up the ladder (科技型 → 创新型 → 专精特新 → 小巨人)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("ladder_rank", "name")
        verbose_name = _("qualification kind")
        verbose_name_plural = _("qualification kinds")

    def __str__(self) -> str:
        return self.name


class Qualification(DomainModel):
    """A qualification held by an enterprise (高企, 专精特新, 上云 …), with its validity."""

    enterprise = belongs_to(Enterprise, _("enterprise"), "qualifications")
    kind = models.ForeignKey(
        QualificationKind,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    level = models.CharField(
        _("level"), max_length=12, choices=QualificationLevel.choices, blank=True
    )
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The list or document that granted it, e.g. a published batch."),
    )

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ("enterprise", "-granted_on")
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = (
            model_unique_rule(
                ("enterprise", "kind", "granted_on"),
                "grant",
                _("This qualification is already recorded."),
            ),
        )
        indexes = (models.Index(fields=("kind", "valid_until"), name="ent_qual_kind_valid_idx"),)

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.kind}"

    def clean(self) -> None:
        """Validity cannot end before the grant."""
        super().clean()
        if self.valid_until and self.granted_on and self.valid_until < self.granted_on:
            raise ValidationError(
                {"valid_until": _("The validity cannot end before the grant date.")}
            )

    def expiry_state(self, today: dt.date | None = None) -> str:
        """'expired', 'expiring' (within 90 days) or 'valid'."""
        if self.valid_until is None:
            return "valid"
        today = today or timezone.localdate()
        if self.valid_until < today:
            return "expired"
        if (self.valid_until - today).days <= EXPIRY_WARNING_DAYS:
            return "expiring"
        return "valid"

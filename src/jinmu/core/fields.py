"""Model fields written once for every app that stores the same kind of value.

Each factory returns exactly the field it replaces (same options), so the migrations do not
change when a model switches to it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, overload

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.validators import validate_latitude, validate_longitude

if TYPE_CHECKING:
    from jinmu.core.models import Region, Unit, User

OnDelete = Callable[..., None]
_M = TypeVar("_M", bound=models.Model)

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _degrees_field(verbose_name: Any, validator: Callable[[Any], None]) -> Any:
    """A WGS-84 coordinate in degrees, six decimals (about 0.1 m), optional."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validator],
    )


def latitude_field(verbose_name: Any = None) -> models.DecimalField[Any, Any]:
    """A WGS-84 latitude in degrees, six decimals (about 0.1 m), optional, within ±90."""
    field: models.DecimalField[Any, Any] = _degrees_field(
        verbose_name or _("latitude"), validate_latitude
    )
    return field


def longitude_field(verbose_name: Any = None) -> models.DecimalField[Any, Any]:
    """A WGS-84 longitude in degrees, six decimals, optional, within ±180."""
    field: models.DecimalField[Any, Any] = _degrees_field(
        verbose_name or _("longitude"), validate_longitude
    )
    return field


def money_field(label: Any, **extra: Any) -> models.DecimalField[Any, Any]:
    """An exact yuan amount, never negative; blank when unknown (pass null/blank to change)."""
    options: dict[str, Any] = {"null": True, "blank": True, "validators": NON_NEGATIVE}
    options.update(extra)
    return models.DecimalField(label, **MONEY, **options)


def figure_field(label: Any) -> models.DecimalField[Any, Any]:
    """An exact yuan amount the services derive (never typed): zero until first computed."""
    return models.DecimalField(label, **MONEY, default=Decimal("0"))


def _optional_link(
    to: Any, verbose_name: Any, related_name: str, on_delete: OnDelete, **extra: Any
) -> Any:
    """A nullable link; the typed factories below say where it leads."""
    options: dict[str, Any] = {"blank": True, **extra}
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


@overload
def optional_fk(
    to: type[_M],
    verbose_name: Any,
    *,
    related_name: str = ...,
    on_delete: OnDelete = ...,
    **extra: Any,
) -> models.ForeignKey[_M | None, _M | None]: ...


@overload
def optional_fk(
    to: str,
    verbose_name: Any,
    *,
    related_name: str = ...,
    on_delete: OnDelete = ...,
    **extra: Any,
) -> models.ForeignKey[_M | None, _M | None]: ...


def optional_fk(
    to: type[_M] | str,
    verbose_name: Any,
    *,
    related_name: str = "+",
    on_delete: OnDelete = models.PROTECT,
    **extra: Any,
) -> models.ForeignKey[_M | None, _M | None]:
    """An optional link (null and blank allowed) to a model, protected from deletion unless
    told. A link named by a string ("app.Model", to dodge an import cycle) says its model in an
    annotation, `field: models.ForeignKey[Model | None, Model | None] = optional_fk("app.Model",
    …)`, so that the type checker still knows where it leads."""
    field: models.ForeignKey[_M | None, _M | None] = _optional_link(
        to, verbose_name, related_name, on_delete, **extra
    )
    return field


def tree_parent(
    verbose_name: Any, *, on_delete: OnDelete = models.PROTECT, related_name: str = "children"
) -> models.ForeignKey[_M | None, _M | None]:
    """The optional link from a row to the row above it in a tree of the same model (its rows
    below are its `children` unless told). Annotate the field with its model, as for
    `optional_fk` on a string."""
    field: models.ForeignKey[_M | None, _M | None] = _optional_link(
        "self", verbose_name, related_name, on_delete
    )
    return field


@overload
def belongs_to(to: type[_M], verbose_name: Any, related_name: str) -> models.ForeignKey[_M, _M]: ...


@overload
def belongs_to(to: str, verbose_name: Any, related_name: str) -> models.ForeignKey[_M, _M]: ...


def belongs_to(
    to: type[_M] | str, verbose_name: Any, related_name: str
) -> models.ForeignKey[_M, _M]:
    """The required link to the row this one is part of (a chain's node, a node's link, an
    enterprise's figures …): removed with it. A link named by a string says its model in an
    annotation, as for `optional_fk`."""
    field: models.ForeignKey[_M, _M] = models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.CASCADE, related_name=related_name
    )
    return field


def region_fk() -> models.ForeignKey[Region, Region]:
    """The region a row belongs to, and is seen and counted by: required, and a region cannot be
    removed from under its rows."""
    field: models.ForeignKey[Region, Region] = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    return field


def unit_fk(
    verbose_name: Any, *, related_name: str = "+", **extra: Any
) -> models.ForeignKey[Unit | None, Unit | None]:
    """An optional link to an organisational unit (owner, responsible, reporting unit …)."""
    field: models.ForeignKey[Unit | None, Unit | None] = _optional_link(
        "core.Unit", verbose_name, related_name, models.PROTECT, **extra
    )
    return field


def user_fk(
    verbose_name: Any,
    *,
    related_name: str = "+",
    blank: bool = True,
    on_delete: OnDelete = models.SET_NULL,
) -> models.ForeignKey[User | None, User | None]:
    """A link to the user who did something (created, raised, approved …): emptied when the
    user is deleted unless told. `blank=False` where a form must not leave it out."""
    field: models.ForeignKey[User | None, User | None] = _optional_link(
        settings.AUTH_USER_MODEL, verbose_name, related_name, on_delete, blank=blank
    )
    return field


def unique_rule(
    fields: tuple[str, ...], name: str, message: Any = None, *, condition: models.Q | None = None
) -> models.UniqueConstraint:
    """At most one row per value of `fields` (among the rows matching `condition`); `message`
    is what a form says of a row that would break it."""
    return models.UniqueConstraint(
        fields=fields, name=name, condition=condition, violation_error_message=message
    )


def model_unique_rule(fields: tuple[str, ...], what: str, message: Any) -> models.UniqueConstraint:
    """A `unique_rule` named after its model: `<app label>_<model name>_unique_<what>`."""
    return unique_rule(fields, f"%(app_label)s_%(class)s_unique_{what}", message)

"""Factories for core rows: regions, units and users."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from jinmu.core.choices import RegionLevel, Role, UnitKind
from jinmu.core.models import Region, Unit, User

PASSWORD = "Test@password2026"


class RegionFactory(factory.django.DjangoModelFactory):
    """A county by default."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "371422"
    name = "宁津县"
    level = RegionLevel.COUNTY


def county() -> Region:
    """宁津县 with its city and province."""
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="371400", name="德州市", level=RegionLevel.CITY, parent=province)
    return RegionFactory(code="371422", name="宁津县", level=RegionLevel.COUNTY, parent=city)


def town(code: str, name: str) -> Region:
    """A town under 宁津县 (demo code)."""
    return RegionFactory(
        code=code, name=name, level=RegionLevel.TOWN, parent=county(), is_demo_code=True
    )


class UnitFactory(factory.django.DjangoModelFactory):
    """A department of the county by default."""

    class Meta:
        model = Unit

    region = factory.LazyFunction(county)
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a usable password (PASSWORD)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    region = factory.LazyFunction(county)
    roles: Any = factory.LazyFunction(list)
    # Chosen by its owner: not sent to the password page (tests of that set None).
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """Set the password (hashed)."""
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


def user_with(role: Role, **kwargs: Any) -> User:
    """A user holding one role."""
    return UserFactory(roles=[role.value], **kwargs)

"""Options of the list pages' selects, kept between requests under generations of the models they
list.

The filter forms of the register and of the project ledger offer towns, parks, chains, chain
nodes, units, industry codes and qualification kinds: rows that change a few times a year, yet
each page read them all again (a query, and for the long lists a millisecond, per select). Each
model watched here has a generation in the shared cache, replaced whenever one of its rows is
saved or deleted (the services, the organisation setup, the region import, the demo and the
admin save row by row; migrations' historical models send the same signals). A request reads the
generations once (one round trip) and takes the options this process read under the same
generations; the timeout bounds what a raw SQL write, which sends no signal, could leave stale.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.translation import gettext_lazy as _

from jinmu.core.filtersets import ValuesChoiceFilter
from jinmu.core.permissions import has_action
from jinmu.core.places import parks_for_request, towns_for_request
from jinmu.core.scoping import scope_for

OPTIONS_TIMEOUT = 3600
# Models whose rows some select lists, by label ("core.region").
_WATCHED: set[str] = set()
# The options this process read: key → (read at, options). Bounded: cleared when full.
_READ: dict[Hashable, tuple[float, list[tuple[Any, Any]]]] = {}
_READ_LIMIT = 1024


def watch(labels: Iterable[str]) -> None:
    """Keep a generation for each of these models (their options are cached under it)."""
    _WATCHED.update(labels)


def _generation_key(label: str) -> str:
    return f"options:generation:{label}"


@receiver(post_save)
@receiver(post_delete)
def _watched_model_changed(sender: type[Model], **kwargs: Any) -> None:
    """A new generation of a watched model's cached options after any write to it."""
    label = sender._meta.label_lower
    if label in _WATCHED:
        # Now, for this transaction's own reads; again at commit, since another request may
        # have cached the rows as they were before it in between.
        _new_generation(label)
        transaction.on_commit(lambda: _new_generation(label))


def _new_generation(label: str) -> None:
    cache.set(_generation_key(label), uuid.uuid4().hex, None)


def generations(labels: Iterable[str]) -> dict[str, str]:
    """The current generation of each model (one round trip to the cache)."""
    keys = {label: _generation_key(label) for label in labels}
    found = cache.get_many(list(keys.values()))
    return {
        label: str(found.get(key) or cache.get_or_set(key, uuid.uuid4().hex, None))
        for label, key in keys.items()
    }


class Generations:
    """The generations of every watched model, read when a form first needs one."""

    @cached_property
    def current(self) -> dict[str, str]:
        """By model label."""
        return generations(sorted(_WATCHED))


def remembered(
    key: Hashable,
    labels: Iterable[str],
    read: Callable[[], Iterable[tuple[Any, Any]]],
    current: dict[str, str],
) -> list[tuple[Any, Any]]:
    """The options `read` gives, as this process last read them under the same `key` and the
    same generations of the models `labels` (read anew past the timeout)."""
    full_key = (key, tuple((label, current[label]) for label in sorted(labels)))
    now = time.monotonic()
    found = _READ.get(full_key)
    if found is not None and now - found[0] < OPTIONS_TIMEOUT:
        return found[1]
    options: list[tuple[Any, Any]] = normalize_choices(list(read()))
    if len(_READ) >= _READ_LIMIT:
        _READ.clear()
    _READ[full_key] = (now, options)
    return options


class KeptChoices(BaseChoiceIterator):
    """A select's options, read when first iterated and then kept for the request.

    Django wraps a callable's options in a CallableChoiceIterator that calls it and normalises
    every option again on each pass, and a select is passed over twice (whether it may be
    `required`, then each option drawn): hundreds of options, twice, on every list page.
    """

    def __init__(self, read: Callable[[], list[tuple[Any, Any]]]) -> None:
        self.read = read
        self.options: list[tuple[Any, Any]] | None = None

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.options is None:
            self.options = self.read()
        return iter(self.options)


class ScopedOptionsFilter(ValuesChoiceFilter):
    """A model select whose options are kept between requests: `options_key(request)` is what
    its queryset depends on (the user's scope; the permission that lets them see the rows at
    all), `models` the models whose rows make the options (labels and order)."""

    def __init__(
        self,
        *args: Any,
        options_key: Callable[[Any], Hashable],
        models: Iterable[str],
        **kwargs: Any,
    ) -> None:
        self.options_key = options_key
        self.option_models = tuple(sorted(models))
        watch(self.option_models)
        super().__init__(*args, **kwargs)

    def options(self, field: Any, request: Any, current: Generations) -> KeptChoices:
        """The options of `field` (this filter's form field) for `request`, to be read when
        the select is drawn (an API request validates the field but draws nothing)."""

        def read() -> list[tuple[Any, Any]]:
            key = (type(self).__name__, self.field_name, self.options_key(request))
            return remembered(key, self.option_models, lambda: field.choices, current.current)

        return KeptChoices(read)

    def keep_options(self, field: Any, request: Any, form: Any) -> None:
        """Draw `field` (this filter's, in `form`) with the kept options (`KeptFormFilterSet`);
        the form's generations are read once, when a select is first drawn."""
        current = getattr(form, "generations", None)
        if current is None:
            current = form.generations = Generations()
        field.widget.choices = self.options(field, request, current)


def scope_key(request: Any) -> Hashable:
    """What the places offered to a request depend on: the user's scope."""
    return scope_for(getattr(request, "user", None))


def visible_key(model: type[Model]) -> Callable[[Any], Hashable]:
    """What the rows of `model` a request's user sees depend on (`for_user`): whether a role
    lets them see such rows at all, and their scope."""
    permission: str = model._default_manager.permission_for("view")  # type: ignore[attr-defined]

    def key(request: Any) -> Hashable:
        user = getattr(request, "user", None)
        return (has_action(user, permission), scope_for(user))

    return key


def town_filter(**extra: Any) -> ScopedOptionsFilter:
    """The town select of a list's filters: the towns of the user's scope, options kept."""
    return ScopedOptionsFilter(
        label=_("Town"),
        queryset=towns_for_request,
        field_name="region",
        to_field_name="code",
        options_key=scope_key,
        models=("core.region", "core.unit"),  # a park's town is its unit's
        **extra,
    )


def park_filter() -> ScopedOptionsFilter:
    """The park select of a list's filters: the parks of the user's scope, options kept."""
    return ScopedOptionsFilter(
        label=_("Park"),
        queryset=parks_for_request,
        field_name="park",
        options_key=scope_key,
        models=("core.unit",),
    )

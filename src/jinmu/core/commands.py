"""Helpers shared by the `jinmu` management commands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


def day_option(text: str | None) -> dt.date:
    """The day a `--date YYYY-MM-DD` option names; today without one."""
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Give the date as YYYY-MM-DD (you gave “{text}”).") from exc


if TYPE_CHECKING:
    from argparse import _SubParsersAction

# What `ActionsCommand.add_actions` adds the actions' subparsers to.
Actions: TypeAlias = "_SubParsersAction[CommandParser]"


class ActionsCommand(BaseCommand):
    """A command of several actions (`jinmu report weekly`, `jinmu targets extract`): each
    action is a subparser added by `add_actions`, and runs as the method `run_<action>(options)`."""

    # The options' key of the action, and how the usage names it.
    action_dest = "action"
    action_metavar = "ACTION"

    def add_arguments(self, parser: CommandParser) -> None:
        """The actions, each with its own options."""
        actions = parser.add_subparsers(
            dest=self.action_dest, metavar=self.action_metavar, required=True
        )
        self.add_actions(actions)

    def add_actions(self, actions: Actions) -> None:
        """Add one subparser per action (`actions.add_parser(name, help=…)`)."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        """Dispatch on the action."""
        getattr(self, f"run_{options[self.action_dest]}")(options)

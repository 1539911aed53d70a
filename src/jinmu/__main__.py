"""The `jinmu` console script: Django's management commands under the project's name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command, e.g. `jinmu demo` or `jinmu migrate`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinmu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

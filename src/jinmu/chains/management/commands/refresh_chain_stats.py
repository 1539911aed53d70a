"""`jinmu refresh_chain_stats`: recompute the stored node statistics of the chains."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinmu.chains.models import Chain
from jinmu.chains.stats import refresh_chain


class Command(BaseCommand):
    """Thin wrapper around `jinmu.chains.stats.refresh_chain`: repair after bulk loads."""

    help = (
        "Recompute the node statistics (link counts, local output) of every chain, or of one. "
        "The services keep them fresh; run this after loading links, enterprises or figures "
        "into the database by other means."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--chain."""
        parser.add_argument("--chain", type=int, help="Only the chain with this id.")

    def handle(self, *args: Any, **options: Any) -> None:
        """Refresh chain by chain (one transaction each), reporting nodes and time."""
        chains = Chain.objects.order_by("pk")
        if options["chain"] is not None:
            chains = chains.filter(pk=options["chain"])
            if not chains.exists():
                raise CommandError(f"No chain with id {options['chain']}.")
        for chain_id, name in chains.values_list("pk", "name"):
            started = time.monotonic()
            count = refresh_chain(chain_id)
            self.stdout.write(
                f"{name} (#{chain_id}): {count} nodes in {time.monotonic() - started:.1f} s"
            )

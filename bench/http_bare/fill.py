"""Create and fill the bare page's table (300,000 rows) unless it is full already."""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal


def main() -> None:
    """`python -m bench.http_bare.fill` with BARE_DATABASE_URL set."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.http_bare.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.http_bare.models import Row
    from bench.http_bare.urls import ROWS

    call_command("migrate", run_syncdb=True, verbosity=0)
    if Row.objects.count() == ROWS:
        return
    rng = random.Random(11)
    first = dt.date(2020, 1, 1)
    with transaction.atomic():
        Row.objects.all().delete()
        for offset in range(0, ROWS, 10_000):
            Row.objects.bulk_create(
                Row(
                    code=f"R{i:07d}",
                    name=f"企业名称{i:06d}有限公司",
                    amount=Decimal(rng.randrange(1, 10**9)) / 100,
                    day=first + dt.timedelta(days=i % 2000),
                )
                for i in range(offset, offset + 10_000)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()

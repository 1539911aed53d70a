"""Fill the trade-name initials of enterprises stored before the field existed."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    from jinmu.enterprises.text import brand_initials

    Enterprise = apps.get_model("enterprises", "Enterprise")
    last = 0
    while True:
        rows = list(
            Enterprise.objects.filter(pk__gt=last, brand_initials="")
            .order_by("pk")
            .only("pk", "name", "name_initials")[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            row.brand_initials = brand_initials(row.name, row.name_initials)
        Enterprise.objects.bulk_update(rows, ["brand_initials"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_brand_initials"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

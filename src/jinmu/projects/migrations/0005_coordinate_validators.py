# Latitude/longitude of projects and photos are checked by the shared validators.

import jinmu.core.validators
from django.db import migrations, models


def _coordinate(name: str, label: str) -> models.DecimalField:
    return models.DecimalField(
        blank=True,
        decimal_places=6,
        max_digits=9,
        null=True,
        validators=[getattr(jinmu.core.validators, f"validate_{name}")],
        verbose_name=label,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_key_measure_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="project", name="latitude", field=_coordinate("latitude", "latitude")
        ),
        migrations.AlterField(
            model_name="project", name="longitude", field=_coordinate("longitude", "longitude")
        ),
        migrations.AlterField(
            model_name="reportphoto",
            name="latitude",
            field=_coordinate("latitude", "latitude (EXIF)"),
        ),
        migrations.AlterField(
            model_name="reportphoto",
            name="longitude",
            field=_coordinate("longitude", "longitude (EXIF)"),
        ),
    ]

# Latitude/longitude and the founding date are checked by the shared validators.

import jinmu.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_scale_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="founded_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[jinmu.core.validators.validate_past_date],
                verbose_name="founding date",
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="latitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[jinmu.core.validators.validate_latitude],
                verbose_name="latitude",
            ),
        ),
        migrations.AlterField(
            model_name="enterprise",
            name="longitude",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[jinmu.core.validators.validate_longitude],
                verbose_name="longitude",
            ),
        ),
    ]

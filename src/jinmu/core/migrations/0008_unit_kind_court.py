# Unit kinds gain "court" (法院: enterprise requests that need a court, 府院联动).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_auditlog_otp_actions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="kind",
            field=models.CharField(
                choices=[
                    ("leadership", "Leadership"),
                    ("industry_office", "Industry office"),
                    ("chain_office", "Chain office"),
                    ("department", "Department"),
                    ("town", "Town or street"),
                    ("park", "Park"),
                    ("enterprise", "Enterprise"),
                    ("bank", "Financial institution"),
                    ("court", "Court"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]

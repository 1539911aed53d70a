# The security administrator's unlocking of a locked-out account is audited (issue 9).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0009_auditlog_import_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("delete", "Deleted"),
                    ("login", "Signed in"),
                    ("login_failed", "Sign-in failed"),
                    ("logout", "Signed out"),
                    ("lockout", "Account locked"),
                    ("password_change", "Password changed"),
                    ("token_issue", "API token issued"),
                    ("token_revoke", "API token revoked"),
                    ("export", "Exported"),
                    ("download", "Downloaded"),
                    ("import", "Imported"),
                    ("permission_change", "Permissions changed"),
                    ("otp_enrol", "Second factor enrolled"),
                    ("otp_remove", "Second factor removed"),
                    ("unlock", "Account unlocked"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]

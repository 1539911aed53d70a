"""Each role is a group holding its default permissions (a frozen copy of the table in
jinmu.core.permissions as it stood when this migration was written: migrations never import
live code). Groups that already exist keep what the county gave them."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "system_admin": [
        "chains.change_chain",
        "chains.view_chain",
        "core.view_unit",
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.coordinate_problem",
        "problems.view_problem",
        "projects.add_project",
        "projects.approve_project",
        "projects.change_project",
        "projects.curate_project",
        "projects.export_project",
        "projects.override_project",
        "projects.report_project",
        "projects.view_project",
        "targets.add_target",
        "targets.change_target",
        "targets.delete_target",
        "targets.export_target",
        "targets.report_target",
        "targets.view_target",
    ],
    "security_admin": [
        "auth.change_group",
        "auth.view_group",
        "core.add_region",
        "core.add_unit",
        "core.add_user",
        "core.change_region",
        "core.change_unit",
        "core.change_user",
        "core.delete_apitoken",
        "core.view_apitoken",
        "core.view_region",
        "core.view_unit",
        "core.view_user",
    ],
    "audit_admin": [
        "core.export_auditlog",
        "core.view_auditlog",
    ],
    "county_leader": [
        "chains.view_chain",
        "core.export_auditlog",
        "core.view_auditlog",
        "core.view_unit",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.coordinate_problem",
        "problems.view_problem",
        "projects.approve_project",
        "projects.export_project",
        "projects.override_project",
        "projects.view_project",
        "targets.export_target",
        "targets.view_target",
    ],
    "industry_office": [
        "chains.change_chain",
        "chains.view_chain",
        "core.view_unit",
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.coordinate_problem",
        "problems.view_problem",
        "projects.add_project",
        "projects.approve_project",
        "projects.change_project",
        "projects.curate_project",
        "projects.export_project",
        "projects.override_project",
        "projects.report_project",
        "projects.view_project",
        "targets.add_target",
        "targets.change_target",
        "targets.delete_target",
        "targets.export_target",
        "targets.report_target",
        "targets.view_target",
    ],
    "chain_office": [
        "chains.change_chain",
        "chains.view_chain",
        "core.view_unit",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.view_problem",
        "projects.add_project",
        "projects.change_project",
        "projects.export_project",
        "projects.report_project",
        "projects.view_project",
        "targets.export_target",
        "targets.view_target",
    ],
    "department": [
        "chains.view_chain",
        "core.view_unit",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.view_problem",
        "projects.add_project",
        "projects.export_project",
        "projects.keep_responsible_project",
        "projects.view_project",
        "targets.export_target",
        "targets.report_target",
        "targets.view_target",
    ],
    "town": [
        "chains.view_chain",
        "core.view_unit",
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.claim_problem",
        "problems.view_problem",
        "projects.add_project",
        "projects.change_project",
        "projects.export_project",
        "projects.report_project",
        "projects.view_project",
        "targets.export_target",
        "targets.view_target",
    ],
    "enterprise": [
        "core.view_unit",
        "enterprises.export_enterprise",
        "enterprises.view_enterprise",
        "problems.add_problem",
        "problems.view_problem",
        "projects.report_project",
        "projects.view_project",
    ],
    "bank": [
    ],
    "judge": [
    ],
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the groups need
    # them now, so create them from the historical models first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role)
        if not created:
            continue
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0011_auditlog_export_permission"),
        ("enterprises", "0007_role_permissions"),
        ("problems", "0002_role_permissions"),
        ("projects", "0006_role_permissions"),
        ("targets", "0005_role_permissions"),
        ("chains", "0004_link_role_index"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]

"""The roles page: what each role may do, as a grid the security administrator changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jinmu.core.choices import Role
from jinmu.core.permissions import has_action
from jinmu.core.services import StaleObjectError
from jinmu.core.types import AuthedRequest
from jinmu.organisation import roles


@login_required
@require_http_methods(["GET", "POST"])
def role_permissions(request: AuthedRequest) -> HttpResponse:
    """The role × permission grid; business roles' business permissions can be changed."""
    if not has_action(request.user, "auth.view_group"):
        raise PermissionDenied(_("Only the security administrator changes what roles may do."))
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        wanted: dict[str, set[str]] = {
            str(role): set() for role in Role if role not in roles.FIXED_ROLES
        }
        for value in request.POST.getlist("grant"):
            role, _sep, permission = value.partition(":")
            wanted.setdefault(role, set()).add(permission)
        try:
            changes = roles.set_role_permissions(
                actor=request.user,
                wanted=wanted,
                expected_digest=request.POST.get("digest", ""),
                request=request,
            )
        except StaleObjectError as error:
            errors, status = error.messages, 409
        except ValidationError as error:
            errors, status = error.messages, 400
        else:
            if changes:
                messages.success(
                    request,
                    _("Saved: the permissions of %(n)d roles changed.") % {"n": len(changes)},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("organisation:roles")
    grid = roles.role_grid()
    columns = [
        {"role": str(role), "label": role.label, "fixed": role in roles.FIXED_ROLES}
        for role in grid.roles
    ]
    table = [
        {
            "row": row,
            "cells": [
                {
                    "value": f"{column['role']}:{row.permission}",
                    "held": column["role"] in row.held,
                    "editable": row.editable and not column["fixed"],
                }
                for column in columns
            ],
        }
        for row in grid.rows
    ]
    context = {"columns": columns, "table": table, "digest": grid.digest, "errors": errors}
    return render(request, "organisation/roles.html", context, status=status)

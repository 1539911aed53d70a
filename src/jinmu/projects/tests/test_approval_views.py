"""Approvals pages: the verdicts, recording approval items, and the units an item may be given
to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from jinmu.core.tests.factories import UnitFactory
from jinmu.projects.models import ApprovalItem
from jinmu.projects.tests.factories import ApprovalFactory, ProjectFactory
from jinmu.projects.tests.test_plan_views import D, english, strangers  # noqa: F401

# --------------------------------------------------------------------------- approvals


def test_approvals_page_shows_verdicts_and_days(client: Any, world: Any) -> None:
    project = ProjectFactory(region=world.town_a, actual_start=D(2026, 3, 12))
    ApprovalFactory(project=project, kind="land", planned_on=D(2026, 3, 1), actual_on=D(2026, 3, 2))
    ApprovalFactory(project=project, kind="title", actual_on=D(2026, 3, 2))
    client.force_login(world.user("department"))
    response = client.get(reverse("projects:approvals", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    land, title = response.context["verdicts"]
    assert (land.state, land.days) == ("late", 10)
    assert title.state == "achieved"
    assert "works started 2026-03-12: 10 days later." in body
    assert "Land delivered and title issued on 2026-03-02." in body
    assert 'id="add-approval"' not in body  # a department not responsible only reads


def test_town_records_approval_items(client: Any, world: Any) -> None:
    project = ProjectFactory(region=world.town_a)
    client.force_login(world.user("town_a"))
    url = reverse("projects:approvals", args=[project.pk])
    assert 'id="add-approval"' in client.get(url).content.decode()
    response = client.post(
        url, {"kind": "land", "planned_on": "2026-03-01", "actual_on": "2026-03-02"}
    )
    assert response.status_code == 302
    item = ApprovalItem.objects.get(project=project)
    assert item.region_id == world.town_a.code
    # the same kind twice is refused on the form
    response = client.post(url, {"kind": "land", "planned_on": "2026-03-01"})
    assert response.status_code == 200
    assert "This approval is already listed for the project." in response.content.decode()
    # an actual date in the future is refused on its field
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"kind": "title", "actual_on": future})
    assert response.context["form"].errors["actual_on"] == [
        "An actual date cannot be in the future."
    ]
    # edit and delete
    edit_url = reverse("projects:approval_edit", args=[project.pk, item.pk])
    response = client.post(
        edit_url,
        {
            "kind": "land",
            "planned_on": "2026-03-01",
            "actual_on": "2026-03-05",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.actual_on == D(2026, 3, 5)
    client.post(
        reverse("projects:approval_delete", args=[project.pk, item.pk]), {"version": item.version}
    )
    assert not ApprovalItem.objects.exists()


# --------------------------------------------------------------------------- unit choices


def test_approval_authority_is_chosen_among_the_countys_units(client: Any, world: Any) -> None:
    others = strangers(world)
    bureau = UnitFactory(name="自然资源局")
    project = ProjectFactory(region=world.town_a)
    client.force_login(world.user("town_a"))
    url = reverse("projects:approvals", args=[project.pk])
    offered = set(client.get(url).context["form"].fields["authority"].queryset)
    assert bureau in offered
    assert not offered & set(others)
    for unit in others:
        response = client.post(url, {"kind": "land", "authority": unit.pk})
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["authority"]
    assert not ApprovalItem.objects.exists()
    assert client.post(url, {"kind": "land", "authority": bureau.pk}).status_code == 302
    item = ApprovalItem.objects.get()
    assert item.authority == bureau
    response = client.post(
        reverse("projects:approval_edit", args=[project.pk, item.pk]),
        {"kind": "land", "authority": others[0].pk, "version": item.version},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["authority"]
    item.refresh_from_db()
    assert item.authority == bureau

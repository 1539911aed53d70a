"""The signed-in user is loaded with what every request's scope check reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jinmu.core.backends import PasswordBackend
from jinmu.core.scoping import scope_for


@pytest.mark.parametrize("who", ["industry", "chain", "park", "town_a", "leader"])
def test_scope_of_the_session_user_needs_no_query(
    world: Any, who: str, django_assert_num_queries: Any
) -> None:
    # given
    user = PasswordBackend().get_user(world.users[who].pk)
    # when
    with django_assert_num_queries(0):
        scope = scope_for(user)
    # then
    assert scope == scope_for(world.users[who])


def test_inactive_user_is_not_loaded(world: Any) -> None:
    # given
    user = world.users["industry"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    # then
    assert PasswordBackend().get_user(user.pk) is None
    assert PasswordBackend().get_user(-1) is None


def test_a_page_reads_the_user_unit_and_region_in_one_query(world: Any, client: Client) -> None:
    # given
    user = world.users["chain"]
    client.force_login(user)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/enterprises/")
    # then
    assert response.status_code == 200
    single_rows = [
        q["sql"]
        for q in queries.captured_queries
        if 'WHERE "core_unit"."id" = ' in q["sql"] or 'WHERE "core_region"."code" = ' in q["sql"]
    ]
    assert single_rows == []

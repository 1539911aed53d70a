"""Fixtures of the API fuzz run: a small demo county and a signed-in region-wide user."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Build a small demo county once; each operation's writes are rolled back with the test."""
    from jinmu.demo.build import build_demo

    with django_db_blocker.unblock():
        build_demo(enterprises=40)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """The requests go through the WSGI handler, which closes the database connection after
    each one; inside a test that would end its transaction (Django's test client does the same)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)

"""Schemathesis over every API operation: no input, however malformed, may answer a 5xx.

Each operation gets a bounded number of generated requests (valid and invalid ones), sent
through the WSGI application as the county's industry office (a region-wide user that may write
most things), signed in by a session cookie with a CSRF token, so the run does not depend on how
API tokens are stored.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from tests.fuzz.targets import Pools, point_at_rows

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Generated requests per operation (valid and invalid ones); 72 operations take about three
# minutes on two cores.
MAX_EXAMPLES = 20
FUZZ_USER = "industry"


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 9,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )


def _schema() -> Any:
    """The API's own OpenAPI schema, loaded into schemathesis with the WSGI app as transport
    (generated in-process: no HTTP request, and independent of who may read /api/schema/)."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document, config=_config())
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def signed_in() -> dict[str, Any]:
    """Session cookie and CSRF token of the fuzzing user (writes need both)."""
    from jinmu.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=FUZZ_USER))
    csrf = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def pools(db: Any) -> Pools:
    """Ids of the demo county's rows."""
    return Pools()


schema = _schema()


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case: Any, signed_in: dict[str, Any], pools: Pools) -> None:
    """No request to any operation answers a 5xx."""
    # given a signed-in region-wide user and a generated request, mostly about existing rows
    point_at_rows(case, pools)
    # when it is sent / then the answer is not a server error
    case.call_and_validate(
        headers=signed_in["headers"],
        cookies=signed_in["cookies"],
        checks=[not_a_server_error],
    )

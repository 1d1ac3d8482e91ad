"""Schemathesis over the whole OpenAPI schema (``/api/v1/openapi.json``), in process through the
WSGI app, as the city administrator and as a window clerk: whatever it sends, the API answers
no 500, only status codes it documents, and bodies that match its schema.

Bounded and derandomised so that ``make test`` stays reproducible and short.
"""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safetynet.site import demo
from safetynet.site.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ("city", "clerk")
# Loaded at collection, as served (the schema endpoint reads no database). The lazy fixture
# loader of schemathesis 4 does not work with pytest 9.2's nodes.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _token(username: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def one_connection():
    """The test's transaction lives on one connection: the WSGI handler must not close it after
    each request (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearers(db, one_connection) -> list[dict]:
    # A small city with households, so that ids and searches sometimes find something.
    demo.build_areas(counties=["370811"], townships=1, villages=2)
    demo.make_staff("fuzz_city", "city", "3708")
    clerk = demo.make_staff("fuzz_clerk", "clerk", "370811001")
    from safetynet.registry.models import Area

    village = Area.objects.get(code="370811001001")
    for seed in range(3):
        demo.make_household(clerk, village, random.Random(seed), date(2024, 3, 4))
    return [{"Authorization": f"Bearer {_token(f'fuzz_{role}')}"} for role in ROLES]


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_within_its_schema(case, bearers):
    # each generated request is sent as the city and as a township's clerk
    for headers in bearers:
        case.call_and_validate(headers=headers, checks=CHECKS)

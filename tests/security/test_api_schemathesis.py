"""Schemathesis over the API's own OpenAPI schema, against the WSGI app in process.

Every operation of the schema ``manage.py spectacular`` publishes is called with generated requests
(valid ones, and ones that break the schema on purpose), as an owner with a bearer token, on the demo
data: half the calls name a demo business and one of its real items, so requests reach the views
past "no such business". Each call runs in a transaction rolled back afterwards, so a DELETE cannot
empty the world for the calls after it.

What must hold: no 5xx (DESIGN §8: bad input is an OData error, never a 500), and each answer is one
the schema documents, with the documented content type and body shape.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from bookings import demo
from bookings.models import ApiToken, Business

pytestmark = pytest.mark.django_db

# Generated requests per operation: 41 operations in-process take ~1-2 minutes on two cores.
EXAMPLES_PER_OPERATION = 30
# The checks that matter for a Graph client: nothing crashes, the status code is one the schema
# lists, the body has the documented content type and shape.
CHECKS = (
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.negative_data_rejection,
)
ITEM_SEGMENTS = {
    "appointments": "appointments",
    "calendarView": "appointments",
    "staffMembers": "staff_members",
    "services": "services",
    "customQuestions": "custom_questions",
    "customers": "customers",
}


@pytest.fixture
def in_process_wsgi():
    """The WSGI handler closes the database connection when a request ends; the test's transaction
    lives on that connection, so keep it open, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(in_process_wsgi):
    """The demo businesses, an owner's token, and the real ids generated calls may pick."""
    demo.load_demo_data(now=datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
    owner = get_user_model().objects.create_user("fuzz-owner", "fuzz@example.com", "pw", is_staff=True)
    _token, raw = ApiToken.objects.issue(owner, "schemathesis")
    businesses = list(Business.objects.filter(is_active=True))
    ids = {
        segment: [str(record.graph_id or record.pk) for b in businesses for record in getattr(b, rel).all()]
        for segment, rel in ITEM_SEGMENTS.items()
    }
    return {"token": raw, "businesses": [b.graph_id for b in businesses], "items": ids}


def _operations():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return [result.ok() for result in schema.get_all_operations()]


def _with_known_ids(case, business: str | None, item: str | None):
    """Point a generated case at a real business and item (when both are picked and the path has them)."""
    params = case.path_parameters or {}
    if business is not None and "business_id" in params:
        params["business_id"] = business
    if item is not None and "item_id" in params:
        params["item_id"] = item
    return case


def _fuzz(operation, world) -> list[str]:
    """Run one operation's examples; the failures in words (empty when it held)."""
    segment = next((s for s in ITEM_SEGMENTS if f"/{s}/{{item_id}}" in operation.path), None)
    items = world["items"][segment] if segment else []
    failures: list[str] = []

    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        ),
        business=st.sampled_from([None, *world["businesses"]]),
        item=st.sampled_from([None, *items]) if items else st.none(),
    )
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, business, item):
        case = _with_known_ids(case, business, item)
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Bearer {world['token']}"})
            transaction.set_rollback(True)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as failed:  # kept, so that every operation is reported at once
            found = failed.exceptions if isinstance(failed, FailureGroup) else [failed]
            request = f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:300]}"
            for failure in found:
                first_line = failure.message.strip().splitlines()[0] if failure.message else ""
                failures.append(
                    f"{operation.label} -> {response.status_code} {failure.title}: {first_line}\n"
                    f"    {request}\n    {response.text[:300]}"
                )

    run()
    return failures


def test_the_api_answers_every_generated_request_as_its_schema_says(world):
    failures = []
    for operation in _operations():
        failures.extend(_fuzz(operation, world))
    assert not failures, "\n\n".join(failures[:400])

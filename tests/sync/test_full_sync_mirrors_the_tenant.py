"""A full pull over real HTTP leaves the portal with exactly what the emulated tenant holds.

The oracle is independent of the sync's mapping: every local record is rendered by the portal's own
API serializers (Graph's shape) and compared with the emulator's JSON member by member.
"""

from __future__ import annotations

from typing import Any

import pytest

from bookings.api.serializers.business import BusinessSerializer
from bookings.api.serializers.definitions import (
    CustomQuestionSerializer,
    ServiceSerializer,
    StaffMemberSerializer,
)
from bookings.enums import Origin, SyncState
from bookings.isoformats import parse_datetime_offset
from bookings.models import Business, CustomQuestion, Service, StaffMember, SyncRun
from tests.factories import BusinessFactory, StaffMemberFactory
from tests.sync.conftest import BENTO, CONTOSO, DANA, FABRIKAM, sync

pytestmark = pytest.mark.django_db

# What the portal computes or keys differently: ids (local UUIDs in the API) and relations, which
# are compared by Graph id below.
NOT_COMPARED = {"id", "staffMemberIds", "customQuestions"}
TIMESTAMPS = {"createdDateTime", "lastUpdatedDateTime"}
KINDS = [
    ("services", Service, ServiceSerializer),
    ("staffMembers", StaffMember, StaffMemberSerializer),
    ("customQuestions", CustomQuestion, CustomQuestionSerializer),
]


def assert_mirrors(expected: Any, actual: Any, path: str = "") -> None:
    """Every member the emulator has, the portal has with the same value (it may add nulls/defaults)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            if key.startswith("@odata") or (not path and key in NOT_COMPARED):
                continue
            assert key in actual, f"{path}.{key} missing"
            if key in TIMESTAMPS:  # the same instant may be printed with or without trailing zeros
                assert parse_datetime_offset(actual[key]) == parse_datetime_offset(value), f"{path}.{key}"
            else:
                assert_mirrors(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            assert_mirrors(left, right, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def graph_ids(records) -> list[str]:
    return [record.graph_id for record in records]


@pytest.mark.parametrize("business_id", [CONTOSO, FABRIKAM])
def test_every_definition_of_the_tenant_arrives_with_the_same_members(demo_emulator, graph, business_id):
    runs = sync(graph)

    assert [run.state for run in runs] == ["succeeded", "succeeded"]
    business = Business.objects.get(graph_id__iexact=business_id)
    assert_mirrors(demo_emulator.business(business_id), BusinessSerializer(business, context={}).data)
    for segment, model, serializer in KINDS:
        upstream = demo_emulator.items(business_id, segment)
        local = {record.graph_id: record for record in model.objects.filter(business=business)}
        assert sorted(local) == sorted(item["id"] for item in upstream), segment
        for item in upstream:
            record = local[item["id"]]
            assert record.origin == Origin.GRAPH and record.is_active and record.last_synced_at
            assert_mirrors(item, serializer(record, context={}).data)


def test_services_link_the_staff_and_questions_graph_names(demo_emulator, graph):
    sync(graph)

    for item in demo_emulator.items(CONTOSO, "services"):
        service = Service.objects.get(graph_id=item["id"])
        assert sorted(graph_ids(service.staff_members.all())) == sorted(item["staffMemberIds"])
        assert [
            {"questionId": row.question.graph_id, "isRequired": row.is_required}
            for row in service.question_assignments.all()
        ] == item.get("customQuestions", [])
    bento = Service.objects.get(graph_id=BENTO)
    assert bento.default_reminders and bento.default_reminders[0].message.startswith("Please be reminded")


def test_a_new_business_gets_a_unique_slug_and_the_run_records_what_was_created(demo_emulator, graph):
    BusinessFactory(slug="contoso-lunch-delivery", graph_id="other@contoso.onmicrosoft.com")

    (run,) = sync(graph, CONTOSO)

    business = Business.objects.get(graph_id=CONTOSO)
    assert business.slug == "contoso-lunch-delivery-2"
    assert business.sync_state == SyncState.OK and business.sync_error == "" and business.last_synced_at
    assert run == SyncRun.objects.get() and run.business == business and run.trigger == "manual"
    assert run.finished_at >= run.started_at
    assert run.counts["business"]["created"] == 1
    assert run.counts["services"]["created"] == len(demo_emulator.items(CONTOSO, "services"))
    assert run.counts["staff_members"]["created"] == len(demo_emulator.items(CONTOSO, "staffMembers"))
    assert run.counts["custom_questions"]["created"] == len(demo_emulator.items(CONTOSO, "customQuestions"))
    assert run.errors == []


def test_an_existing_business_is_matched_by_mailbox_case_insensitively_and_keeps_local_settings(graph):
    local = BusinessFactory(
        graph_id=CONTOSO.upper(), slug="our-contoso", time_zone="Europe/Paris", display_name="Old name"
    )

    (run,) = sync(graph, CONTOSO.lower())

    assert Business.objects.count() == 1
    local.refresh_from_db()
    assert (local.slug, local.time_zone, local.display_name) == (
        "our-contoso",
        "Europe/Paris",
        "Contoso Lunch Delivery",
    )
    assert run.counts["business"]["updated"] == 1 and run.business == local


def test_records_the_portal_made_that_have_no_graph_id_are_left_alone(graph):
    business = BusinessFactory(graph_id=CONTOSO)
    portal_only = StaffMemberFactory(business=business, display_name="Dana Swope", graph_id=None)

    sync(graph, CONTOSO)

    portal_only.refresh_from_db()
    assert portal_only.is_active and portal_only.origin == Origin.PORTAL and portal_only.graph_id is None
    assert StaffMember.objects.get(graph_id=DANA).origin == Origin.GRAPH


def test_without_configured_ids_the_businesses_are_listed(graph, settings):
    settings.BOOKINGS_BUSINESS_IDS = []

    runs = sync(graph)

    assert sorted(run.business_graph_id for run in runs) == sorted([CONTOSO, FABRIKAM])


def test_configured_ids_are_used_when_none_are_given(graph, settings):
    settings.BOOKINGS_BUSINESS_IDS = [FABRIKAM]

    (run,) = sync(graph)

    assert run.business_graph_id == FABRIKAM and not Business.objects.filter(graph_id=CONTOSO).exists()

"""A malformed or unexpected item from Graph is skipped and reported; everything else is applied."""

from __future__ import annotations

import pytest

from bookings.enums import StaffRole
from bookings.models import Business, Service, StaffMember
from tests.sync.conftest import BENTO, CONTOSO, DANA, plant, sync

pytestmark = pytest.mark.django_db

GOOD_SERVICE = {"displayName": "Good", "defaultDuration": "PT20M", "staffMemberIds": [DANA]}


def test_a_bad_service_is_skipped_and_recorded_while_the_rest_is_applied(demo_emulator, graph):
    bad = plant(
        demo_emulator, CONTOSO, "services", {"displayName": "Broken", "defaultDuration": "half an hour"}
    )
    good = demo_emulator.add_service(CONTOSO, GOOD_SERVICE)

    (run,) = sync(graph, CONTOSO)

    assert run.state == "partial"
    assert run.counts["services"]["skipped"] == 1 and run.counts["services"]["created"] == 5
    (error,) = run.errors
    assert error["kind"] == "services" and error["graph_id"] == bad and error["level"] == "error"
    assert "defaultDuration" in error["message"]
    assert not Service.objects.filter(graph_id=bad).exists()
    assert [m.graph_id for m in Service.objects.get(graph_id=good).staff_members.all()] == [DANA]
    assert Business.objects.get(graph_id=CONTOSO).sync_state == "ok"


@pytest.mark.parametrize(
    ("item", "member"),
    [
        ({"emailAddress": "x@contoso.com", "role": "guest"}, "displayName"),
        ({"displayName": "No mail", "role": "guest"}, "emailAddress"),
        (
            {
                "displayName": "Bad hours",
                "emailAddress": "h@contoso.com",
                "role": "guest",
                "workingHours": "9-5",
            },
            "workingHours",
        ),
        (
            {
                "displayName": "Bad zone",
                "emailAddress": "z@contoso.com",
                "role": "guest",
                "timeZone": "Mars/Olympus",
            },
            "time_zone",
        ),
        ({"displayName": "Bad mail", "emailAddress": "not an address", "role": "guest"}, "email_address"),
    ],
)
def test_a_staff_member_graph_sends_malformed_is_reported_with_the_member(demo_emulator, graph, item, member):
    bad = plant(demo_emulator, CONTOSO, "staffMembers", item)

    (run,) = sync(graph, CONTOSO)

    assert run.state == "partial" and run.counts["staff_members"] == {
        "created": 3,
        "updated": 0,
        "deactivated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert [(e["graph_id"], member in e["message"]) for e in run.errors] == [(bad, True)]
    assert not StaffMember.objects.filter(graph_id=bad).exists()


def test_unknown_enum_values_and_extra_members_are_applied_with_a_warning(demo_emulator, graph):
    odd = plant(
        demo_emulator,
        CONTOSO,
        "staffMembers",
        {
            "displayName": "Future role",
            "emailAddress": "future@contoso.com",
            "role": "superScheduler",
            "colorIndex": 4,
            "somethingNew": {"nested": True},
        },
    )

    (run,) = sync(graph, CONTOSO)

    assert run.state == "succeeded"
    assert StaffMember.objects.get(graph_id=odd).role == StaffRole.UNKNOWN_FUTURE_VALUE
    assert run.errors == [
        {
            "kind": "staff_members",
            "graph_id": odd,
            "message": "role: unknown value 'superScheduler' read as 'unknownFutureValue'",
            "level": "warning",
        }
    ]


def test_an_item_that_turns_bad_later_is_kept_as_it_was_not_deactivated(demo_emulator, graph):
    sync(graph, CONTOSO)
    with demo_emulator.state.lock:
        demo_emulator.state.business(CONTOSO).items["services"][BENTO]["preBuffer"] = "-PT5M"

    (run,) = sync(graph, CONTOSO)

    bento = Service.objects.get(graph_id=BENTO)
    assert bento.is_active and bento.display_name == "Bento"
    assert run.counts["services"]["skipped"] == 1 and run.counts["services"]["deactivated"] == 0


def test_a_service_naming_an_unknown_staff_member_keeps_the_known_links(demo_emulator, graph):
    service = demo_emulator.add_service(CONTOSO, GOOD_SERVICE)
    with demo_emulator.state.lock:
        demo_emulator.state.business(CONTOSO).items["services"][service]["staffMemberIds"] = [DANA, "ghost"]

    (run,) = sync(graph, CONTOSO)

    assert [m.graph_id for m in Service.objects.get(graph_id=service).staff_members.all()] == [DANA]
    assert run.state == "partial"
    assert [(e["graph_id"], "ghost" in e["message"]) for e in run.errors] == [(service, True)]


def test_an_item_without_an_id_is_reported(demo_emulator, graph):
    with demo_emulator.state.lock:
        items = demo_emulator.state.business(CONTOSO).items["customQuestions"]
        items["no-id"] = {"displayName": "Where is my id?"}

    (run,) = sync(graph, CONTOSO)

    assert run.counts["custom_questions"]["skipped"] == 1 and run.counts["custom_questions"]["created"] == 2
    assert run.errors[0]["graph_id"] is None and "id" in run.errors[0]["message"]


def test_a_malformed_business_fails_its_run_and_writes_nothing(demo_emulator, graph):
    with demo_emulator.state.lock:
        demo_emulator.state.business(CONTOSO).data["displayName"] = None

    (run,) = sync(graph, CONTOSO)

    assert run.state == "failed" and "displayName" in run.errors[0]["message"]
    assert not Business.objects.exists() and not Service.objects.exists()


def test_a_business_member_the_model_refuses_keeps_its_local_value_with_a_warning(demo_emulator, graph):
    sync(graph, CONTOSO)
    with demo_emulator.state.lock:
        demo_emulator.state.business(CONTOSO).data["webSiteUrl"] = "www.contoso.com"  # no scheme

    (run,) = sync(graph, CONTOSO)

    business = Business.objects.get(graph_id=CONTOSO)
    assert business.web_site_url == "https://www.contoso.com"
    assert run.state == "succeeded" and run.counts["business"]["unchanged"] == 1
    assert [(e["kind"], e["level"], e["message"].split(":")[0]) for e in run.errors] == [
        ("business", "warning", "web_site_url")
    ]

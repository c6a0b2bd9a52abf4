"""Owners' edits of definitions reach Graph through the outbox: only what changed, in order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import resources
from bookings.graph.errors import GraphNotFound
from bookings.graph.paths import business_path
from bookings.models import CustomQuestion, OutboxItem, OutboxState, Service, StaffMember
from bookings.sync.push import push_due

from .conftest import BENTO, CONTOSO, sync_one

pytestmark = pytest.mark.django_db(transaction=True)


def upstream(graph, *segments):
    return graph.get(business_path(CONTOSO, *segments))


def all_done() -> bool:
    return not OutboxItem.objects.exclude(state=OutboxState.DONE).exists()


def test_a_renamed_service_is_patched_with_only_what_changed(graph, contoso, demo_emulator):
    bento = Service.objects.get(graph_id=BENTO)
    price = upstream(graph, "services", BENTO)["defaultPrice"]
    resources.update_definition(bento, {"display_name": "Bento deluxe"})

    push_due(graph)

    assert all_done()
    after = upstream(graph, "services", BENTO)
    assert after["displayName"] == "Bento deluxe" and after["defaultPrice"] == price
    assert [r.method for r in demo_emulator.requests if r.path.endswith(BENTO)].count("PATCH") == 1


def test_a_new_staff_member_and_the_service_naming_them_arrive_in_that_order(graph, contoso):
    kim = resources.create_definition(
        StaffMember,
        business=contoso,
        fields={"display_name": "Kim Abercrombie", "email_address": "kim@contoso.com", "role": "teamMember"},
    )
    bento = Service.objects.get(graph_id=BENTO)
    before = set(upstream(graph, "services", BENTO)["staffMemberIds"])
    resources.update_definition(bento, {"staff_members": [*bento.staff_members.all(), kim]})

    push_due(graph)

    assert all_done()
    kim.refresh_from_db()
    assert kim.graph_id and upstream(graph, "staffMembers", kim.graph_id)["emailAddress"] == "kim@contoso.com"
    assert set(upstream(graph, "services", BENTO)["staffMemberIds"]) == before | {kim.graph_id}


def test_a_deleted_question_is_deleted_in_graph(graph, contoso):
    question = CustomQuestion.objects.filter(business=contoso, graph_id__isnull=False).first()
    resources.delete_definition(question)

    push_due(graph)

    assert all_done()
    with pytest.raises(GraphNotFound):
        upstream(graph, "customQuestions", question.graph_id)


def test_publishing_and_unpublishing_reach_graph(graph, contoso):
    resources.unpublish_business(contoso)
    push_due(graph)
    assert upstream(graph)["isPublished"] is False
    resources.publish_business(contoso)
    push_due(graph)
    assert upstream(graph)["isPublished"] is True


def test_a_lost_staff_create_is_found_by_its_address_not_duplicated(graph, contoso, demo_emulator):
    demo_emulator.faults.add(method="POST", path=r"/staffMembers$", lose_response=True)
    resources.create_definition(
        StaffMember,
        business=contoso,
        fields={"display_name": "Lee", "email_address": "lee@contoso.com", "role": "teamMember"},
    )
    push_due(graph)

    push_due(graph, clock=lambda: timezone.now() + timedelta(hours=1))

    assert all_done()
    listed = [
        s
        for s in graph.list_all(business_path(CONTOSO, "staffMembers"))
        if s["emailAddress"] == "lee@contoso.com"
    ]
    assert len(listed) == 1
    assert StaffMember.objects.get(email_address="lee@contoso.com").graph_id == listed[0]["id"]


def test_sync_reading_graph_queues_nothing(graph, contoso):
    sync_one(graph)
    assert not OutboxItem.objects.exists()

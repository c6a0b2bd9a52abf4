"""What vanished upstream is deactivated here, never deleted, and comes back when it reappears."""

from __future__ import annotations

import pytest

from bookings.enums import Origin
from bookings.models import CustomQuestion, Service, StaffMember
from tests.factories import AppointmentFactory
from tests.sync.conftest import AGE_QUESTION, BENTO, CONTOSO, DANA, delete_upstream, sync

pytestmark = pytest.mark.django_db


def test_a_staff_member_deleted_in_bookings_is_deactivated_not_deleted(graph):
    sync(graph, CONTOSO)
    dana = StaffMember.objects.get(graph_id=DANA)

    delete_upstream(graph, CONTOSO, "staffMembers", DANA)
    (run,) = sync(graph, CONTOSO)

    dana.refresh_from_db()
    assert not dana.is_active and dana.graph_id == DANA
    assert run.counts["staff_members"]["deactivated"] == 1 and run.state == "succeeded"
    assert StaffMember.objects.filter(business=dana.business, is_active=True).count() == 2


def test_a_record_that_comes_back_upstream_is_reactivated(demo_emulator, graph):
    sync(graph, CONTOSO)
    saved = next(
        item for item in demo_emulator.items(CONTOSO, "customQuestions") if item["id"] == AGE_QUESTION
    )
    delete_upstream(graph, CONTOSO, "customQuestions", AGE_QUESTION)
    sync(graph, CONTOSO)
    assert not CustomQuestion.objects.get(graph_id=AGE_QUESTION).is_active

    demo_emulator.add_custom_question(CONTOSO, saved)  # the same id again, as a restore would
    (run,) = sync(graph, CONTOSO)

    question = CustomQuestion.objects.get(graph_id=AGE_QUESTION)
    assert question.is_active
    assert run.counts["custom_questions"]["updated"] == 1 and run.counts["custom_questions"]["created"] == 0


def test_a_deleted_service_is_deactivated_once_and_booked_history_still_points_at_it(graph):
    sync(graph, CONTOSO)
    bento = Service.objects.get(graph_id=BENTO)
    booked = AppointmentFactory(business=bento.business, service=bento)
    delete_upstream(graph, CONTOSO, "services", BENTO)

    (first,) = sync(graph, CONTOSO)
    (second,) = sync(graph, CONTOSO)

    booked.refresh_from_db()
    assert booked.service == bento and not Service.objects.get(pk=bento.pk).is_active
    assert first.counts["services"]["deactivated"] == 1
    assert second.counts["services"]["deactivated"] == 0 and second.totals()["updated"] == 0


def test_portal_records_without_a_graph_id_are_never_deactivated(graph):
    sync(graph, CONTOSO)
    dana = StaffMember.objects.get(graph_id=DANA)
    portal_only = StaffMember.objects.create(
        business=dana.business, display_name="New hire", email_address="new@contoso.com", role="guest"
    )

    (run,) = sync(graph, CONTOSO)

    portal_only.refresh_from_db()
    assert portal_only.is_active and portal_only.origin == Origin.PORTAL
    assert run.counts["staff_members"]["deactivated"] == 0


def test_a_portal_only_staff_link_on_a_graph_service_survives_a_sync(graph):
    sync(graph, CONTOSO)
    bento = Service.objects.get(graph_id=BENTO)
    new_hire = StaffMember.objects.create(
        business=bento.business, display_name="New hire", email_address="new@contoso.com", role="guest"
    )
    bento.staff_members.add(new_hire)

    (run,) = sync(graph, CONTOSO)

    assert new_hire in bento.staff_members.all()
    assert run.counts["services"]["unchanged"] == 4

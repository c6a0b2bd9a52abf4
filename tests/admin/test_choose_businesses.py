"""Choosing the businesses to serve (bookings/admin/serve.py): what the connection sees, merged with the
portal's own businesses; saving serves, stops serving and syncs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bookings.admin.serve import Choice, Plan, merge_choices, plan_changes
from bookings.models import Business, SyncRun
from tests.admin.conftest import CONTOSO, FABRIKAM, connect, messages_of
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
URL = "/admin/graph/businesses/"


# --- The pure parts ---------------------------------------------------------------------------------


def test_graph_and_portal_rows_merge_by_mailbox_whatever_the_letter_case():
    visible = [("Contoso@x.com", "Contoso Lunch"), ("fabrikam@x.com", "Fabrikam")]
    local = [(7, "contoso@X.com", "Contoso (ours)", True), (8, "made-here@portal.localhost", "Ours", False)]

    choices = merge_choices(visible, local)

    assert choices == [
        Choice("Contoso@x.com", "Contoso (ours)", in_graph=True, served=True, pk=7),
        Choice("fabrikam@x.com", "Fabrikam", in_graph=True, served=False),
        Choice("made-here@portal.localhost", "Ours", in_graph=False, served=False, pk=8),
    ]


def test_the_plan_serves_the_newly_ticked_stops_the_unticked_and_syncs_what_graph_knows():
    choices = [
        Choice("a@x.com", "A", in_graph=True, served=True, pk=1),  # stays
        Choice("b@x.com", "B", in_graph=True, served=True, pk=2),  # unticked
        Choice("c@x.com", "C", in_graph=True, served=False, pk=3),  # served again
        Choice("d@x.com", "D", in_graph=True, served=False),  # new
        Choice("e@portal", "E", in_graph=False, served=False, pk=5),  # made here: nothing to sync
    ]

    plan = plan_changes(choices, ["A@x.com", "c@x.com", "d@x.com", "e@portal", "forged@evil.com"])

    assert plan == Plan(
        serve=("c@x.com", "d@x.com", "e@portal"),
        activate=(3, 5),
        deactivate=(2,),
        sync=("c@x.com", "d@x.com"),
    )


# --- The page ----------------------------------------------------------------------------------------


def test_in_app_mode_the_configured_ids_are_offered_beside_the_portals_businesses(
    admin_client, graph_settings
):
    BusinessFactory(graph_id="made-here@portal.localhost", display_name="Made here")

    page = admin_client.get(URL)

    assert page.status_code == 200
    assert [(c.graph_id, c.served) for c in page.context["choices"]] == [
        (CONTOSO, False),
        (FABRIKAM, False),
        ("made-here@portal.localhost", True),
    ]
    assert b'<label for="serve-1">' in page.content


def test_saving_serves_and_syncs_the_ticked_and_stops_serving_the_others(admin_client, graph_settings):
    made_here = BusinessFactory(graph_id="made-here@portal.localhost", is_published=True)

    page = admin_client.post(URL, {"serve": [CONTOSO]}, follow=True)

    assert messages_of(page) == [
        f"success: Now serving {CONTOSO}.",
        "info: Stopped serving 1 business.",
        "success: Synced 1 business.",
    ]
    contoso = Business.objects.get(graph_id__iexact=CONTOSO)
    assert contoso.is_active and contoso.display_name == "Contoso Lunch Delivery"
    made_here.refresh_from_db()
    assert not made_here.is_active and not made_here.is_published
    assert list(SyncRun.objects.values_list("business_graph_id", "trigger")) == [(CONTOSO, "admin")]
    assert not Business.objects.filter(graph_id__iexact=FABRIKAM).exists()


def test_serving_a_business_again_reactivates_it_and_syncs_it(admin_client, graph_settings):
    fabrikam = BusinessFactory(graph_id=FABRIKAM, is_active=False)

    admin_client.post(URL, {"serve": [FABRIKAM]})

    fabrikam.refresh_from_db()
    assert fabrikam.is_active and SyncRun.objects.get().business == fabrikam


def test_saving_the_same_choice_again_changes_nothing(admin_client, graph_settings):
    BusinessFactory(graph_id=CONTOSO)

    page = admin_client.post(URL, {"serve": [CONTOSO]}, follow=True)

    assert messages_of(page) == ["info: Nothing changed."] and not SyncRun.objects.exists()


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")
def test_in_delegated_mode_the_businesses_the_owner_manages_are_listed_from_graph(
    admin_client, delegated, demo_emulator
):
    connect(admin_client, demo_emulator)

    page = admin_client.get(URL)

    assert {(c.graph_id.lower(), c.display_name, c.in_graph) for c in page.context["choices"]} == {
        (CONTOSO.lower(), "Contoso Lunch Delivery", True),
        (FABRIKAM.lower(), "Fabrikam", True),
    }


def test_when_graph_cannot_list_them_the_page_says_so_and_still_offers_the_portals(admin_client, delegated):
    BusinessFactory(graph_id=CONTOSO, display_name="Contoso")

    page = admin_client.get(URL)

    assert page.status_code == 200
    assert messages_of(page)[0].startswith("error: Cannot list the businesses in Microsoft 365: ")
    assert [c.display_name for c in page.context["choices"]] == ["Contoso"]


def test_choosing_needs_the_permission_to_change_businesses(client, graph_settings, django_user_model):
    client.force_login(django_user_model.objects.create_user("viewer", password="pw", is_staff=True))

    assert client.get(URL).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200

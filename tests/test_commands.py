"""Management commands: ``api_token`` for scripts that call the API, ``load_demo`` for trying it out."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from bookings.models import ApiToken, Business, StaffMember
from bookings.models.tokens import hash_token
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def run(*args: str, **options) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def make_user(username: str, **fields):
    return get_user_model().objects.create_user(username, f"{username}@example.com", "pw", **fields)


def test_api_token_prints_only_a_new_token_that_is_stored_as_a_hash():
    user = make_user("samantha", is_staff=True)

    out, err = run("api_token", "samantha", "--name", "ci")

    assert out.endswith("\n") and out.count("\n") == 1 and not err
    raw = out.strip()
    token = ApiToken.objects.authenticate(raw)
    assert token is not None and token.user == user and token.name == "ci"
    assert token.key_hash == hash_token(raw) != raw
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert raw not in {token.prefix, token.key_hash, token.name}


def test_api_token_issues_a_new_token_on_every_run():
    make_user("samantha", is_staff=True)

    first, second = run("api_token", "samantha")[0].strip(), run("api_token", "samantha")[0].strip()

    assert first != second
    assert ApiToken.objects.authenticate(first) and ApiToken.objects.authenticate(second)


def test_api_token_accepts_a_user_linked_to_an_active_staff_member():
    user = make_user("dana")
    StaffMemberFactory(user=user, display_name="Dana Swope")

    raw = run("api_token", "dana")[0].strip()

    assert ApiToken.objects.authenticate(raw).user == user


def test_api_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("api_token", "nobody")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("linked_to", [None, "inactive staff member"])
def test_api_token_refuses_a_user_who_is_not_staff(linked_to):
    user = make_user("customer")
    if linked_to:
        StaffMemberFactory(user=user, is_active=False)

    with pytest.raises(CommandError, match="may not use the API"):
        run("api_token", "customer")
    assert not ApiToken.objects.exists()


def test_api_token_refuses_an_inactive_user():
    make_user("former", is_staff=True, is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        run("api_token", "former")


def test_load_demo_loads_the_demo_businesses_without_an_owner_when_debug_is_off(settings):
    settings.DEBUG = False

    out, _ = run("load_demo")

    assert "Demo data loaded" in out and "createsuperuser" in out
    assert set(Business.objects.values_list("slug", flat=True)) == {"contoso", "fabrikam"}
    assert StaffMember.objects.filter(display_name="Dana Swope").exists()
    assert not get_user_model().objects.filter(username="owner").exists()


def test_load_demo_creates_the_demo_owner_when_debug_is_on(settings):
    settings.DEBUG = True

    out, _ = run("load_demo")
    run("load_demo")  # again: the owner is updated, not duplicated

    owner = get_user_model().objects.get(username="owner")
    assert owner.is_superuser and owner.is_staff and owner.check_password("owner")
    assert "DEMO CREDENTIALS" in out


def test_load_demo_creates_the_owner_with_debug_off_only_when_forced(settings):
    settings.DEBUG = False

    run("load_demo", "--force-owner")

    assert get_user_model().objects.get(username="owner").check_password("owner")


def test_load_demo_without_owner_creates_no_account(settings):
    settings.DEBUG = True

    out, _ = run("load_demo", "--no-owner")

    assert not get_user_model().objects.filter(username="owner").exists()
    assert "DEMO CREDENTIALS" not in out

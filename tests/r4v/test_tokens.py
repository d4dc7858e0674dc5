"""API tokens: stored as a digest, expiring, several per user, ended by a new password."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from r4v.models import ApiToken
from r4v.services import api_token_create

from ..conftest import PASSWORD, client_for
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-enough-passphrase-2026"
PROTECTED = "/api/v1/change-notices/"


def api_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def works(key: str) -> bool:
    status = api_with(key).get(PROTECTED).status_code
    assert status in (200, 401), status
    return status == 200


# --- Storage ----------------------------------------------------------------------------------


def test_only_a_prefix_and_a_digest_of_the_key_are_stored():
    # given
    user = UserFactory()
    # when
    token, key = api_token_create(user=user, name="Dashboard")
    # then
    row = ApiToken.objects.values().get(pk=token.pk)
    assert key not in str(row)
    assert key.split("_")[-1] not in str(row)
    assert row["digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(f"r4v_{row['prefix']}_")
    assert works(key)


@pytest.mark.parametrize(
    "key",
    [
        "not-a-real-token",
        "r4v_0123456789ab_wrong-secret",
        "r4v_ZZZZZZZZZZZZ_x",
        "",
    ],
)
def test_a_wrong_or_malformed_key_answers_401(key):
    # given: a real token, whose prefix the second key borrows
    user = UserFactory()
    token, _key = api_token_create(user=user, name="Dashboard")
    key = key.replace("0123456789ab", token.prefix)
    # when
    response = api_with(key).get(PROTECTED)
    # then
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")


def test_the_secret_is_checked_not_only_the_prefix():
    # given
    token, key = api_token_create(user=UserFactory(), name="Dashboard")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    # then
    assert works(key)
    assert not works(forged)


# --- Expiry and use ---------------------------------------------------------------------------


def test_a_token_expires_after_its_lifetime(settings):
    # given
    settings.API_TOKEN_LIFETIME_DAYS = 30
    token, key = api_token_create(user=UserFactory(), name="Dashboard")
    assert token.expires_at == token.created_at + timezone.timedelta(days=30)
    # when / then
    with time_machine.travel(token.expires_at - timezone.timedelta(minutes=1)):
        assert works(key)
    with time_machine.travel(token.expires_at + timezone.timedelta(seconds=1)):
        response = api_with(key).get(PROTECTED)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_use_is_recorded_at_most_every_few_minutes():
    # given
    token, key = api_token_create(user=UserFactory(), name="Dashboard")
    start = timezone.now()
    # when
    with time_machine.travel(start, tick=False):
        api_with(key).get(PROTECTED)
    with time_machine.travel(start + timezone.timedelta(minutes=1), tick=False):
        api_with(key).get(PROTECTED)
    # then: the second request did not write
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timezone.timedelta(minutes=6), tick=False):
        api_with(key).get(PROTECTED)
    token.refresh_from_db()
    assert token.last_used_at == start + timezone.timedelta(minutes=6)


def test_an_inactive_owner_s_token_answers_401():
    # given
    user = UserFactory()
    _token, key = api_token_create(user=user, name="Dashboard")
    # when
    user.is_active = False
    user.save()
    # then
    assert not works(key)


# --- Several per user, by name ----------------------------------------------------------------


def test_a_user_has_several_named_tokens_and_a_taken_name_replaces_its_token():
    # given
    user = UserFactory()
    _a, dashboard = api_token_create(user=user, name="Dashboard")
    _b, sync = api_token_create(user=user, name="Nightly sync")
    # when
    _c, dashboard_again = api_token_create(user=user, name="  dashboard ")
    # then
    assert sorted(user.api_tokens.values_list("name", flat=True)) == ["Nightly sync", "dashboard"]
    assert not works(dashboard)
    assert works(sync)
    assert works(dashboard_again)


def test_the_number_of_tokens_per_user_is_bounded(settings):
    # given
    settings.API_TOKENS_PER_USER = 2
    user = UserFactory()
    api_token_create(user=user, name="one")
    api_token_create(user=user, name="two")
    # when
    client = client_for(APIClient(), None)
    response = client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD, "name": "three"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_tokens"
    assert list(response.json()["errors"]) == ["name"]
    assert user.api_tokens.count() == 2


def test_the_token_endpoint_issues_a_named_expiring_token():
    # given
    user = UserFactory(email="ana@example.org")
    # when
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "Ana@Example.org", "password": PASSWORD, "name": "Health dashboard"},
        format="json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=user)
    assert sorted(body) == ["expires_at", "name", "token"]
    assert body["name"] == "Health dashboard" == token.name
    assert datetime.datetime.fromisoformat(body["expires_at"]) == token.expires_at
    assert works(body["token"])


# --- The token page ---------------------------------------------------------------------------


def test_the_page_shows_a_new_key_once_then_lists_it_without_the_key(client):
    # given
    user = UserFactory()
    client_for(client, user)
    assert "You have no API token." in client.get(reverse("api-token")).content.decode()
    # when
    created = client.post(reverse("api-token"), {"action": "generate", "name": "Sync"})
    # then
    key = created.context["new_key"]
    html = created.content.decode()
    assert f'curl -H "Authorization: Token {key}" http://testserver/api/v1/platform-sectors/' in (
        html
    )
    assert "no-store" in created["Cache-Control"]
    later = client.get(reverse("api-token")).content.decode()
    assert key not in later
    token = ApiToken.objects.get(user=user)
    assert f"r4v_{token.prefix}…" in later
    assert "Sync" in later
    assert works(key)


def test_a_token_needs_a_name_on_the_page(client):
    # given
    user = UserFactory()
    # when
    response = client_for(client, user).post(
        reverse("api-token"), {"action": "generate", "name": "   "}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_one_token_and_keeps_the_others(client):
    # given
    user = UserFactory()
    first, first_key = api_token_create(user=user, name="First")
    _second, second_key = api_token_create(user=user, name="Second")
    # when
    response = client_for(client, user).post(
        reverse("api-token"), {"action": "revoke", "token": first.pk}
    )
    # then
    assert response.status_code == 302
    assert not works(first_key)
    assert works(second_key)


def test_nobody_revokes_someone_else_s_token(client):
    # given
    owner = UserFactory()
    token, key = api_token_create(user=owner, name="Mine")
    # when
    responses = [
        client_for(client, UserFactory()).post(
            reverse("api-token"), {"action": "revoke", "token": value}
        )
        for value in (token.pk, "1.5", "")
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert works(key)


def test_the_page_lists_only_the_user_s_own_tokens(client):
    # given
    api_token_create(user=UserFactory(), name="Someone else's")
    user = UserFactory()
    api_token_create(user=user, name="Mine")
    # when
    html = client_for(client, user).get(reverse("api-token")).content.decode()
    # then
    assert "Mine" in html
    assert "Someone else" not in html


# --- A new password, a deactivated account ----------------------------------------------------


def _change_own_password(client, user, mailoutbox):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def _reset_by_e_mail(client, user, mailoutbox):
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(
        r"https?://[^/\s]+(/[a-z]{2}/accounts/password/reset/\S+/)", mailoutbox[0].body
    )
    set_password_url = client.get(link.group(1)).url
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("password_reset_complete")


def _admin_sets_it(client, user, mailoutbox):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client_for(client, admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _code_sets_it(client, user, mailoutbox):
    user.set_password(NEW_PASSWORD)
    user.save()


@pytest.mark.parametrize(
    "change",
    [_change_own_password, _reset_by_e_mail, _admin_sets_it, _code_sets_it],
    ids=["own-change", "reset", "admin-set-password", "set_password-in-code"],
)
def test_a_new_password_ends_every_token_of_the_user(client, mailoutbox, change, tasks_run_inline):
    # given
    user = UserFactory(email="ana@example.org")
    _a, first = api_token_create(user=user, name="First")
    _b, second = api_token_create(user=user, name="Second")
    _c, others = api_token_create(user=UserFactory(), name="Someone else's")
    assert works(first) and works(second)
    # when
    change(client, user, mailoutbox)
    # then
    assert not user.api_tokens.exists()
    assert not works(first)
    assert not works(second)
    assert works(others)


def test_a_stronger_hash_at_log_in_is_not_a_new_password(client, settings):
    # given: a password stored with an older hasher, which Django re-hashes at the next log-in
    user = UserFactory(email="ana@example.org")
    _token, key = api_token_create(user=user, name="Dashboard")
    assert user.password.startswith("md5$")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    # when
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert works(key)


def test_deactivating_an_account_in_the_admin_ends_its_tokens(client):
    # given
    user = UserFactory(email="ana@example.org")
    _token, key = api_token_create(user=user, name="Dashboard")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client_for(client, admin)
    page = client.get(f"/admin/r4v/user/{user.pk}/change/")
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(is_active="", last_login_0="", last_login_1="")
    data.pop("is_active")
    # when
    response = client.post(f"/admin/r4v/user/{user.pk}/change/", data)
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active is False
    assert not user.api_tokens.exists()
    # and reactivating does not bring the token back
    user.is_active = True
    user.save()
    assert not works(key)


def test_an_account_whose_password_was_disabled_cannot_use_its_tokens():
    # given
    user = UserFactory()
    _token, key = api_token_create(user=user, name="Dashboard")
    # when
    user.password = make_password(None)
    user.save()
    # then
    assert not works(key)


def test_the_admin_shows_a_token_without_its_digest(client):
    # given
    token, key = api_token_create(user=UserFactory(), name="Dashboard")
    client_for(client, UserFactory(is_staff=True, is_superuser=True))
    # when
    html = client.get(reverse("admin:r4v_apitoken_change", args=[token.pk])).content.decode()
    # then
    assert token.prefix in html
    assert token.digest not in html
    assert key not in html


@pytest.mark.parametrize(
    ("persona", "status"), [("partner", 200), ("regional", 403), ("admin", 403)]
)
def test_the_password_alone_makes_a_token_only_for_accounts_without_a_second_factor(
    personas, persona, status
):
    # given: the Regional Platform team and administrators must log in with a second factor
    user = personas[persona]
    # when
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == status
    assert ApiToken.objects.filter(user=user).exists() is (status == 200)

"""Log-in lockout: wrong passwords lock the account and the address for a cool-off."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from r4v.models import ApiToken

from ..conftest import PASSWORD
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed log-in attempts."
ACCOUNT_FAILURES = settings.LOGIN_LOCKOUT["ACCOUNT_FAILURES"]
ADDRESS_FAILURES = settings.LOGIN_LOCKOUT["ADDRESS_FAILURES"]
COOL_OFF = timezone.timedelta(seconds=settings.LOGIN_LOCKOUT["COOL_OFF_SECONDS"])


def log_in(client, email, password, address="198.51.100.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def logged_in(response) -> bool:
    return response.status_code == 302


def errors(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.org")


# --- Per account --------------------------------------------------------------------------------


def test_failures_lock_the_account_and_the_right_password_is_refused_while_locked(client, ana):
    # given
    failures = [log_in(client, "Ana@Example.org", f"wrong-{i}") for i in range(ACCOUNT_FAILURES)]
    # when
    response = log_in(client, "ana@example.org", PASSWORD)
    # then: the last failure already says so, and the right password does not get in
    assert [LOCKED in errors(r) for r in failures] == [False] * (ACCOUNT_FAILURES - 1) + [True]
    assert not logged_in(response)
    assert "Try again in 15 minutes" in errors(response)
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_starts_the_count_again(
    client, ana
):
    # given
    for i in range(ACCOUNT_FAILURES - 1):
        log_in(client, ana.email, f"wrong-{i}")
    # when
    success = log_in(client, ana.email, PASSWORD)
    client.logout()
    after = [log_in(client, ana.email, f"again-{i}") for i in range(ACCOUNT_FAILURES - 1)]
    # then
    assert logged_in(success)
    assert not any(LOCKED in errors(r) for r in after)
    assert logged_in(log_in(client, ana.email, PASSWORD))


def test_the_lock_ends_after_the_cool_off(client, ana):
    # given
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for i in range(ACCOUNT_FAILURES):
            log_in(client, ana.email, f"wrong-{i}")
    # when
    with time_machine.travel(start + COOL_OFF - timezone.timedelta(seconds=30), tick=False):
        still_locked = log_in(client, ana.email, PASSWORD)
    with time_machine.travel(start + COOL_OFF + timezone.timedelta(seconds=1), tick=False):
        one_more_failure = log_in(client, ana.email, "wrong-again")
        after = log_in(client, ana.email, PASSWORD)
    # then
    assert "Try again in 1 minute," in errors(still_locked)
    assert LOCKED not in errors(one_more_failure)
    assert logged_in(after)


def test_an_unknown_account_locks_like_a_known_one(client, db):
    # The answers must not tell which e-mail addresses have accounts.
    responses = [log_in(client, "nobody@example.org", f"x-{i}") for i in range(ACCOUNT_FAILURES)]
    assert LOCKED in errors(responses[-1])


def test_one_locked_account_does_not_lock_another(client, ana):
    # given
    luis = UserFactory(email="luis@example.org")
    for i in range(ACCOUNT_FAILURES):
        log_in(client, ana.email, f"wrong-{i}")
    # when / then
    assert logged_in(log_in(client, luis.email, PASSWORD))


# --- Per address --------------------------------------------------------------------------------


def test_failures_from_one_address_lock_that_address_for_every_account(client, ana):
    # given: many accounts tried once each from one address
    guesses = [
        log_in(client, f"user-{i}@example.org", "guess", address="203.0.113.7")
        for i in range(ADDRESS_FAILURES)
    ]
    # when
    same_address = log_in(client, ana.email, PASSWORD, address="203.0.113.7")
    other_address = log_in(client, ana.email, PASSWORD, address="203.0.113.8")
    # then
    assert LOCKED in errors(guesses[-1])
    assert not logged_in(same_address)
    assert LOCKED in errors(same_address)
    assert logged_in(other_address)


# --- The other doors: the API's token endpoint and the admin ------------------------------------


def test_the_token_endpoint_answers_429_with_retry_after_while_locked(ana):
    # given
    api = APIClient()
    for i in range(ACCOUNT_FAILURES - 1):
        api.post("/api/v1/auth/token/", {"email": ana.email, "password": f"w-{i}"}, format="json")
    # when
    locking = api.post("/api/v1/auth/token/", {"email": ana.email, "password": "w"}, format="json")
    right = api.post(
        "/api/v1/auth/token/", {"email": ana.email, "password": PASSWORD}, format="json"
    )
    # then
    for response in (locking, right):
        assert response.status_code == 429
        assert response.json()["code"] == "login_locked"
        assert response.json()["detail"].startswith(LOCKED)
        assert 0 < int(response["Retry-After"]) <= COOL_OFF.total_seconds()
    assert not ApiToken.objects.exists()


def test_failures_on_the_api_and_the_page_count_together(client, ana):
    # given
    api = APIClient()
    for i in range(ACCOUNT_FAILURES - 1):
        api.post("/api/v1/auth/token/", {"email": ana.email, "password": f"w-{i}"}, format="json")
    # when
    response = log_in(client, ana.email, "wrong")
    # then
    assert LOCKED in errors(response)


def test_the_admin_log_in_is_locked_too(client, db):
    # given
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    for i in range(ACCOUNT_FAILURES):
        client.post(reverse("admin:login"), {"username": admin.email, "password": f"w-{i}"})
    # when
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})
    # then
    assert response.status_code == 200
    assert LOCKED in " ".join(response.context["form"].non_field_errors())


# --- Shared by every process ----------------------------------------------------------------------

PROCESS = """
import sys
import django
django.setup()
from django.test import RequestFactory
from r4v import lockout

email, what, address = sys.argv[1], sys.argv[2], sys.argv[3]
request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
if what == "fail":
    for _ in range({failures}):
        try:
            lockout.login_failed(request, email=email)
        except lockout.LoginLocked:
            pass
else:
    try:
        lockout.login_check(request, email=email)
    except lockout.LoginLocked as locked:
        print("locked", locked.retry_after)
    else:
        print("open")
"""


def _process(env, *args) -> str:
    script = PROCESS.format(failures=ACCOUNT_FAILURES)
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("cache", ["embedded", "redis"])
def test_failures_counted_by_one_process_lock_the_account_in_another(cache):
    # given: two processes, as two gunicorn workers would be, on the cache the settings choose
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "r4v.settings",
        "SECRET_KEY": settings.SECRET_KEY,
    }
    if cache == "embedded":
        env.pop("REDIS_URL", None)
    elif not env.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    # The counts outlive the run (Redis, or files in var/): an account and an address of its own
    # (IPv6 documentation range), so that a run soon after another starts from nothing.
    email = f"{uuid.uuid4().hex}@example.org"
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    # when
    before = _process(env, email, "check", address)
    _process(env, email, "fail", address)
    after = _process(env, email, "check", address)
    # then
    assert before == "open"
    assert after.startswith("locked ")

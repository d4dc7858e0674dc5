"""Two-step verification: offered to everyone, required of the Regional Platform team and
administrators, on the site, the admin and the API-token page; wrong codes lock like passwords."""

import re
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from r4v import mfa
from r4v.models import ApiToken

from ..conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed log-in attempts."
ACCOUNT_FAILURES = settings.LOGIN_LOCKOUT["ACCOUNT_FAILURES"]


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or a step later: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enter(client, code: str, next_url: str = ""):
    return client.post(reverse("mfa-verify"), {"code": code, "next": next_url})


def redirected_to(response, name: str) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse(name))


# --- Required: nothing before the second factor --------------------------------------------------


@pytest.mark.parametrize("persona", ["regional", "admin"])
def test_a_required_person_without_an_app_is_sent_to_set_one_up_before_anything_else(
    client, personas, persona
):
    # given: the password was right
    log_in(client, personas[persona])
    # when
    page = client.get(reverse("my-work"))
    admin = client.get(reverse("admin:index"))
    tokens = client.post(reverse("api-token"), {"action": "generate", "name": "Script"})
    api = client.get("/api/v1/")
    # then
    assert redirected_to(page, "mfa-enrol")
    assert page.url.endswith("?next=/en/my-work/")
    assert redirected_to(admin, "mfa-enrol")
    assert redirected_to(tokens, "mfa-enrol")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["regional", "admin"])
def test_a_required_person_with_an_app_reaches_pages_admin_and_tokens_only_after_the_code(
    client, personas, persona
):
    # given
    user = personas[persona]
    device = app_for(user)
    log_in(client, user)
    # when: before the code
    before = [
        client.get(reverse("my-work")),
        client.get(reverse("admin:index")),
        client.post(reverse("api-token"), {"action": "generate", "name": "Script"}),
    ]
    # then
    assert all(redirected_to(r, "mfa-verify") for r in before)
    assert not ApiToken.objects.exists()
    # when: the code
    verified = enter(client, code_for(device), next_url=reverse("my-work"))
    # then
    assert verified.status_code == 302 and verified.url == reverse("my-work")
    assert client.get(reverse("my-work")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == (200 if persona == "admin" else 302)
    created = client.post(reverse("api-token"), {"action": "generate", "name": "Script"})
    assert created.status_code == 200
    assert list(ApiToken.objects.values_list("user", "name")) == [(user.pk, "Script")]


def test_the_admin_log_in_page_asks_for_the_code_before_the_admin(client, personas):
    # given
    user = personas["admin"]
    device = app_for(user)
    # when
    response = client.post(
        reverse("admin:login"),
        {"username": user.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    admin = client.get(reverse("admin:index"))
    # then
    assert response.status_code == 302
    assert redirected_to(admin, "mfa-verify")
    assert admin.url.endswith("?next=/admin/")
    # when
    enter(client, code_for(device))
    # then
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_refuses_an_unverified_administrator_even_past_the_gate(rf, personas):
    # given: a request the middleware never saw, as if the gate had been bypassed
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = personas["admin"]
    request.user.is_verified = lambda: False
    # when / then
    assert admin.site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_a_session_whose_app_was_removed_is_asked_again(client, personas):
    # given: the administrator removed the person's lost phone in the admin
    user = personas["regional"]
    client_for(client, user)
    assert client.get(reverse("my-work")).status_code == 200
    # when
    TOTPDevice.objects.filter(user=user).delete()
    # then
    assert redirected_to(client.get(reverse("my-work")), "mfa-enrol")


# --- Enrolment ---------------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_confirms_a_code_and_shows_recovery_codes_once(
    client, personas
):
    # given
    user = personas["regional"]
    log_in(client, user)
    # when: the set-up page, twice (a reload keeps the same key)
    page = client.get(reverse("mfa-enrol"))
    again = client.get(reverse("mfa-enrol"))
    # then
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in page.text
    assert page.context["secret"] == again.context["secret"] == mfa.secret_for_typing(device)
    assert not re.search(r"<script(?![^>]*\ssrc=)", page.text)  # no inline script (the CSP)
    # when: a wrong code, then the right one
    wrong = client.post(reverse("mfa-enrol"), {"code": "000000"})
    right = client.post(reverse("mfa-enrol"), {"code": code_for(device)})
    # then
    assert wrong.status_code == 200 and "That code is not right" in wrong.text
    assert right.status_code == 200
    codes = right.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in right.text for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("my-work")).status_code == 200
    manage = client.get(reverse("mfa"))
    assert "Two-step verification is on." in manage.text
    assert "You have 10 recovery codes left." in manage.text
    assert not any(code in manage.text for code in codes)


def test_moving_to_a_new_phone_replaces_the_old_app_and_recovery_codes(client, personas):
    # given
    user = personas["partner"]
    old = app_for(user)
    old_codes = mfa.recovery_codes_renew(user=user)
    log_in(client, user)
    enter(client, code_for(old))
    client.get(reverse("mfa-enrol"))
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    # when
    response = client.post(reverse("mfa-enrol"), {"code": code_for(new)})
    # then
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]
    left = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(left) == 10 and not left & set(old_codes)


def test_an_unverified_session_cannot_replace_an_existing_app(client, personas):
    # given: a partner's password, not their phone
    user = personas["partner"]
    app_for(user)
    log_in(client, user)
    # when
    response = client.get(reverse("mfa-enrol"))
    # then
    assert redirected_to(response, "mfa-verify")
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


# --- Recovery codes ----------------------------------------------------------------------------


def test_each_recovery_code_works_once(client, personas):
    # given
    user = personas["admin"]
    app_for(user)
    first, second = mfa.recovery_codes_renew(user=user)[:2]
    # when: the first code, typed as shown (in groups, upper case)
    log_in(client, user)
    used = enter(client, mfa.recovery_code_shown(first).upper())
    client.logout()
    log_in(client, user)
    reused = enter(client, first)
    other = enter(client, second)
    # then
    assert redirected_to(used, "my-work")
    assert reused.status_code == 200 and "That code is not right" in reused.text
    assert redirected_to(other, "my-work")
    assert StaticToken.objects.filter(device__user=user).count() == 8


def test_new_recovery_codes_replace_the_old_ones(client, personas):
    # given
    user = personas["regional"]
    client_for(client, user)
    old = mfa.recovery_codes_renew(user=user)
    # when
    response = client.post(reverse("mfa"), {"action": "recovery-codes"})
    # then
    new = response.context["codes"]
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in new}
    assert not stored & set(old)


# --- The lockout --------------------------------------------------------------------------------


def test_wrong_codes_count_toward_the_lockout_and_the_fifth_locks(client, personas):
    # given
    user = personas["regional"]
    app_for(user)
    log_in(client, user)
    # when
    wrong = [enter(client, "000000") for _ in range(ACCOUNT_FAILURES)]
    # then: four errors on the page, and the fifth ends the session with the lock's message
    assert [r.status_code for r in wrong] == [200] * (ACCOUNT_FAILURES - 1) + [302]
    assert redirected_to(wrong[-1], "login")
    assert "_auth_user_id" not in client.session
    # and neither the password nor the right code gets in during the cool-off
    again = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert again.status_code == 200
    assert LOCKED in " ".join(again.context["form"].non_field_errors())
    assert not ApiToken.objects.exists()


def test_a_right_password_between_wrong_codes_does_not_start_the_count_again(client, personas):
    # given: three wrong codes, a new log-in with the right password
    user = personas["admin"]
    app_for(user)
    log_in(client, user)
    for _ in range(3):
        enter(client, "111111")
    client.logout()
    log_in(client, user)
    # when
    fourth, fifth = enter(client, "222222"), enter(client, "333333")
    # then
    assert fourth.status_code == 200
    assert redirected_to(fifth, "login")


def test_the_lock_is_checked_before_the_code(client, personas):
    # given: a session that passed the password, then the account was locked elsewhere
    user = personas["partner"]
    device = app_for(user)
    log_in(client, user)
    other = client_for(type(client)(), None)
    for i in range(ACCOUNT_FAILURES):
        other.post(reverse("login"), {"username": user.email, "password": f"wrong-{i}"})
    # when
    response = enter(client, code_for(device))
    # then: refused without being checked, and the code is still unused
    assert redirected_to(response, "login")
    device.refresh_from_db()
    assert device.last_t == -1


# --- Offered to everyone, required of some ------------------------------------------------------


@pytest.mark.parametrize("persona", ["partner", "co_coordinator", "focal_point", "outsider"])
def test_people_without_a_required_role_are_never_forced(client, personas, persona):
    # given
    log_in(client, personas[persona])
    # when
    response = client.get(reverse("my-work"))
    manage = client.get(reverse("mfa"))
    # then
    assert response.status_code == 200
    assert "Two-step verification is off." in manage.text


def test_a_partner_enrols_is_asked_next_time_and_removes_it_with_a_code(client, personas):
    # given: a partner set up an app
    user = personas["partner"]
    log_in(client, user)
    client.get(reverse("mfa-enrol"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("mfa-enrol"), {"code": code_for(device)})
    client.logout()
    # when: the next log-in
    log_in(client, user)
    asked = client.get(reverse("my-work"))
    enter(client, code_for(device, steps_ahead=1))
    # then
    assert redirected_to(asked, "mfa-verify")
    assert client.get(reverse("my-work")).status_code == 200
    # when: a wrong code, then a recovery code, to remove it
    refused = client.post(reverse("mfa"), {"action": "remove", "code": "999999"})
    kept = TOTPDevice.objects.filter(user=user).exists()
    code = StaticToken.objects.filter(device__user=user).first().token
    removed = client.post(reverse("mfa"), {"action": "remove", "code": code})
    # then
    assert refused.status_code == 200 and kept
    assert redirected_to(removed, "mfa")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert client.get(reverse("my-work")).status_code == 200


def test_those_who_must_have_it_cannot_remove_it(client, personas):
    # given
    user = personas["regional"]
    client_for(client, user)
    device = TOTPDevice.objects.get(user=user)
    # when
    response = client.post(
        reverse("mfa"), {"action": "remove", "code": code_for(device, steps_ahead=1)}
    )
    # then
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()


def test_the_setting_says_who_is_required(client, personas, settings):
    # given: only partners
    settings.MFA_REQUIRED_ROLES = ["partner_member"]
    # when
    partner = client_for(type(client)(), None)
    log_in(partner, personas["partner"])
    admin = client_for(type(client)(), None)
    log_in(admin, personas["admin"])
    # then
    assert redirected_to(partner.get(reverse("my-work")), "mfa-enrol")
    assert admin.get(reverse("admin:index")).status_code == 200


def test_an_empty_setting_requires_no_one(client, personas, settings):
    # given
    settings.MFA_REQUIRED_ROLES = []
    # when
    log_in(client, personas["regional"])
    # then
    assert client.get(reverse("my-work")).status_code == 200
    assert mfa.mfa_required(personas["admin"]) is False


def test_a_revoked_role_no_longer_requires_it(personas):
    # given
    user = personas["regional"]
    user.roles.update(revoked_at="2020-01-01T00:00:00Z")
    # when / then (a fresh object: the answer is cached per request on the user)
    assert mfa.mfa_required(type(user).objects.get(pk=user.pk)) is False


def test_an_unknown_role_in_the_setting_fails_loudly(settings):
    # given
    settings.MFA_REQUIRED_ROLES = ["regional_teams"]
    # when / then
    with pytest.raises(ImproperlyConfigured, match="regional_teams"):
        mfa.check_required_roles()


def test_the_api_token_endpoint_knows_who_may_use_the_password_alone(personas):
    # given
    partner, regional = personas["partner"], personas["regional"]
    enrolled = personas["co_coordinator"]
    app_for(enrolled)
    # when / then
    assert mfa.token_by_password_allowed(partner) is True
    assert mfa.token_by_password_allowed(regional) is False
    assert mfa.token_by_password_allowed(enrolled) is False


def test_the_pages_are_in_spanish(client, personas):
    # given
    log_in(client, personas["regional"])
    # when
    response = client.get("/es/accounts/two-step/set-up/")
    # then
    assert response.status_code == 200
    assert '<html lang="es">' in response.text


def test_someone_made_an_administrator_during_a_session_must_enrol_at_the_next_request(
    client, personas
):
    # given: a partner's session, which owes no second factor
    user = personas["partner"]
    log_in(client, user)
    assert client.get(reverse("my-work")).status_code == 200
    # when: their account is made staff (an administrator's) while they are logged in
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = client.get(reverse("my-work"))
    # then
    assert redirected_to(response, "mfa-enrol")


def test_the_demo_says_which_logins_must_set_up_a_second_step_and_how(settings):
    # given
    call_command("load_structure", stdout=StringIO())
    out = StringIO()
    # when
    call_command("seed_demo", allow_without_debug=True, stdout=out)
    # then
    note = out.getvalue().strip().splitlines()[-1]
    assert note.startswith("Two-step verification is required for ")
    assert "admin@demo.r4v.local" in note and "regional.team@demo.r4v.local" in note
    assert "partner@demo.r4v.local" not in note
    assert "Scan the QR code with an authenticator app" in note

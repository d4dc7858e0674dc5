"""Accounts: the invitation a person added without a password gets, reset, and change."""

import re

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from r4v.services import invitation_send, person_get_or_create, system_user

from ..factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-long-enough-passphrase-2026"


def _link(message) -> str:
    return re.search(
        r"https?://[^/\s]+(/(?:[a-z]{2}/)?accounts/password/reset/\S+/)", message.body
    ).group(1)


def _choose_password(client, link: str, password: str = NEW_PASSWORD):
    # Django swaps the token for a session value and redirects to a `set-password` URL.
    set_password_url = client.get(link).url
    return client.post(set_password_url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def invited(db):
    return person_get_or_create(
        email="Nueva.Persona@Example.org", full_name="Nueva Persona", by=system_user()
    )


def test_the_invitation_lets_a_new_person_choose_a_password_once(client, invited, mailoutbox):
    # when
    sent = invitation_send(user_id=invited.pk)
    # then: one e-mail to them, with a link that sets the password
    assert sent is True
    [message] = mailoutbox
    assert message.to == ["nueva.persona@example.org"]
    assert message.subject == "Your R4V Coordination account"
    response = _choose_password(client, _link(message))
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert authenticate(email="nueva.persona@example.org", password=NEW_PASSWORD) == invited
    # and the link is void once used
    response = client.get(_link(message), follow=True)
    assert "This link has already been used or has expired." in response.content.decode()


def test_no_invitation_goes_to_someone_who_already_chose_a_password(invited, mailoutbox):
    # given
    invited.set_password(NEW_PASSWORD)
    invited.save()
    # when / then
    assert invitation_send(user_id=invited.pk) is False
    assert mailoutbox == []


def test_the_invitation_is_written_in_the_persons_language(invited, mailoutbox):
    # given
    invited.preferred_language = "es"
    invited.save()
    # when
    with translation.override("en"):
        invitation_send(user_id=invited.pk)
    # then
    with translation.override("es"):
        expected = translation.gettext("Your R4V Coordination account")
    assert expected != "Your R4V Coordination account"
    assert mailoutbox[0].subject == expected


def test_an_invited_person_who_lost_the_e_mail_asks_for_a_new_link(
    client, invited, mailoutbox, tasks_run_inline
):
    # when
    response = client.post(reverse("password_reset"), {"email": "nueva.persona@example.org"})
    # then
    assert response.url == reverse("password_reset_done")
    [message] = mailoutbox
    assert _choose_password(client, _link(message)).url == reverse("password_reset_complete")


def test_reset_answers_the_same_for_an_unknown_address_and_sends_nothing(
    client, db, mailoutbox, tasks_run_inline
):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_the_reset_page_does_the_same_work_for_an_address_with_or_without_an_account(
    client, invited
):
    # given: tasks queued, not run (the worker does the look-up)
    def statements(email: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("password_reset"), {"email": email})
        assert response.url == reverse("password_reset_done")
        return [query["sql"] for query in queries.captured_queries]

    # when
    known, unknown = statements(invited.email), statements("nobody@example.org")
    # then: the same statements, none of them about the address (timing cannot tell them apart)
    assert known == unknown
    assert not any("email" in sql.lower() for sql in known)


def test_the_system_account_never_gets_a_reset_link(client, db, mailoutbox, tasks_run_inline):
    system = system_user()
    client.post(reverse("password_reset"), {"email": system.email})
    assert mailoutbox == []


def test_a_weak_password_is_refused_with_a_field_error(client, invited, mailoutbox):
    # given
    invitation_send(user_id=invited.pk)
    # when
    response = _choose_password(client, _link(mailoutbox[0]), password="short")
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert 'class="form-control is-invalid"' in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_logged_in_user_changes_their_password(client, db):
    # given
    user = UserFactory(email="ana@example.org")
    client.force_login(user)
    # when
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    # then
    assert response.url == reverse("password_change_done")
    assert authenticate(email="ana@example.org", password=NEW_PASSWORD) == user
    assert client.get(reverse("password_change_done")).status_code == 200


def test_the_account_pages_answer_in_spanish(client, db):
    for name in ("password_reset", "password_reset_done", "password_reset_complete", "login"):
        with translation.override("es"):
            url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="es">' in response.content.decode(), name


def test_password_change_needs_a_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

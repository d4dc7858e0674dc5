"""The person's own pages of the shared kit: the inbox and API tokens, by persona.

(Token storage, expiry and revocation in depth: tests/r4v/test_tokens.py.)
"""

import pytest
from django.urls import reverse

from r4v.models import ApiToken, Notification
from r4v.services import api_token_create, notification_send

from ..conftest import PERSONAS, client_for
from ..factories import UserFactory


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", ["inbox", "api-token"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_persona_opens_their_inbox_and_token_page(client, personas, page, persona):
    # when
    response = client_for(client, personas[persona]).get(reverse(page))
    # then
    if persona == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == 200
        assert reverse("my-work") in response.text  # the breadcrumb back


def test_the_inbox_and_token_pages_live_under_the_kits_urls(client):
    assert reverse("inbox") == "/en/inbox/"
    assert reverse("api-token") == "/en/accounts/api-tokens/"


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_a_user_marks_only_their_own_messages_read(client, world, personas, persona):
    # given: a message for this persona and one for somebody else
    user = personas[persona]
    mine = notification_send(recipients=[user], subject="Minutes circulated", url="/manage/")[0]
    theirs = notification_send(recipients=[UserFactory()], subject="Private", url="/manage/")[0]
    client_for(client, user)
    # when: somebody else's message is posted
    response = client.post(reverse("inbox"), {"notification": theirs.pk})
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # when: their own
    response = client.post(reverse("inbox"), {"notification": mine.pk})
    # then
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_anonymous_cannot_post_to_the_inbox_or_the_token_page(client, world):
    # given
    message = notification_send(recipients=[UserFactory()], subject="Private")[0]
    # when
    responses = [
        client.post(reverse("inbox"), {"notification": message.pk}),
        client.post(reverse("inbox"), {"all": "1"}),
        client.post(reverse("api-token"), {"action": "generate"}),
    ]
    # then
    for response in responses:
        _assert_login_redirect(response)
    message.refresh_from_db()
    assert message.read_at is None
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_each_persona_generates_a_token_for_themselves_only(client, personas, persona):
    # given
    user = personas[persona]
    other, _key = api_token_create(user=UserFactory(), name="Theirs")
    # when
    response = client_for(client, user).post(
        reverse("api-token"), {"action": "generate", "name": "Mine"}
    )
    # then
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert response.context["new_key"].startswith(f"r4v_{token.prefix}_")
    assert ApiToken.objects.get(pk=other.pk).user_id == other.user_id


# --- Inbox --------------------------------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_and_paginates(client, personas):
    # given
    user = personas["partner"]
    for n in range(30):
        notification_send(recipients=[user], subject=f"Message {n}")
    notification_send(recipients=[personas["outsider"]], subject="Not yours")
    client_for(client, user)
    # when
    first = client.get(reverse("inbox"))
    second = client.get(reverse("inbox"), {"page": 2})
    # then
    assert [n.subject for n in first.context["page"]][:2] == ["Message 29", "Message 28"]
    assert len(first.context["page"]) == 25
    assert [n.subject for n in second.context["page"]][-1] == "Message 0"
    assert first.context["unread"] == 30
    assert "Not yours" not in first.content.decode() + second.content.decode()


def test_marking_all_read_marks_only_the_users_own(client, personas):
    # given
    user, other = personas["partner"], personas["outsider"]
    notification_send(recipients=[user], subject="One")
    notification_send(recipients=[user], subject="Two")
    theirs = notification_send(recipients=[other], subject="Theirs")[0]
    # when
    response = client_for(client, user).post(reverse("inbox"), {"all": "1"})
    # then
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_message_marks_it_read_and_follows_its_link(client, world, personas):
    # given: a message that links to a page of the site
    target = reverse("sectors:sector-manage", args=[world.regional_health.pk])
    message = notification_send(recipients=[personas["regional"]], subject="See", url=target)[0]
    # when
    response = client_for(client, personas["regional"]).post(
        reverse("inbox"), {"notification": message.pk, "open": "1"}
    )
    # then
    assert response.status_code == 302
    assert response.url == target
    message.refresh_from_db()
    assert message.read_at is not None


def test_an_outside_link_in_a_message_is_not_followed(client, personas):
    message = notification_send(
        recipients=[personas["partner"]], subject="Odd", url="https://evil.example/"
    )[0]
    response = client_for(client, personas["partner"]).post(
        reverse("inbox"), {"notification": message.pk, "open": "1"}
    )
    assert response.url == reverse("inbox")


def test_an_empty_inbox_post_is_a_bad_request(client, personas):
    response = client_for(client, personas["partner"]).post(reverse("inbox"), {})
    assert response.status_code == 400


# --- API token (more in tests/r4v/test_tokens.py) -------------------------------------------------------


def test_an_unknown_token_action_is_a_bad_request(client, personas):
    response = client_for(client, personas["partner"]).post(
        reverse("api-token"), {"action": "steal"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()

"""A person keeps their own profile: languages, time zone, how e-mail arrives; with history."""

import pytest
from django.urls import reverse

from r4v.errors import NotAllowed
from r4v.models import User
from r4v.services import user_profile_update

URL = reverse("profile")


def _post(client, user, **changes):
    data = {
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "email_frequency": user.email_frequency,
        "gender": user.gender,
        **changes,
    }
    return client.post(URL, {k: v for k, v in data.items() if v is not False})


def test_a_person_chooses_the_daily_digest_a_zone_and_portuguese(client, personas):
    # given
    user = personas["partner"]
    client.force_login(user)
    # when
    response = _post(
        client,
        user,
        email_frequency="daily",
        time_zone="America/Sao_Paulo",
        preferred_language="es",
        speaks_portuguese="on",
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email_frequency, user.time_zone, user.preferred_language) == (
        "daily",
        "America/Sao_Paulo",
        "es",
    )
    assert user.speaks_portuguese is True
    assert user.history.first().history_change_reason == "Profile updated"


def test_an_unknown_time_zone_is_a_form_error_and_nothing_is_saved(client, personas):
    # given
    user = personas["partner"]
    client.force_login(user)
    # when
    response = _post(client, user, time_zone="Bogota", email_frequency="daily")
    # then
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    assert User.objects.get(pk=user.pk).email_frequency == "immediate"


def test_the_profile_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_nobody_updates_another_persons_profile(personas):
    with pytest.raises(NotAllowed):
        user_profile_update(user=personas["partner"], by=personas["regional"], full_name="X")

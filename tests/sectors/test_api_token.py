"""The token endpoint that scripts use: a token for e-mail and password, refused
credentials, throttled guessing, and a bad token."""

import pytest
from rest_framework.test import APIClient

from r4v.models import ApiToken

from ..conftest import PASSWORD


def test_a_token_from_e_mail_and_password_authorizes_writes(world, personas):
    # given
    client = APIClient()
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "IMO@colombia.example", "password": PASSWORD},
        format="json",
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    write = client.patch(
        f"/api/v1/platform-sectors/{world.colombia_health.pk}/",
        {"purpose_es": "Salud."},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert ApiToken.objects.get(user=personas["platform_team"]).name == "api"
    assert (write.status_code, write.json()["purpose_es"]) == (200, "Salud.")


def test_asking_again_for_a_token_of_the_same_name_replaces_it(world, personas):
    # when
    first = APIClient().post(
        "/api/v1/auth/token/",
        {"email": personas["partner"].email, "password": PASSWORD},
        format="json",
    )
    second = APIClient().post(
        "/api/v1/auth/token/",
        {"email": personas["partner"].email, "password": PASSWORD},
        format="json",
    )
    # then: the key is not stored, so it cannot be answered twice; the old one stops working
    assert first.json()["token"] != second.json()["token"]
    assert ApiToken.objects.count() == 1
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first.json()['token']}")
    assert old.get("/api/v1/change-notices/").status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"email": "team@regional.example", "password": "wrong-password-123"},
            ["non_field_errors"],
        ),
        ({"email": "nobody@example.org", "password": PASSWORD}, ["non_field_errors"]),
        ({"email": "not-an-e-mail", "password": PASSWORD}, ["email"]),
        ({}, ["email", "password"]),
    ],
    ids=["wrong-password", "unknown-user", "bad-e-mail", "empty"],
)
def test_the_token_endpoint_refuses_bad_credentials(world, personas, body, fields):
    # when
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    # then
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == fields
    assert ApiToken.objects.count() == 0


def test_an_inactive_user_gets_no_token(world, personas):
    # given
    user = personas["regional"]
    user.is_active = False
    user.save()
    # when
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_password_guessing_is_throttled(world, personas):
    # given: ten guesses, each for another account (one account locks sooner: test_lockout.py)
    client = APIClient()
    guesses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": f"guess-{i}@regional.example", "password": f"guess-{i}"},
            format="json",
        )
        for i in range(10)
    ]
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"email": "team@regional.example", "password": PASSWORD},
        format="json",
    )
    # then
    assert [g.status_code for g in guesses] == [400] * 10
    assert (response.status_code, response.json()["code"]) == (429, "throttled")


def test_a_bad_token_answers_401(world):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    # when
    response = client.get("/api/v1/platform-sectors/")
    # then
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")

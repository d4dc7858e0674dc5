"""The demo cycle: tasks in every state, played through the workflow, safe to run twice; and
the README's two clearance walks, played through the API by the printed demo logins."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from program_cycle.models import Cycle, Task, Transition
from r4v import mfa
from r4v.models import User
from r4v.services import api_token_create
from sectors.management.commands.seed_demo import demo_password

pytestmark = pytest.mark.django_db


def test_the_demo_cycle_has_every_state_and_running_it_again_changes_nothing(settings):
    # given
    settings.DEBUG = True
    call_command("load_structure", stdout=StringIO())
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())
    # when
    out = StringIO()
    call_command("seed_cycle_demo", stdout=out)
    # then
    assert "224 tasks made" in out.getvalue()
    assert "skipped" not in out.getvalue()
    states = set(Task.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "returned", "final"}
    assert Task.objects.filter(state="submitted", step=2).exists()  # partly cleared
    assert Task.objects.filter(substituted=True, waiting_on="regional_sector").exists()
    assert Transition.objects.filter(substituted=True).exists()
    overdue = [t for t in Task.objects.filter(task_type__code="jna") if t.is_overdue()]
    assert len(overdue) == 8
    # when: again
    rows = Transition.objects.count()
    again = StringIO()
    call_command("seed_cycle_demo", stdout=again)
    # then
    assert "0 tasks made" in again.getvalue()
    assert Transition.objects.count() == rows


# --- The two walks of the README, played through the API by the demo's printed logins -------


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_structure", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_cycle_demo", stdout=out)
    return out.getvalue()


def api_of(login: str) -> APIClient:
    """The API as the demo person `login`: a token from the token endpoint, with the password
    seed_demo prints (the role's)."""
    user = User.objects.get(email=f"{login}@demo.r4v.local")
    role = user.roles.filter(revoked_at__isnull=True).values_list("role", flat=True).get()
    api = APIClient()
    if mfa.mfa_required(user):
        # The password alone makes no token for those who must use a second factor: their
        # token page makes one after the code (r4v/mfa.py).
        _token, key = api_token_create(user=user, name="walk")
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api
    response = api.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": demo_password(role), "name": "walk"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def the_task(api: APIClient, platform: str, mine: str) -> dict:
    cycle = Cycle.objects.get(name="RMNA (demo)")
    response = api.get(
        f"/api/v1/tasks/?cycle={cycle.pk}&task_type=pin&sector=health&platform={platform}"
        f"&mine={mine}"
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 1, f"the PiN of {platform} is not in this user's '{mine}' list"
    return rows[0]


def move(api: APIClient, task: dict, action: str) -> dict:
    assert action in task["allowed_actions"]
    response = api.post(
        f"/api/v1/tasks/{task['id']}/transitions/",
        {"action": action, "comment": "", "version": task["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_demo_prints_both_walks_left_in_draft(demo):
    # then
    assert "Walks to play" in demo
    assert "pin · peru · health (draft, /en/program-cycle/tasks/" in demo
    assert "peru.team submits, peru.coordinator clears, regional.team clears." in demo
    assert "caribbean.team submits, co-coordinator clears, regional.team clears." in demo


def test_peru_pin_is_cleared_by_the_national_sector_then_the_regional_platform(demo):
    # given: the Peru platform team drafts and submits the PiN
    team = api_of("peru.team")
    task = the_task(team, "peru", mine="draft")
    assert task["state"] == "draft"
    drafted = team.post(
        f"/api/v1/tasks/{task['id']}/draft/",
        {"narrative": "PiN Health Peru: 1.2 million.", "version": task["version"]},
        format="json",
    )
    assert drafted.status_code == 200
    task = move(team, drafted.json(), "submit")
    assert (task["waiting_on"], task["substituted"]) == ("national_sector", False)
    # when: the Peru Health co-coordinator clears, then the Regional Platform team
    national = api_of("peru.coordinator")
    task = move(national, the_task(national, "peru", mine="clear"), "clear")
    assert (task["state"], task["step"], task["waiting_on"]) == (
        "submitted",
        2,
        "regional_platform",
    )
    regional = api_of("regional.team")
    task = move(regional, the_task(regional, "peru", mine="clear"), "clear")
    # then: final, and every step is in the history
    assert task["state"] == "final"
    history = regional.get(f"/api/v1/tasks/{task['id']}/transitions/").json()
    assert [
        (row["action"], row["from_state"], row["to_state"], row["step"], row["party"], row["by"])
        for row in history
    ] == [
        ("submit", "draft", "submitted", 1, "platform", "Rocío Huamán"),
        ("clear", "submitted", "submitted", 1, "national_sector", "Carmen Quispe"),
        ("clear", "submitted", "final", 2, "regional_platform", "Paula Méndez"),
    ]
    assert not any(row["substituted"] or row["four_eyes_waived"] for row in history)
    assert {row["version"] for row in history} == {1}


def test_caribbean_pin_is_cleared_by_the_regional_sector_in_place_of_a_national_sector(demo):
    # given: the Caribbean platform team submits the PiN of Health, a sector it does not have
    team = api_of("caribbean.team")
    task = move(team, the_task(team, "caribbean", mine="draft"), "submit")
    # then: it says so in words
    assert (task["waiting_on"], task["substituted"]) == ("regional_sector", True)
    assert task["substitution_note"] == (
        "To be cleared by the Regional Health Sector in place of a National Sector, none being "
        "active on Caribbean."
    )
    # when: the Regional Health co-coordinator clears in its place, then the Regional Platform
    sector = api_of("co-coordinator")
    task = move(sector, the_task(sector, "caribbean", mine="clear"), "clear")
    assert (task["step"], task["waiting_on"]) == (2, "regional_platform")
    regional = api_of("regional.team")
    task = move(regional, the_task(regional, "caribbean", mine="clear"), "clear")
    # then: final, and every step is in the history, the substitution with it
    assert task["state"] == "final"
    history = regional.get(f"/api/v1/tasks/{task['id']}/transitions/").json()
    assert [
        (row["action"], row["to_state"], row["step"], row["party"], row["substituted"], row["by"])
        for row in history
    ] == [
        ("submit", "submitted", 1, "platform", False, "Kevin Baptiste"),
        ("clear", "submitted", 1, "regional_sector", True, "Diego Ramírez"),
        ("clear", "final", 2, "regional_platform", False, "Paula Méndez"),
    ]
    assert history[1]["note"] == (
        "Cleared by the Regional Health Sector in place of a National Sector, none being active "
        "on Caribbean."
    )
    # and the Peru walk's people cannot touch it (out of their scope: 404)
    outsider = api_of("peru.coordinator")
    assert outsider.get(f"/api/v1/tasks/{task['id']}/").status_code == 404

"""A regional co-coordinator drafts the RMNA regional sectoral narrative; the Regional Platform
returns it with a comment; it is resubmitted and cleared; the history shows every step.

Played in a real Chromium in English and in Spanish. Interface words are found by ids and data
attributes, so the journey reads the same before and after the Spanish catalogue has them.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from program_cycle.models import Task
from program_cycle.services import task_types_load
from r4v.services import system_user
from tests.browser.conftest import enter_second_factor
from tests.factories import PASSWORD, CycleFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrative_task(world, personas) -> Task:
    task_types_load(by=system_user())
    return TaskFactory(
        cycle=CycleFactory(name="RMNA 2027", kind="rmna", year=2027),
        task_type="rmna-regional-sector-narrative",
        platform=world.regional,
        sector=world.health,
    )


def login(browser, live_server, email: str, language: str, app=None) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(reverse("login"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    if app is not None:  # someone who must log in with a second step (r4v/mfa.py)
        enter_second_factor(page, app)
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


def act(page: Page, task: Task, action: str, comment: str = "") -> None:
    page.goto(task.get_absolute_url())
    if comment:
        page.fill(f"#comment-{action}", comment)
    page.locator(f'#task-actions button[data-action="{action}"]').click()
    expect(page.locator(".alert-success")).to_be_visible()


def draft(page: Page, task: Task, text: str) -> None:
    page.goto(task.get_absolute_url())
    page.locator("#edit-draft").click()
    page.fill("#id_narrative", text)
    page.locator("#save-and-back").click()
    expect(page).to_have_url(task.get_absolute_url())


@pytest.fixture
def regional_app(personas):
    """The Regional Platform team's authenticator app: the team logs in with a second step."""
    return TOTPDevice.objects.create(user=personas["regional"], name="phone", confirmed=True)


@pytest.fixture
def urls_in(language):
    # Pages carry their language in the path (/es/...): every URL the test builds is the reader's.
    with translation.override(language):
        yield


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.usefixtures("urls_in")
def test_draft_submit_return_resubmit_clear_with_every_step_in_the_history(
    language, narrative_task, personas, world, regional_app, browser, live_server
):
    task = narrative_task
    # given: the co-coordinator of the Regional Health Sector and the Regional Platform team
    luis = login(browser, live_server, world.ngo_coordinator.person.email, language)
    team = login(browser, live_server, personas["regional"].email, language, app=regional_app)

    # when: Luis drafts and submits
    draft(luis, task, "# Health needs\n\nAccess to care is the **first** need.")
    expect(luis.locator("#narrative strong")).to_have_text("first")
    act(luis, task, "submit")
    # and the Regional Platform returns it with a comment
    team.goto(reverse("program_cycle:queue") + "?mine=clear")
    team.get_by_role(
        "link", name=task.task_type.name_es if language == "es" else task.task_type.name_en
    ).click()
    expect(team).to_have_url(task.get_absolute_url())
    act(team, task, "return", comment="Add the figures for Peru.")
    # and Luis revises it and submits again
    draft(luis, task, "# Health needs\n\nAccess to care is the **first** need.\n\nPeru: 400,000.")
    act(luis, task, "submit")
    # and the Regional Platform clears it
    act(team, task, "clear")

    # then: final, and the history shows every step with its version and the comment
    team.goto(task.get_absolute_url())
    rows = team.locator("#history tbody tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).get_attribute("data-action") for i in range(4)] == [
        "submit",
        "return",
        "submit",
        "clear",
    ]
    expect(rows.nth(1)).to_contain_text("Add the figures for Peru.")
    expect(rows.nth(3).locator("td").nth(6)).to_have_text("2")
    # final: the only thing left is the Regional Platform's reopening
    expect(team.locator("#task-actions button")).to_have_count(1)
    expect(team.locator('#task-actions button[data-action="reopen"]')).to_be_visible()
    team.locator("#compare-link").click()
    expect(team.locator('#diff tr[data-kind="added"]')).to_have_count(2)
    task.refresh_from_db()
    assert task.state == "final"
    assert luis.console_errors == [] and team.console_errors == []

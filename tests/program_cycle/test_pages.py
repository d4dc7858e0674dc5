"""Program-cycle pages: task page, queue, drafting, comparing, cycles, "My work"."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from program_cycle import selectors, workflow
from program_cycle.models import Task, Transition
from program_cycle.rendering import markdown_html
from r4v.models import User

from ..conftest import client_for
from ..factories import CycleFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _move(task, action, by, comment=""):
    task.refresh_from_db()
    return workflow.task_transition(
        task_id=task.pk, action=action, version=task.version, by=by, comment=comment
    )


@pytest.mark.parametrize(
    ("markdown", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[click](javascript:alert(1))", 'href="javascript', "[click](javascript:alert(1))"),
        ('<img src=x onerror="alert(1)">', "<img", "&lt;img"),
        ("[ok](https://r4v.info)", "javascript", 'href="https://r4v.info"'),
        ('<a href="#" onclick="x()">a</a>', '<a href="#"', "&lt;a"),
        ("**bold** and | a | b |\n|---|---|\n| 1 | 2 |", "<script", "<strong>bold</strong>"),
    ],
)
def test_narratives_are_rendered_inert(markdown, absent, present):
    html = markdown_html(markdown)
    assert absent not in html
    assert present in html


def test_the_task_page_shows_the_path_the_substitution_the_buttons_and_the_history(
    world, cast, make_task, client
):
    # given
    task = make_task("pin", cast.caribbean, world.health)
    _move(task, "submit", cast.caribbean_team)
    # when
    page = client_for(client, cast.ana).get(task.get_absolute_url()).content.decode()
    # then
    assert "To be cleared by the Regional Health Sector in place of a National Sector" in page
    assert 'data-action="clear"' in page and 'data-action="return"' in page
    assert 'data-action="withdraw"' not in page
    assert 'data-action="submit"' in page  # the history row
    # and a partner, an outsider and an anonymous visitor see nothing
    assert (
        client_for(Client(), User.objects.get(email="partner@rda.example"))
        .get(task.get_absolute_url())
        .status_code
        == 404
    )
    assert Client().get(task.get_absolute_url()).status_code == 302


def test_a_hostile_narrative_reaches_the_task_page_as_text(world, cast, make_task, client):
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    task.submissions.update(narrative='<script>alert("x")</script>\n\n[x](javascript:alert(1))')
    page = client_for(client, cast.luis).get(task.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert 'href="javascript:' not in page


def test_drafting_attaching_returning_and_comparing_through_the_pages(
    world, cast, make_task, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    luis = client_for(client, cast.luis)
    edit = f"/en/program-cycle/tasks/{task.pk}/edit/"
    # when: a draft with a file, then submitted from the task page
    response = luis.post(
        edit,
        {
            "narrative": "Needs are high.\nIn Peru too.",
            "version": 1,
            "file": SimpleUploadedFile("notes.txt", b"hello"),
            "done": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    luis.post(
        f"/en/program-cycle/tasks/{task.pk}/transition/",
        {"action": "submit", "version": task.version},
    )
    task.refresh_from_db()
    # when: the Regional Platform returns it without, then with, a comment
    regional = client_for(Client(), cast.regional_team)
    url = f"/en/program-cycle/tasks/{task.pk}/transition/"
    regional.post(url, {"action": "return", "version": task.version, "comment": ""})
    assert Task.objects.get(pk=task.pk).state == "submitted"
    regional.post(url, {"action": "return", "version": task.version, "comment": "Add Ecuador."})
    task.refresh_from_db()
    assert task.state == "returned"
    # when: resubmitted with a change
    luis.post(
        edit, {"narrative": "Needs are high.\nIn Peru and Ecuador too.", "version": task.version}
    )
    compare = luis.get(f"/en/program-cycle/tasks/{task.pk}/compare/?a=1&b=2").content.decode()
    # then: side by side, the changed line on both sides; the attachment carried over
    assert 'data-kind="same"' in compare and 'data-kind="changed"' in compare
    assert "In Peru too." in compare and "In Peru and Ecuador too." in compare
    assert "<li>notes.txt</li>" in compare
    page = luis.get(task.get_absolute_url()).content.decode()
    assert "Add Ecuador." in page
    download = luis.get(
        f"/en/program-cycle/attachments/{task.submissions.last().attachments.get().pk}/download/"
    )
    assert download.status_code == 200
    assert list(Transition.objects.filter(task=task).values_list("action", flat=True)) == [
        "submit",
        "return",
    ]


def test_a_stale_page_says_so_and_changes_nothing(world, cast, make_task, client):
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    old = task.version
    _move(task, "submit", cast.luis)
    response = client_for(client, cast.ana).post(
        f"/en/program-cycle/tasks/{task.pk}/transition/",
        {"action": "withdraw", "version": old},
        follow=True,
    )
    assert "has changed since you read it" in response.content.decode()
    assert Task.objects.get(pk=task.pk).state == "submitted"


def test_the_cycle_page_opens_generates_and_counts_per_type(task_types, personas, client):
    from django.core.management import call_command

    call_command("load_structure", verbosity=0)
    team = client_for(client, personas["regional"])
    response = team.post(
        "/en/program-cycle/",
        {
            "name": "RMNA 2028",
            "kind": "rmna",
            "year": 2028,
            "opens_on": "2028-02-01",
            "submissions_due_on": "2028-01-01",
            "clearance_due_on": "2028-05-01",
            "closes_on": "2028-06-01",
        },
    )
    assert "The dates must be in order" in response.content.decode()
    response = team.post(
        "/en/program-cycle/",
        {
            "name": "RMNA 2028",
            "kind": "rmna",
            "year": 2028,
            "opens_on": "2028-02-01",
            "submissions_due_on": "2028-04-01",
            "clearance_due_on": "2028-05-01",
            "closes_on": "2028-06-01",
        },
    )
    cycle_url = response["Location"]
    page = team.post(f"{cycle_url}generate/", follow=True).content.decode()
    assert "224 tasks made" in page
    assert '<tr data-type="pin">' in page
    again = team.post(f"{cycle_url}generate/", follow=True).content.decode()
    assert "0 tasks made" in again
    # A button the page never drew for them: the kit's one answer to NotAllowed, a 403.
    assert (
        client_for(Client(), personas["platform_team"]).post(f"{cycle_url}generate/").status_code
        == 403
    )
    assert Task.objects.count() == 224


def _fill(world, cast, n):
    for i in range(n):
        TaskFactory(
            cycle=CycleFactory(),
            task_type="pin",
            platform=world.colombia,
            sector=world.health,
            due_on=datetime.date(2026, 1, 1) if i % 2 else datetime.date(2030, 1, 1),
        )
        guide = TaskFactory(
            cycle=CycleFactory(),
            task_type="jna-sector-guide",
            platform=world.regional,
            sector=world.health,
        )
        _move(guide, "submit", cast.luis)
        TaskFactory(
            cycle=CycleFactory(), task_type="pin", platform=cast.caribbean, sector=world.health
        )


@pytest.mark.parametrize("who", ["regional_team", "ana", "colombia_team"])
def test_the_queue_and_my_work_ask_the_same_number_of_queries_at_1x_and_10x(
    who, world, cast, django_assert_num_queries
):
    user_pk = getattr(cast, who).pk

    def queue_queries():
        client = client_for(Client(), User.objects.get(pk=user_pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/program-cycle/queue/").status_code == 200
        return len(queries)

    def my_work_queries():
        user = User.objects.get(pk=user_pk)
        with CaptureQueriesContext(connection) as queries:
            work = selectors.my_work(user)
        return len(queries), work

    _fill(world, cast, 1)
    queue_queries()  # warm the process-wide caches
    small_queue = queue_queries()
    small_work, _work = my_work_queries()
    _fill(world, cast, 9)
    assert queue_queries() == small_queue
    big_work, work = my_work_queries()
    assert big_work == small_work
    if who == "colombia_team":
        assert work["counts"] == {"to_draft": 10, "overdue": 4, "to_clear": 0}
        # overdue first, then by due date
        assert [t.due_on for t in work["to_draft"]][:5] == [datetime.date(2026, 1, 1)] * 4 + [
            datetime.date(2030, 1, 1)
        ]
    if who == "ana":
        # the guides Luis submitted; Ana drafts nothing of these types
        assert work["counts"] == {"to_draft": 0, "overdue": 0, "to_clear": 10}


@pytest.mark.parametrize("who", ["regional_team", "ana", "colombia_team"])
def test_the_my_work_page_asks_the_same_number_of_queries_at_1x_and_10x(who, world, cast):
    # given: the page itself (r4v's my-work), with its program-cycle and calendar parts
    user_pk = getattr(cast, who).pk

    def my_work_page():
        client = client_for(Client(), User.objects.get(pk=user_pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("my-work"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    _fill(world, cast, 1)
    my_work_page()  # warm the process-wide caches
    # when
    small, small_page = my_work_page()
    _fill(world, cast, 9)
    big, big_page = my_work_page()
    # then
    assert big == small
    if who == "colombia_team":
        assert "1 task to draft" in small_page
        assert "10 tasks to draft" in big_page

"""The program-cycle API: the role x action x task-type matrix, reads, drafts, attachments."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program_cycle import workflow
from program_cycle.models import Attachment, Submission, Task, Transition
from r4v.models import Notification, User

from ..conftest import api_for
from ..factories import CycleFactory, TaskFactory

pytestmark = pytest.mark.django_db

NOBODY_WHO_SEES = {"outsider", "partner", "focal_point"}


@pytest.fixture
def people(personas, cast):
    return {
        **personas,
        "ana": cast.ana,
        "luis": cast.luis,
        "marta": cast.marta,
        "jorge": cast.jorge,
        "caribbean_team": cast.caribbean_team,
        "regional_2": cast.regional_team_2,
    }


def _move(task, action, by, comment=""):
    task.refresh_from_db()
    workflow.task_transition(
        task_id=task.pk, action=action, version=task.version, by=by, comment=comment
    )
    task.refresh_from_db()
    return task


# (case, task type, platform, sector, how to prepare it, action, comment, who may)
CASES = {
    "pin-colombia": ("pin", "colombia", "health"),
    "pin-caribbean": ("pin", "caribbean", "health"),
    "jna-guide": ("jna-sector-guide", "regional", "health"),
    "regional-narrative": ("rmna-regional-sector-narrative", "regional", "health"),
    "jna-colombia": ("jna", "colombia", None),
}
MATRIX = [
    ("pin-colombia", "draft", "submit", {"platform_team", "marta", "jorge"}),
    ("pin-colombia", "submitted", "withdraw", {"platform_team", "marta", "jorge"}),
    ("pin-colombia", "submitted", "clear", {"marta", "jorge"}),
    ("pin-colombia", "submitted", "return", {"marta", "jorge"}),
    ("pin-colombia", "final", "reopen", {"regional", "regional_2"}),
    ("pin-caribbean", "draft", "submit", {"caribbean_team"}),
    ("pin-caribbean", "submitted", "clear", {"ana", "co_coordinator"}),
    ("jna-guide", "draft", "submit", {"ana", "co_coordinator"}),
    # Luis submitted it: Ana clears (four eyes).
    ("jna-guide", "submitted", "clear", {"ana"}),
    ("regional-narrative", "draft", "submit", {"ana", "co_coordinator"}),
    ("regional-narrative", "submitted", "clear", {"regional", "regional_2"}),
    ("regional-narrative", "submitted", "return", {"regional", "regional_2"}),
    # The Colombia team's only member submitted it: no second person, so allowed and marked.
    ("jna-colombia", "submitted", "clear", {"platform_team"}),
]
PERSONAS = [
    "anonymous",
    "outsider",
    "partner",
    "focal_point",
    "co_coordinator",
    "platform_team",
    "regional",
    "admin",
    "ana",
    "marta",
    "jorge",
    "caribbean_team",
    "regional_2",
]


def _prepared(case, state, world, cast, make_task):
    code, platform, sector = CASES[case]
    platforms = {
        "colombia": world.colombia,
        "caribbean": cast.caribbean,
        "regional": world.regional,
    }
    # A cycle of its own, so one test can prepare the same task many times.
    task = TaskFactory(
        cycle=CycleFactory(),
        task_type=code,
        platform=platforms[platform],
        sector=world.health if sector else None,
    )
    drafter = {
        "pin-colombia": cast.colombia_team,
        "pin-caribbean": cast.caribbean_team,
        "jna-guide": cast.luis,
        "regional-narrative": cast.luis,
        "jna-colombia": cast.colombia_team,
    }[case]
    # Put straight into the state (the workflow tests drive these moves; here we need speed),
    # resolving the first step as the workflow does.
    if state == "submitted":
        workflow._enter_step(task, task.task_type.steps.order_by("position").first())
        Submission.objects.filter(task=task).update(submitted_by=drafter)
    elif state == "final":
        task.state = "final"
    task.save()
    return task


def _snapshot(task):
    task.refresh_from_db()
    return (
        task.state,
        task.step,
        task.version,
        Transition.objects.count(),
        Submission.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(("case", "state", "action", "allowed"), MATRIX)
def test_the_role_action_matrix_moves_for_the_party_and_changes_nothing_for_anyone_else(
    case,
    state,
    action,
    allowed,
    world,
    cast,
    people,
    make_task,
    django_capture_on_commit_callbacks,
):
    for persona in PERSONAS:
        # given: a fresh task in the state the action starts from
        task = _prepared(case, state, world, cast, make_task)
        before = _snapshot(task)
        body = {"action": action, "version": task.version, "comment": "Because."}
        # when
        with django_capture_on_commit_callbacks() as callbacks:
            response = api_for(people[persona]).post(
                f"/api/v1/tasks/{task.pk}/transitions/", body, format="json"
            )
        # then
        if persona in allowed:
            assert response.status_code == 200, (persona, response.json())
            assert _snapshot(task)[:3] != before[:3], persona
            assert Transition.objects.filter(task=task, action=action, by=people[persona]).exists()
        else:
            expected = {"anonymous": 401}.get(persona, 404 if persona in NOBODY_WHO_SEES else None)
            assert response.status_code in ({expected} if expected else {403, 404}), (
                persona,
                response.status_code,
            )
            assert _snapshot(task) == before, persona
            assert callbacks == [], persona


def test_a_clearance_without_a_second_person_is_marked_in_the_history(world, cast, make_task):
    # given
    task = _prepared("jna-colombia", "submitted", world, cast, make_task)
    # when
    api_for(cast.colombia_team).post(
        f"/api/v1/tasks/{task.pk}/transitions/",
        {"action": "clear", "version": task.version},
        format="json",
    )
    history = api_for(cast.regional_team).get(f"/api/v1/tasks/{task.pk}/transitions/").json()
    # then
    assert [(h["action"], h["four_eyes_waived"]) for h in history] == [("clear", True)]
    assert history[0]["note"] == (
        "Cleared by the person who submitted it: no one else held this step."
    )


def test_a_refusal_says_why_and_a_stale_version_answers_409_with_the_current_state(
    world, cast, make_task
):
    # given
    task = _prepared("pin-colombia", "submitted", world, cast, make_task)
    url = f"/api/v1/tasks/{task.pk}/transitions/"
    # when: the Regional Platform tries to clear the National Sector's step
    refused = api_for(cast.regional_team).post(
        url, {"action": "clear", "version": task.version}, format="json"
    )
    # then
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "not_allowed_at_this_step",
        "detail": "This step is for the National Sector.",
    }
    # when: two national co-coordinators clear the version they both saw
    seen = task.version
    first = api_for(cast.marta).post(url, {"action": "clear", "version": seen}, format="json")
    second = api_for(cast.jorge).post(url, {"action": "clear", "version": seen}, format="json")
    # then
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "stale_version"
    assert (second.json()["state"], second.json()["step"], second.json()["version"]) == (
        "submitted",
        2,
        seen + 1,
    )


def test_a_return_without_a_comment_is_a_400_naming_the_comment(world, cast, make_task):
    task = _prepared("pin-colombia", "submitted", world, cast, make_task)
    response = api_for(cast.marta).post(
        f"/api/v1/tasks/{task.pk}/transitions/",
        {"action": "return", "version": task.version, "comment": " "},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["comment"]
    assert Task.objects.get(pk=task.pk).state == "submitted"


def test_the_task_says_in_words_who_clears_under_substitution(world, cast, make_task):
    # given
    task = _prepared("pin-caribbean", "submitted", world, cast, make_task)
    # when
    body = api_for(cast.ana).get(f"/api/v1/tasks/{task.pk}/").json()
    listed = api_for(cast.ana).get("/api/v1/tasks/?platform=caribbean").json()["results"]
    # then
    note = (
        "To be cleared by the Regional Health Sector in place of a National Sector, "
        "none being active on Caribbean."
    )
    assert body["substitution_note"] == note == listed[0]["substitution_note"]
    assert body["waiting_on_label"] == "Regional Health Sector"
    assert body["allowed_actions"] == ["clear", "return"]
    assert [s["party"] for s in body["steps"]] == ["national_sector", "regional_platform"]


def test_drafting_through_the_api_saves_versions_and_attachments(
    world, cast, make_task, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    api = api_for(cast.luis)
    # when: a draft, an attachment with a hostile name, a bad file, a stale save
    saved = api.post(
        f"/api/v1/tasks/{task.pk}/draft/",
        {"narrative": "# Needs\n\nHigh.", "version": 1},
        format="json",
    )
    upload = SimpleUploadedFile("../../etc/Évaluation final.PDF", b"%PDF-1.4 data")
    attached = api.post(
        f"/api/v1/tasks/{task.pk}/attachments/", {"file": upload, "version": 2}, format="multipart"
    )
    script = SimpleUploadedFile("run.exe", b"MZ")
    refused = api.post(
        f"/api/v1/tasks/{task.pk}/attachments/", {"file": script, "version": 3}, format="multipart"
    )
    stale = api.post(
        f"/api/v1/tasks/{task.pk}/draft/", {"narrative": "old", "version": 1}, format="json"
    )
    # then
    assert saved.status_code == 200
    assert saved.json()["submission"]["narrative_html"] == "<h1>Needs</h1>\n<p>High.</p>\n"
    assert attached.status_code == 201, attached.json()
    assert attached.json()["name"] == "Evaluation_final.pdf"
    assert attached.json()["content_type"] == "application/pdf"
    stored = Attachment.objects.get()
    assert stored.file.path.startswith(str(tmp_path / "program_cycle"))
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["file"]
    assert stale.status_code == 409
    # downloads: the drafters and the Regional Platform yes, a partner no
    url = attached.json()["download_url"]
    download = api_for(cast.regional_team).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 data"
    assert 'attachment; filename="Evaluation_final.pdf"' in download["Content-Disposition"]
    assert api_for(None).get(url).status_code == 401
    assert api_for(cast.caribbean_team).get(url).status_code == 404


def test_an_oversized_attachment_is_refused(
    world, cast, make_task, settings, tmp_path, monkeypatch
):
    from program_cycle import services

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 10)
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    response = api_for(cast.luis).post(
        f"/api/v1/tasks/{task.pk}/attachments/",
        {"file": SimpleUploadedFile("big.pdf", b"x" * 11), "version": 1},
        format="multipart",
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"]["file"][0]
    assert Attachment.objects.count() == 0


def test_versions_are_listed_and_partners_see_no_drafts(world, cast, personas, make_task):
    task = _prepared("regional-narrative", "submitted", world, cast, make_task)
    _move(task, "return", cast.regional_team, comment="More data.")
    versions = api_for(cast.ana).get(f"/api/v1/tasks/{task.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    # only the version being drafted can be acted on
    assert [v["allowed_actions"] for v in versions] == [[], ["edit", "submit"]]
    for persona in ("partner", "outsider", "focal_point"):
        assert api_for(personas[persona]).get("/api/v1/tasks/").json()["count"] == 0
        assert api_for(personas[persona]).get(f"/api/v1/tasks/{task.pk}/").status_code == 404
        sub = Submission.objects.filter(task=task).first()
        assert api_for(personas[persona]).get(f"/api/v1/submissions/{sub.pk}/").status_code == 404


def test_filters_of_the_task_list(world, cast, make_task):
    # given
    late = make_task("pin", world.colombia, world.health, due_on=datetime.date(2020, 1, 1))
    _prepared("pin-caribbean", "submitted", world, cast, make_task)
    make_task("jna", world.colombia)
    api = api_for(cast.regional_team)

    def ids(query):
        response = api.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 200, response.json()
        return [t["id"] for t in response.json()["results"]]

    # then
    assert ids("overdue=true") == [late.pk]
    assert len(ids("platform=colombia")) == 2
    assert len(ids("task_type=pin&state=submitted&waiting_on=regional_sector")) == 1
    assert len(ids("area=rmna_rmrp&sector=health")) == 2
    assert api.get("/api/v1/tasks/?state=nonsense").status_code == 400
    assert len(api_for(cast.ana).get("/api/v1/tasks/?mine=clear").json()["results"]) == 1
    assert len(api_for(cast.colombia_team).get("/api/v1/tasks/?mine=draft").json()["results"]) == 2


@pytest.mark.parametrize("persona", ["regional", "luis", "colombia_team"])
def test_the_task_list_asks_the_same_number_of_queries_at_1x_and_10x(
    persona, world, cast, make_task, django_assert_num_queries
):
    # Each size in its own cycle, so the uniqueness of tasks per cycle holds.
    user = {"regional": cast.regional_team, "luis": cast.luis, "colombia_team": cast.colombia_team}[
        persona
    ]

    def fresh():
        # A new user object per request, as a real request has (scopes are cached on it).
        return api_for(User.objects.get(pk=user.pk))

    def measure():
        client = fresh()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/tasks/?limit=200")
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    def fill(n):
        cycle = CycleFactory()
        for i in range(n):
            TaskFactory(cycle=cycle, task_type="pin", platform=world.colombia, sector=world.health)
            guide = TaskFactory(
                cycle=cycle,
                task_type="jna-sector-guide",
                platform=world.regional,
                sector=world.health,
            )
            _move(guide, "submit", cast.luis)
            TaskFactory(cycle=cycle, task_type="pin", platform=cast.caribbean, sector=world.health)
            del i

    fill(1)
    measure()  # warms the process-wide caches (content types), as any running server has
    small, small_count = measure()
    for _ in range(9):
        fill(1)
    client = fresh()
    with django_assert_num_queries(small):
        response = client.get("/api/v1/tasks/?limit=200")
    assert response.json()["count"] == small_count * 10


def _other_writes(world, cast, tmp_path):
    """(name, prepare -> (method, url, body, format), who may) for the writes besides transitions."""
    from program_cycle.models import Cycle

    def cycle_create():
        year = 2040 + Cycle.objects.count()
        dates = {"opens_on": f"{year}-01-01", "submissions_due_on": f"{year}-02-01"}
        dates |= {"clearance_due_on": f"{year}-03-01", "closes_on": f"{year}-04-01"}
        return (
            "post",
            "/api/v1/cycles/",
            {"name": f"RMNA {year}", "kind": "rmna", "year": year, **dates},
            "json",
        )

    def generate():
        return "post", f"/api/v1/cycles/{CycleFactory(kind='monitoring').pk}/generate/", {}, "json"

    def narrative():
        return TaskFactory(
            cycle=CycleFactory(),
            task_type="rmna-regional-sector-narrative",
            platform=world.regional,
            sector=world.health,
        )

    def draft():
        task = narrative()
        return (
            "post",
            f"/api/v1/tasks/{task.pk}/draft/",
            {"narrative": "x", "version": task.version},
            "json",
        )

    def attach():
        task = narrative()
        upload = SimpleUploadedFile("a.pdf", b"%PDF")
        return (
            "post",
            f"/api/v1/tasks/{task.pk}/attachments/",
            {"file": upload, "version": task.version},
            "multipart",
        )

    def detach():
        from program_cycle import services

        task = narrative()
        services.attachment_add(
            task_id=task.pk, upload=SimpleUploadedFile("a.pdf", b"%PDF"), version=1, by=cast.ana
        )
        attachment = Attachment.objects.filter(submission__task=task).get()
        return "delete", f"/api/v1/attachments/{attachment.pk}/", {"version": 2}, "json"

    regional = {"regional", "regional_2", "admin"}
    drafters = {"ana", "co_coordinator"}
    return [
        ("cycle-create", cycle_create, regional),
        ("cycle-generate", generate, regional),
        ("draft", draft, drafters),
        ("attach", attach, drafters),
        ("detach", detach, drafters),
    ]


@pytest.mark.parametrize("write", ["cycle-create", "cycle-generate", "draft", "attach", "detach"])
def test_the_other_writes_are_allowed_to_their_party_only_and_change_nothing_otherwise(
    write, world, cast, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _name, prepare, allowed = next(w for w in _other_writes(world, cast, tmp_path) if w[0] == write)
    from program_cycle.models import Cycle

    def snapshot():
        return (
            Cycle.objects.count(),
            Task.objects.count(),
            sorted(Task.objects.values_list("version", flat=True)),
            Attachment.objects.count(),
        )

    for persona in PERSONAS:
        method, url, body, fmt = prepare()
        before = snapshot()
        with django_capture_on_commit_callbacks() as callbacks:
            response = getattr(api_for(people[persona]), method)(url, body, format=fmt)
        if persona in allowed:
            assert response.status_code in (200, 201, 204), (persona, response.content)
            assert snapshot() != before, persona
        else:
            expected = {"anonymous": 401}.get(persona)
            assert response.status_code in ({expected} if expected else {403, 404}), (
                persona,
                response.status_code,
            )
            assert snapshot() == before, persona
            assert callbacks == [], persona


@pytest.mark.parametrize(
    "query",
    ["offset=1&offset=2", "limit=abc", "limit=1&limit=5", f"offset={'9' * 25}", "offset=-1"],
)
@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/cycles/", "/api/v1/task-types/"])
def test_paging_input_the_kit_refuses_is_a_400_naming_the_parameter(path, query, world, cast):
    # when
    response = api_for(cast.regional_team).get(f"{path}?{query}")
    # then
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_a_limit_above_the_cap_pages_at_the_cap(world, cast, make_task):
    # given
    make_task("jna", world.colombia)
    # when
    response = api_for(cast.regional_team).get("/api/v1/tasks/?limit=100000")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1

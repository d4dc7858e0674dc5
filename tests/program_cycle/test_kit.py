"""The program cycle on the shared kit: errors, one transaction per page write, one home per rule,
the payload registry, history reasons in words."""

import ast
import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import program_cycle
from program_cycle import payloads, reminders, workflow
from program_cycle.models import Submission, Task
from r4v import errors

from ..conftest import api_for, client_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


def _move(task, action, by, comment=""):
    task.refresh_from_db()
    workflow.task_transition(
        task_id=task.pk, action=action, version=task.version, by=by, comment=comment
    )
    task.refresh_from_db()
    return task


# --- Errors -------------------------------------------------------------------------------------


def test_not_allowed_says_its_default_message_through_the_translation_catalogue():
    # when
    with mock.patch.object(errors, "_", side_effect=str.upper):
        error = errors.NotAllowed()
    # then
    assert error.detail == "YOU MAY NOT DO THIS."


def test_a_transition_the_page_never_offered_is_a_403_and_changes_nothing(
    world, cast, make_task, client
):
    # given: a draft; a Regional Sector co-coordinator is not among its drafters
    task = make_task("pin", world.colombia, world.health)
    # when
    response = client_for(client, cast.ana).post(
        reverse("program_cycle:task-transition", args=[task.pk]),
        {"action": "submit", "version": task.version},
    )
    # then
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).state == "draft"


# --- One transaction for the draft and its file -----------------------------------------------


def test_a_refused_file_leaves_the_narrative_as_it_was(
    world, cast, make_task, client, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    # when: a new narrative with a file of a type that is refused
    response = client_for(client, cast.luis).post(
        reverse("program_cycle:task-edit", args=[task.pk]),
        {
            "narrative": "Needs are high.",
            "version": task.version,
            "file": SimpleUploadedFile("tool.exe", b"MZ"),
        },
    )
    # then: the page says why, next to the file, and nothing was saved
    assert response.status_code == 200
    assert "cannot be attached" in " ".join(response.context["form"].errors["file"])
    assert Task.objects.get(pk=task.pk).version == task.version
    assert task.current_submission.narrative == ""
    assert not task.current_submission.attachments.exists()


# --- One home per rule ---------------------------------------------------------------------------


def test_overdue_is_one_rule_read_by_lists_single_tasks_and_the_digest(world, cast, make_task):
    # given: late and on-time tasks in each state
    late = datetime.date(2027, 3, 1)
    later = datetime.date(2027, 4, 1)
    draft_late = make_task("pin", world.colombia, world.health, due_on=late, clear_by=later)
    make_task("jna", world.colombia, due_on=later, clear_by=later)
    submitted_late = make_task(
        "rmna-regional-sector-narrative", world.regional, world.health, due_on=late, clear_by=late
    )
    _move(submitted_late, "submit", cast.luis)
    # when
    in_query = set(Task.objects.overdue(TODAY).values_list("pk", flat=True))
    in_digest = {t.pk for t in reminders.overdue_tasks(TODAY)}
    one_by_one = {t.pk for t in Task.objects.all() if t.is_overdue(TODAY)}
    # then
    assert in_query == in_digest == one_by_one == {draft_late.pk, submitted_late.pk}


def test_the_current_submission_is_the_highest_version(world, cast, make_task):
    # given: a task returned once, so it has versions 1 and 2
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    _move(task, "submit", cast.luis)
    _move(task, "return", cast.regional_team, comment="Add Ecuador.")
    # then
    assert task.current_submission.number == 2
    assert list(Submission.objects.filter(task=task).current_first().values_list("number")) == [
        (2,),
        (1,),
    ]


# --- The payload registry ----------------------------------------------------------------------


@pytest.fixture
def checklist(monkeypatch):
    """A third payload registered from outside the rule module: a checklist kept on a dict."""
    kept: dict[int, list[str]] = {}
    payload = payloads.Payload(
        key="checklist",
        copy=lambda current, following, by: kept.__setitem__(
            following.pk, list(kept.get(current.pk, []))
        ),
        compare=lambda before, after: sorted(
            set(kept.get(after.pk, [])) - set(kept.get(before.pk, []))
        ),
        template="program_cycle/_compare_attachments.html",
        validate=lambda submission: [] if kept.get(submission.pk) else ["The checklist is empty."],
    )
    monkeypatch.setitem(payloads.PAYLOADS, "checklist", payload)
    return kept


def test_a_registered_payload_is_checked_before_submit_and_carried_into_the_next_version(
    world, cast, make_task, checklist
):
    # given
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    api = api_for(cast.luis)
    # when: submitted with its check failing
    refused = api.post(
        f"/api/v1/tasks/{task.pk}/transitions/",
        {"action": "submit", "version": task.version},
        format="json",
    )
    # then: a 400 that lists the problem; nothing moved
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"submission": ["The checklist is empty."]}
    assert Task.objects.get(pk=task.pk).state == "draft"
    # when: filled, submitted and returned
    checklist[task.current_submission.pk] = ["sources cited"]
    _move(task, "submit", cast.luis)
    _move(task, "return", cast.regional_team, comment="More.")
    # then: the new version carries it, and the comparison asks the payload
    first, second = Submission.objects.filter(task=task).order_by("number")
    assert checklist[second.pk] == ["sources cited"]
    checklist[second.pk].append("figures added")
    diffs = {part["key"]: part["diff"] for part in payloads.compare_all(first, second)}
    assert diffs["checklist"] == ["figures added"]
    assert set(diffs) == {"narrative", "attachments", "checklist"}


# --- History reasons ----------------------------------------------------------------------------

REASON_KEYWORDS = {"reason", "default_change_reason"}


def _unmarked_reasons() -> list[str]:
    """Every reason the program cycle gives that is not a literal marked with N_()."""
    found = []
    root = Path(program_cycle.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg not in REASON_KEYWORDS or isinstance(value, ast.Name):
                    continue  # a variable carries a msgid chosen elsewhere (REASONS below)
                marked = (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == "N_"
                    and isinstance(value.args[0], ast.Constant)
                )
                if not marked and not _is_reasons_lookup(value):
                    found.append(f"{path.name}:{value.lineno}")
    return found


def _is_reasons_lookup(node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "REASONS"


def _n_marked_literals(module_path: Path) -> set[str]:
    tree = ast.parse(module_path.read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_"
    }


def test_every_program_cycle_history_reason_is_marked_for_translation():
    assert _unmarked_reasons() == []
    # The transition table's reasons are marked literals in the module (xgettext finds them).
    marked = _n_marked_literals(Path(workflow.__file__))
    assert set(workflow.REASONS.values()) <= marked
    assert set(workflow.REASONS) == set(workflow.TRANSITIONS)


def test_the_task_history_says_in_words_what_happened(world, cast, make_task, client):
    # given
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    _move(task, "submit", cast.luis)
    _move(task, "clear", cast.regional_team)
    # when
    page = (
        client_for(client, cast.regional_team)
        .get(reverse("history", args=["task", task.pk]))
        .content.decode()
    )
    # then
    assert "Clearance step cleared" in page
    assert "Submitted for clearance" in page
    assert "submitted -&gt; final" not in page and "submitted -> final" not in page
    task_page = client_for(client, cast.regional_team).get(task.get_absolute_url())
    assert [row["action"] for row in task_page.context["history"]] == [
        "Submitted for clearance",
        "Clearance step cleared",
    ]

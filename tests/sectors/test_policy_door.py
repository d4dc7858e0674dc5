"""One door for access: the apps' objects are asked through `sectors.policy`, which answers the
same for a list, a filter through a relation (a prefix) and one object."""

import pytest

from meetings.access import CHANGE
from meetings.models import Meeting, Occurrence
from program_cycle.models import Submission, Task
from program_cycle.services import task_types_load
from r4v.services import system_user
from sectors import policy
from sectors.policy.access import _KINDS

from ..conftest import PERSONAS
from ..factories import TaskFactory
from ..meetings.conftest import schedule


@pytest.fixture
def objects(world, personas):
    task_types_load(by=system_user())
    TaskFactory(task_type="pin", platform=world.colombia, sector=world.health)
    TaskFactory(task_type="pin", platform=world.regional, sector=world.health)
    for visibility in ("internal", "public"):
        schedule(
            personas["regional"],
            platform_sector=world.colombia_health,
            visibility=visibility,
            title=f"{visibility} meeting",
            accept=True,
        )


def test_the_apps_register_their_kinds_of_object():
    assert {Meeting, Task} <= set(_KINDS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_filter_through_a_relation_agrees_with_the_list(objects, personas, persona):
    # given
    user = None if persona == "anonymous" else personas[persona]
    # when
    meetings = set(Meeting.objects.filter(policy.visible_q(user, Meeting)))
    sittings = Occurrence.objects.filter(policy.visible_q(user, Meeting, prefix="meeting__"))
    tasks = set(Task.objects.filter(policy.visible_q(user, Task)))
    versions = Submission.objects.filter(policy.visible_q(user, Task, prefix="task__"))
    # then: the same objects whichever way they are reached
    assert {sitting.meeting for sitting in sittings} == meetings
    assert {version.task for version in versions} == tasks


def test_the_regional_platform_sees_everything_even_or_ed_with_another_rule(objects, personas):
    # An empty Q vanishes from an OR; the door's answer for "everything" must not.
    regional = personas["regional"]
    either = policy.visible_q(regional, Meeting) | policy.visible_q(None, Meeting)
    assert Meeting.objects.filter(either).count() == Meeting.objects.count() == 2


def test_can_answers_for_a_registered_kind(objects, personas):
    meeting = Meeting.objects.get(title="internal meeting")
    assert policy.can(personas["regional"], CHANGE, meeting)
    assert not policy.can(personas["partner"], CHANGE, meeting)
    assert not policy.can(None, CHANGE, meeting)

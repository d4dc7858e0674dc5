"""The clearance workflow through its one transition function (services level)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from program_cycle import parties, services, workflow
from program_cycle.models import Submission, Task, TaskState, Transition
from r4v.errors import Conflict, NotAllowed
from r4v.models import Notification
from sectors.models import CoCoordinatorDesignation

from ..factories import CoCoordinatorFactory, CoLeadFactory, PlatformSectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def move(task, action, by, comment=""):
    task.refresh_from_db()
    return workflow.task_transition(
        task_id=task.pk, action=action, version=task.version, by=by, comment=comment
    )


def draft(task, text, by):
    task.refresh_from_db()
    return services.submission_save(task_id=task.pk, narrative=text, version=task.version, by=by)


def test_pin_of_a_platform_goes_national_sector_then_regional_platform_then_final(
    world, cast, make_task
):
    # given
    task = make_task("pin", world.colombia, world.health)
    draft(task, "PiN: 1.2 million", cast.colombia_team)
    # when
    move(task, "submit", cast.colombia_team)
    task.refresh_from_db()
    # then: step 1 waits on the National Sector, who are told
    assert (task.state, task.step, task.waiting_on, task.substituted) == (
        "submitted",
        1,
        "national_sector",
        False,
    )
    told = set(
        Notification.objects.filter(subject__startswith="To clear").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {"marta@unhcr.example", "jorge@cs.example"}
    # when
    move(task, "clear", cast.marta)
    task.refresh_from_db()
    assert (task.state, task.step, task.waiting_on) == ("submitted", 2, "regional_platform")
    move(task, "clear", cast.regional_team)
    task.refresh_from_db()
    # then
    assert (task.state, task.step, task.waiting_on) == ("final", None, "")
    rows = list(
        Transition.objects.filter(task=task).values_list(
            "action", "from_state", "to_state", "step", "party"
        )
    )
    assert rows == [
        ("submit", "draft", "submitted", 1, "platform"),
        ("clear", "submitted", "submitted", 1, "national_sector"),
        ("clear", "submitted", "final", 2, "regional_platform"),
    ]
    # the drafters are told it is final
    assert set(
        Notification.objects.filter(subject__startswith="Final").values_list(
            "recipient__email", flat=True
        )
    ) == {
        "imo@colombia.example",
        "marta@unhcr.example",
        "jorge@cs.example",
    }


def test_a_national_sector_step_on_a_platform_without_that_sector_goes_to_the_regional_sector(
    world, cast, make_task
):
    # given: no Health sector on the Caribbean platform
    task = make_task("pin", cast.caribbean, world.health)
    # when
    move(task, "submit", cast.caribbean_team)
    task.refresh_from_db()
    # then
    assert (task.waiting_on, task.substituted) == ("regional_sector", True)
    assert parties.substitution_note(task) == (
        "To be cleared by the Regional Health Sector in place of a National Sector, none being active on Caribbean."
    )
    assert parties.waiting_label(task) == "Regional Health Sector"
    assert workflow.task_allowed_actions(cast.ana, task) == ["clear", "return"]
    # when
    move(task, "clear", cast.ana)
    # then
    row = Transition.objects.get(task=task, action="clear")
    assert (row.party, row.substituted) == ("regional_sector", True)
    task.refresh_from_db()
    assert task.waiting_on == "regional_platform" and not task.substituted


def test_a_sector_activated_mid_clearance_leaves_the_open_step_to_the_regional_sector_and_takes_the_next(
    world, cast, make_task
):
    # given: under substitution
    task = make_task("pin", cast.caribbean, world.health)
    move(task, "submit", cast.caribbean_team)
    # when: Health becomes active on the Caribbean with a co-coordinator
    caribbean_health = PlatformSectorFactory(platform=cast.caribbean, sector=world.health)
    nadia = CoCoordinatorFactory(
        co_lead=CoLeadFactory(platform_sector=caribbean_health, organization=world.unhcr),
        person=UserFactory(email="nadia@unhcr.example"),
    ).person
    task.refresh_from_db()
    # then: the open step stays with the Regional Sector
    assert workflow.task_allowed_actions(nadia, task) == [
        "withdraw"
    ]  # a drafter now, not a clearer
    with pytest.raises(NotAllowed):
        move(task, "clear", nadia)
    assert "clear" in workflow.task_allowed_actions(cast.luis, Task.objects.get(pk=task.pk))
    # when: the Regional Sector returns it; resubmitted, it reaches the now active National Sector
    move(task, "return", cast.luis, comment="Use the new JNA figures.")
    move(task, "submit", cast.caribbean_team)
    task.refresh_from_db()
    # then
    assert (task.waiting_on, task.substituted) == ("national_sector", False)
    move(task, "clear", nadia)
    assert Transition.objects.filter(
        task=task, action="clear", party="national_sector", substituted=False
    ).exists()


def test_the_submitter_does_not_clear_while_another_holder_exists_and_may_when_none_does(
    world, cast, make_task
):
    # given: the JNA guide is drafted and cleared by the Regional Sector
    task = make_task("jna-sector-guide", world.regional, world.health)
    draft(task, "Indicators", cast.luis)
    move(task, "submit", cast.luis)
    task.refresh_from_db()
    # when / then: Ana exists, so Luis may not clear what he submitted
    assert workflow.task_allowed_actions(cast.luis, task) == ["return", "withdraw"]
    with pytest.raises(NotAllowed) as refused:
        move(task, "clear", cast.luis)
    assert "another person" in refused.value.detail
    assert "clear" not in workflow.task_allowed_actions(cast.luis, Task.objects.get(pk=task.pk))
    # when: Ana's designation ends, Luis is the only one left
    CoCoordinatorDesignation.objects.filter(person=cast.ana).update(
        ended_on=datetime.date(2026, 1, 2)
    )
    move(task, "clear", cast.luis)
    # then
    row = Transition.objects.get(task=task, action="clear")
    assert row.four_eyes_waived is True
    task.refresh_from_db()
    assert task.state == "final"


def test_return_needs_a_comment_starts_a_new_version_and_resubmission_keeps_both(
    world, cast, make_task
):
    # given
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    draft(task, "Needs are high.", cast.luis)
    move(task, "submit", cast.luis)
    # when / then: no comment
    with pytest.raises(ValidationError) as error:
        move(task, "return", cast.regional_team, comment="  ")
    assert "comment" in error.value.message_dict
    assert Task.objects.get(pk=task.pk).state == "submitted"
    # when
    move(task, "return", cast.regional_team, comment="Add the figures for Peru.")
    # then
    task.refresh_from_db()
    assert task.state == "returned"
    versions = list(Submission.objects.filter(task=task).values_list("number", "narrative"))
    assert versions == [(1, "Needs are high."), (2, "Needs are high.")]
    assert (
        Notification.objects.filter(subject__startswith="Returned", recipient=cast.ana).count() == 1
    )
    # when: resubmitted with a change and cleared
    draft(task, "Needs are high, Peru: 400k.", cast.ana)
    move(task, "submit", cast.ana)
    move(task, "clear", cast.regional_team)
    # then
    assert Submission.objects.get(task=task, number=1).narrative == "Needs are high."
    assert [t.action for t in Transition.objects.filter(task=task)] == [
        "submit",
        "return",
        "submit",
        "clear",
    ]
    assert Transition.objects.get(action="return").submission.number == 1


def test_a_stale_version_is_refused_with_the_current_state(world, cast, make_task):
    # given
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    seen = task.version
    draft(task, "v1", cast.luis)
    # when / then
    with pytest.raises(Conflict) as stale:
        workflow.task_transition(task_id=task.pk, action="submit", version=seen, by=cast.luis)
    assert stale.value.status_code == 409
    assert stale.value.current == {"state": "draft", "step": None, "version": seen + 1}
    assert Transition.objects.count() == 0


def test_withdraw_only_until_the_first_clearance_and_reopen_only_by_the_regional_platform(
    world, cast, make_task
):
    # given
    task = make_task("pin", world.colombia, world.health)
    move(task, "submit", cast.colombia_team)
    # when: withdrawn and submitted again
    move(task, "withdraw", cast.colombia_team)
    assert Task.objects.get(pk=task.pk).state == "draft"
    move(task, "submit", cast.colombia_team)
    move(task, "clear", cast.jorge)
    # then: cleared once, no more withdrawing
    with pytest.raises(NotAllowed):
        move(task, "withdraw", cast.colombia_team)
    move(task, "clear", cast.regional_team)
    # when: reopening needs the Regional Platform and a reason
    with pytest.raises(NotAllowed):
        move(task, "reopen", cast.colombia_team, comment="Oops")
    with pytest.raises(ValidationError):
        move(task, "reopen", cast.regional_team)
    move(task, "reopen", cast.regional_team, comment="Figures revised by INE.")
    # then
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT
    assert Submission.objects.filter(task=task).count() == 2
    assert Transition.objects.filter(
        task=task, action="reopen", comment="Figures revised by INE."
    ).exists()


def test_an_unknown_action_is_a_400_naming_the_field(world, cast, make_task):
    task = make_task("pin", world.colombia, world.health)
    with pytest.raises(workflow.DomainError) as error:
        move(task, "approve", cast.regional_team)
    assert (error.value.code, error.value.field) == ("unknown_action", "action")


@pytest.mark.django_db(transaction=True)
def test_twenty_clearers_at_once_one_succeeds_the_rest_get_409(world, cast, make_task, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the row lock is exercised on PostgreSQL")
    from r4v import tasks as r4v_tasks
    from r4v.services import system_user
    from sectors.models import RoleAssignment
    from sectors.services import _role_grant

    monkeypatch.setattr(r4v_tasks.deliver_notification, "delay", lambda pk: None)
    # given: twenty Regional Platform team members and a task waiting on them
    team = [UserFactory(email=f"team{n}@regional.example") for n in range(20)]
    for member in team:
        _role_grant(
            user=member,
            role=RoleAssignment.Role.REGIONAL_TEAM,
            platform=world.regional,
            by=system_user(),
        )
    task = make_task("rmna-regional-sector-narrative", world.regional, world.health)
    move(task, "submit", cast.luis)
    task.refresh_from_db()
    notifications_before = Notification.objects.count()
    barrier = threading.Barrier(20)
    outcomes = []

    def clear(user):
        try:
            barrier.wait(timeout=20)
            workflow.task_transition(task_id=task.pk, action="clear", version=task.version, by=user)
            outcomes.append("cleared")
        except Conflict:
            outcomes.append(409)
        except Exception as error:  # noqa: BLE001 - the assertion below shows what went wrong
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=clear, args=(member,)) for member in team]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert sorted(outcomes, key=str) == [409] * 19 + ["cleared"]
    assert Transition.objects.filter(task=task, action="clear").count() == 1
    # one set of notifications: the two drafters told it is final
    assert Notification.objects.count() - notifications_before == 2

"""The clearance workflow: one rule table and one transition function.

Pages, the API's `allowed_actions`, "My work", the queue and the reminders all read `RULES`
and `parties.Eligibility`; nothing else decides who may move a task.

Decisions the seed leaves open, written down:

- **Parties, not people.** Each rule names a party (the type's drafters, the current step's
  party, the Regional Platform); who holds it *today* is `parties.py`'s question, and why.
- **Substitution (seed 000, note 6)** is resolved when a task *enters* a National Sector step
  marked substitutable: if nobody holds the National Sector there (the sector is not active on
  that platform, or has no co-coordinator in office), the step waits on the Regional Sector of
  the same catalogue entry, and the task, the queue, the API and the history say so in words.
  A sector activated while such a step is open does not take the step over: the Regional
  Sector that was asked finishes it (no one loses a task they were working on, and lists
  need no lookup to say who it waits on). The next time the task reaches that step (after a
  return or a reopening) it goes to the newly active National Sector.
- **Four eyes.** Whoever submitted a version does not clear it while another holder of the
  step's party exists. When none does, they may only where the clear rule names the step's
  party in `four_eyes_waivable`: parties granted by someone above the drafters (platform
  teams and Regional Sectors by the Regional Platform, the Regional Platform by an
  administrator). Never a National Sector: its co-coordinators are designated by the
  platform team, which drafts the same tasks (issue 22: a team made itself co-coordinator and
  cleared its own PiN). A National Sector of one who submitted waits for a second
  co-coordinator or withdraws for someone else to submit. Nobody designates themselves
  (`sectors.services.co_coordinator_designate`). A waived clearance is marked in the history
  and told to the Regional Platform team.
- **Withdraw** is open to the drafters until the first step is cleared.
- **Return** needs a comment and starts the next version (a copy of the returned one), so every
  version stays as it was read. **Reopen** is the Regional Platform's, on a final task, with a
  reason; it also starts the next version.
- **Versions.** `Task.version` counts every change; a client sends the one it saw and a stale
  one answers 409 with the current state. That is what makes twenty clearers acting at once
  end with exactly one transition: the row lock orders them, the version check refuses the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import Conflict, DomainError, NotAllowed
from r4v.models import User
from r4v.services import notification_send
from sectors import policy
from sectors.policy import Party

from . import payloads, reminders
from .models import ClearanceStep, Submission, Task, TaskState, Transition, party_label
from .parties import (
    Eligibility,
    clearers_of,
    drafters_of,
    eligibility_of,
    substitution_note,
    waiting_label,
)

State = TaskState


class Act(StrEnum):
    # Not a transition: saving the draft narrative and attachments of the current version.
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    CLEAR = "clear"
    RETURN = "return"
    REOPEN = "reopen"


TRANSITIONS = (Act.SUBMIT, Act.WITHDRAW, Act.CLEAR, Act.RETURN, Act.REOPEN)


class Actor(StrEnum):
    # Any holder of one of the task type's drafting parties for the task's scope.
    DRAFTERS = "drafters"
    # Holders of the party the current step waits on (the Regional Sector under substitution).
    STEP = "step"
    REGIONAL_PLATFORM = "regional_platform"


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    actor: Actor
    comment_required: bool = False
    # The action starts the next submission version (a copy of the current one).
    new_version: bool = False
    # Withdraw: only while nobody has cleared the version yet.
    first_step_only: bool = False
    # Step parties whose submitter may clear their own version when nobody else holds the
    # party (module docstring, "Four eyes"); any other party always needs a second person.
    four_eyes_waivable: frozenset[str] = frozenset()


# The rule table: action -> in which states, by whom, with what.
RULES: dict[Act, Rule] = {
    Act.EDIT: Rule(frozenset({State.DRAFT, State.RETURNED}), Actor.DRAFTERS),
    Act.SUBMIT: Rule(frozenset({State.DRAFT, State.RETURNED}), Actor.DRAFTERS),
    Act.WITHDRAW: Rule(frozenset({State.SUBMITTED}), Actor.DRAFTERS, first_step_only=True),
    Act.CLEAR: Rule(
        frozenset({State.SUBMITTED}),
        Actor.STEP,
        four_eyes_waivable=frozenset(
            {Party.PLATFORM, Party.REGIONAL_SECTOR, Party.REGIONAL_PLATFORM}
        ),
    ),
    Act.RETURN: Rule(
        frozenset({State.SUBMITTED}), Actor.STEP, comment_required=True, new_version=True
    ),
    Act.REOPEN: Rule(
        frozenset({State.FINAL}), Actor.REGIONAL_PLATFORM, comment_required=True, new_version=True
    ),
}


# What a transition writes as the task's history reason: a fixed msgid, shown in the reader's
# language by the history page (`r4v.history`), never "clear: submitted -> final".
REASONS: dict[Act, str] = {
    Act.SUBMIT: N_("Submitted for clearance"),
    Act.WITHDRAW: N_("Withdrawn from clearance"),
    Act.CLEAR: N_("Clearance step cleared"),
    Act.RETURN: N_("Returned with a comment"),
    Act.REOPEN: N_("Reopened"),
}


def history_label(action: str) -> str:
    """A transition in the task's history, in words (in the reader's language)."""
    return _(REASONS[Act(action)]) if action in REASONS else action


def action_label(action: str) -> str:
    return {
        Act.EDIT: _("Edit"),
        Act.SUBMIT: _("Submit"),
        Act.WITHDRAW: _("Withdraw"),
        Act.CLEAR: _("Clear"),
        Act.RETURN: _("Return with a comment"),
        Act.REOPEN: _("Reopen"),
    }.get(action, action)


# --- Who may do what -----------------------------------------------------------------------------


def _submitter_id(task: Task) -> int | None:
    # Lists annotate it (selectors.task_list_visible_to); a single task asks.
    if hasattr(task, "current_submitter_id"):
        return task.current_submitter_id
    return task.submissions.current_first().values_list("submitted_by_id", flat=True).first()


def _acting_party(rule: Rule, task: Task, elig: Eligibility, drafters: list[str]) -> str | None:
    """The party `elig`'s user would act as under `rule`, or None."""
    match rule.actor:
        case Actor.DRAFTERS:
            return next(
                (p for p in drafters if elig.holds(p, task.platform_id, task.sector_id)), None
            )
        case Actor.STEP:
            if task.waiting_on and elig.holds(task.waiting_on, task.platform_id, task.sector_id):
                return task.waiting_on
            return None
        case Actor.REGIONAL_PLATFORM:
            return Party.REGIONAL_PLATFORM if elig.is_regional_platform else None
    return None


# Why an action is refused, written only when asked (`reason()`): a page's `allowed_actions`
# need yes or no, and the words cost more than the rule (a translation and the state's label
# for each action of each row).
Reason = Callable[[], str]


def _refusal(action: Act, task: Task, elig: Eligibility) -> tuple[str | None, Reason | None, bool]:
    """(party acted as, why it is refused or None, four eyes waived) for `action` on `task`."""
    rule = RULES[action]
    if task.state not in rule.states:
        return (
            None,
            lambda: (
                _("This cannot be done while the task is %(state)s.")
                % {"state": task.get_state_display().lower()}
            ),
            False,
        )
    if rule.first_step_only and task.step != 1:
        return (
            None,
            lambda: _("A submission can be withdrawn only until its first clearance."),
            False,
        )
    party = _acting_party(rule, task, elig, task.task_type.drafters)
    if party is None:
        if rule.actor == Actor.STEP:
            return (
                None,
                lambda: _("This step is for the %(party)s.") % {"party": waiting_label(task)},
                False,
            )
        if rule.actor == Actor.DRAFTERS:
            return None, lambda: _("Only the drafters of this task may do this."), False
        return None, lambda: _("Only the Regional Platform may do this."), False
    waived = False
    if action == Act.CLEAR:
        submitter = _submitter_id(task)
        if submitter == elig.user.pk:
            if party not in rule.four_eyes_waivable or elig.others_hold(task, submitter):
                return (
                    None,
                    lambda: (
                        _("You submitted this version; another person of the %(party)s clears it.")
                        % {"party": waiting_label(task)}
                    ),
                    False,
                )
            waived = True
    return party, None, waived


def task_allowed_actions(user, task: Task) -> list[str]:
    elig = eligibility_of(user)
    if not elig.held:
        return []
    return sorted(str(action) for action in RULES if _refusal(action, task, elig)[1] is None)


policy.actions_source(Task)(task_allowed_actions)


@policy.actions_source(Submission)
def submission_allowed_actions(user, submission: Submission) -> list[str]:
    """The task's actions on its current version; an earlier version is history: none."""
    latest = (
        Submission.objects.filter(task_id=submission.task_id)
        .current_first()
        .values_list("number", flat=True)
        .first()
    )
    if submission.number != latest:
        return []
    return task_allowed_actions(user, submission.task)


def prefetch_allowed_actions(user, tasks) -> None:
    """Answer the four-eyes question for a page of tasks in one query, before serializing."""
    elig = eligibility_of(user)
    if not elig.held or not tasks:
        return
    mine = {
        t.pk: user.pk
        for t in tasks
        if getattr(t, "current_submitter_id", None) == user.pk
        and t.waiting_on
        and elig.holds(t.waiting_on, t.platform_id, t.sector_id)
    }
    elig.prefetch_others(tasks, mine)


# --- Words -----------------------------------------------------------------------------------


def status_label(task: Task) -> str:
    if task.state == State.SUBMITTED and task.step and task.step > 1:
        return _("Partly cleared (step %(step)s)") % {"step": task.step}
    return task.get_state_display()


# --- The transition function -----------------------------------------------------------------


def _resolve_step(task: Task, step: ClearanceStep) -> tuple[str, bool]:
    """The party a step waits on, with the substitution rule applied (module docstring)."""
    if step.party == Party.NATIONAL_SECTOR and step.substitutable:
        if not policy.holders(Party.NATIONAL_SECTOR, task.policy_where()).exists():
            return Party.REGIONAL_SECTOR, True
    return step.party, False


def _next_version(task: Task, current: Submission, *, by: User) -> Submission:
    following = Submission(task=task, number=current.number + 1)
    save_audited(following, by=by, reason=N_("New version started"))
    payloads.copy_all(current, following, by=by)
    return following


def conflict(task: Task) -> Conflict:
    return Conflict(
        _(
            "This task has changed since you read it: it is now %(state)s, version %(version)s. Reload and try again."
        )
        % {"state": status_label(task).lower(), "version": task.version},
        code="stale_version",
        current={"state": task.state, "step": task.step, "version": task.version},
    )


def task_lock(task_id: int, *, version: int) -> Task:
    """Lock a task and check the client saw its current version (inside a transaction)."""
    # Inner joins only: PostgreSQL cannot lock the nullable side of an outer join (sector).
    task = locked(Task.objects.select_related("task_type", "platform", "cycle"), task_id)
    if version != task.version:
        raise conflict(task)
    return task


def require(task: Task, action: Act, *, by: User) -> str:
    """Raise NotAllowed unless `by` may do `action` now; returns the party they act as."""
    party, reason, _waived = _refusal(action, task, Eligibility(by))
    if reason is not None:
        raise NotAllowed(reason(), code="not_allowed_at_this_step")
    return party


@transaction.atomic
def task_transition(
    *, task_id: int, action: str, version: int, by: User, comment: str = ""
) -> Task:
    """Move a task by `action`: lock, check the rule, move, write history, notify after commit."""
    try:
        act = Act(action)
    except ValueError:
        act = None
    if act is None or act not in TRANSITIONS:
        raise DomainError(_("Unknown action."), code="unknown_action", field="action")
    task = task_lock(task_id, version=version)
    rule = RULES[act]
    # Fresh, not the request's cached answer: the check must hold at the moment of acting.
    party, reason, waived = _refusal(act, task, Eligibility(by))
    if reason is not None:
        raise NotAllowed(reason(), code="not_allowed_at_this_step")
    comment = comment.strip()
    if rule.comment_required and not comment:
        raise ValidationError({"comment": _("Say why: a comment is required for this action.")})

    submission = task.current_submission
    from_state, from_step, was_substituted = task.state, task.step, task.substituted
    steps = list(ClearanceStep.objects.filter(task_type_id=task.task_type_id).order_by("position"))
    now = timezone.now()

    match act:
        case Act.SUBMIT:
            if problems := payloads.problems(submission):
                raise ValidationError({"submission": problems})
            submission.submitted_by = by
            submission.submitted_at = now
            save_audited(
                submission,
                by=by,
                reason=N_("Submitted"),
                update_fields=["submitted_by", "submitted_at"],
            )
            _enter_step(task, steps[0])
        case Act.WITHDRAW:
            _leave_clearance(task, State.DRAFT)
        case Act.CLEAR:
            following = next((s for s in steps if s.position > task.step), None)
            if following is None:
                _leave_clearance(task, State.FINAL)
            else:
                _enter_step(task, following)
        case Act.RETURN:
            _leave_clearance(task, State.RETURNED)
        case Act.REOPEN:
            _leave_clearance(task, State.DRAFT)

    task.version += 1
    save_audited(
        task,
        by=by,
        reason=REASONS[act],
        update_fields=["state", "step", "waiting_on", "substituted", "version"],
    )
    Transition.objects.create(
        task=task,
        submission=submission,
        action=act.value,
        from_state=from_state,
        to_state=task.state,
        step=from_step if act in (Act.CLEAR, Act.RETURN, Act.WITHDRAW) else task.step,
        party=party,
        substituted=was_substituted and act in (Act.CLEAR, Act.RETURN),
        four_eyes_waived=waived,
        comment=comment,
        by=by,
        at=now,
    )
    if rule.new_version:
        _next_version(task, submission, by=by)
    _notify(task, act, by=by, comment=comment)
    if waived:
        _notify_waiver(task, by=by, step=from_step, party=party)
    # Reminders are rows written in this transaction: they commit, or roll back, with the move.
    reminders.task_reminders_reschedule(task)
    return task


def _enter_step(task: Task, step: ClearanceStep) -> None:
    task.state = State.SUBMITTED
    task.step = step.position
    task.waiting_on, task.substituted = _resolve_step(task, step)


def _leave_clearance(task: Task, state: str) -> None:
    task.state = state
    task.step = None
    task.waiting_on = ""
    task.substituted = False


# --- Who is told -------------------------------------------------------------------------------


def _notify_waiver(task: Task, *, by: User, step: int, party: str) -> None:
    # The Regional Platform oversees every clearance: one done without a second person is told.
    notification_send(
        recipients=policy.holders(Party.REGIONAL_PLATFORM, task.policy_where()).exclude(pk=by.pk),
        subject=lambda: _("Cleared without a second person: %(task)s") % {"task": task},
        body=lambda: (
            _(
                "%(person)s submitted this version and cleared step %(step)s, nobody else "
                "holding the %(party)s."
            )
            % {"person": by, "step": step, "party": party_label(party)}
        ),
        url=task.get_absolute_url(),
    )


def _notify(task: Task, act: Act, *, by: User, comment: str) -> None:
    url = task.get_absolute_url()

    def name():
        return str(task)

    if task.state == State.SUBMITTED:
        notification_send(
            recipients=clearers_of(task).exclude(pk=by.pk),
            subject=lambda: _("To clear: %(task)s") % {"task": name()},
            body=lambda: (
                _("%(task)s waits for your clearance (step %(step)s).")
                % {"task": name(), "step": task.step}
                + (f"\n\n{substitution_note(task)}" if task.substituted else "")
            ),
            url=url,
        )
    elif act == Act.RETURN:
        notification_send(
            recipients=drafters_of(task).exclude(pk=by.pk),
            subject=lambda: _("Returned: %(task)s") % {"task": name()},
            body=lambda: (
                _("%(person)s returned it with this comment:") % {"person": by} + f"\n\n{comment}"
            ),
            url=url,
        )
    elif act == Act.REOPEN:
        notification_send(
            recipients=drafters_of(task).exclude(pk=by.pk),
            subject=lambda: _("Reopened: %(task)s") % {"task": name()},
            body=lambda: _("The Regional Platform reopened it:") + f"\n\n{comment}",
            url=url,
        )
    elif task.state == State.FINAL:
        notification_send(
            recipients=drafters_of(task).exclude(pk=by.pk),
            subject=lambda: _("Final: %(task)s") % {"task": name()},
            body=lambda: _("%(task)s has been cleared and is final.") % {"task": name()},
            url=url,
        )

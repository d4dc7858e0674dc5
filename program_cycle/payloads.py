"""What a submission version carries, as a registry the workflow reads without knowing the kinds.

A payload kind (the narrative, the attachments; figures next, issue 23) registers three things:
how to carry itself into the next version (a return or a reopening starts one), how to compare
two versions for the clearers' side-by-side page, and what is wrong with a version before it is
submitted (every problem listed, in words). The workflow and the pages loop over `PAYLOADS`; a
new kind registers itself here (or from its own module) without touching the rule table.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop as N_

from r4v.audit import save_audited
from r4v.models import User

from .models import Attachment, Submission
from .rendering import attachments_diff, narrative_diff


@dataclass(frozen=True)
class Payload:
    key: str
    # (current, following, by): `following` is saved and empty; copy this kind into it.
    copy: Callable[[Submission, Submission, User], None]
    # (before, after) -> what the compare page's `template` shows as `diff`.
    compare: Callable[[Submission, Submission], Any]
    template: str
    # (submission) -> problems in words; submit is refused while any is left.
    validate: Callable[[Submission], list[str]] = lambda submission: []


PAYLOADS: dict[str, Payload] = {}


def register(payload: Payload) -> Payload:
    PAYLOADS[payload.key] = payload
    return payload


def copy_all(current: Submission, following: Submission, *, by: User) -> None:
    for payload in PAYLOADS.values():
        payload.copy(current, following, by)


def compare_all(before: Submission, after: Submission) -> list[dict]:
    return [
        {"key": p.key, "template": p.template, "diff": p.compare(before, after)}
        for p in PAYLOADS.values()
    ]


def problems(submission: Submission) -> list[str]:
    return [problem for p in PAYLOADS.values() for problem in p.validate(submission)]


# --- The narrative ---------------------------------------------------------------------------------


def _narrative_copy(current: Submission, following: Submission, by: User) -> None:
    if current.narrative:
        following.narrative = current.narrative
        save_audited(
            following, by=by, reason=N_("Carried into the new version"), update_fields=["narrative"]
        )


register(
    Payload(
        key="narrative",
        copy=_narrative_copy,
        compare=lambda before, after: narrative_diff(before.narrative, after.narrative),
        template="program_cycle/_compare_narrative.html",
    )
)


# --- Attachments -----------------------------------------------------------------------------------


def _attachments_copy(current: Submission, following: Submission, by: User) -> None:
    # Files are never rewritten, so the new version's rows point at the same stored files.
    for attachment in current.attachments.all():
        copy = Attachment(
            submission=following,
            file=attachment.file.name,
            name=attachment.name,
            size=attachment.size,
            content_type=attachment.content_type,
            uploaded_by=attachment.uploaded_by,
            uploaded_at=attachment.uploaded_at,
        )
        save_audited(copy, by=by, reason=N_("Carried into the new version"))


register(
    Payload(
        key="attachments",
        copy=_attachments_copy,
        compare=lambda before, after: attachments_diff(
            before.attachments.all(), after.attachments.all()
        ),
        template="program_cycle/_compare_attachments.html",
    )
)

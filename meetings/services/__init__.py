"""Every write to the calendar: schedule, update, cancel, move or cancel one sitting, minutes,
action points, attendance, feed tokens.

Each service checks who may act, validates (times through `zones`, which refuses what does not
exist and asks about what exists twice), locks what it checks, saves through `save_audited` with
the fields it changes, keeps the sittings, audience keys and reminders in step, and notifies;
`notification_send` e-mails after commit, so a rolled-back change tells no one.

Callers import from here (`from meetings import services`); the modules split the writes by
moment: scheduling, one sitting, after the meeting, feed addresses.
"""

from .feed_tokens import feed_token_hash, feed_token_issue, feed_token_revoke
from .records import (
    Attended,
    action_point_add,
    action_point_set_status,
    attendance_record,
    minutes_circulate,
    minutes_finalize,
    minutes_save,
)
from .scheduling import (
    ConflictsNotAccepted,
    MeetingDraft,
    Plan,
    conflicts_preview,
    involved_zones,
    meeting_cancel,
    meeting_plan,
    meeting_schedule,
    meeting_update,
    slots_suggest,
    working_hours,
)
from .sittings import occurrence_cancel, occurrence_move, occurrence_move_preview

__all__ = [
    "Attended",
    "ConflictsNotAccepted",
    "MeetingDraft",
    "Plan",
    "action_point_add",
    "action_point_set_status",
    "attendance_record",
    "conflicts_preview",
    "feed_token_hash",
    "feed_token_issue",
    "feed_token_revoke",
    "involved_zones",
    "meeting_cancel",
    "meeting_plan",
    "meeting_schedule",
    "meeting_update",
    "minutes_circulate",
    "minutes_finalize",
    "minutes_save",
    "occurrence_cancel",
    "occurrence_move",
    "occurrence_move_preview",
    "slots_suggest",
    "working_hours",
]

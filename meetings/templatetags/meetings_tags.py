"""The calendar's parts of pages that belong to other apps (a sector's set-up, governance).

Its part of "My work" is a registered section instead (`MeetingsConfig.ready`, r4v.my_work).
"""

import datetime

from django import template
from django.utils import timezone

from .. import discipline

register = template.Library()

# Discipline is judged over the last three months: long enough to see a missing monthly
# meeting, short enough to be about the current co-coordinators.
WINDOW = datetime.timedelta(days=92)


@register.inclusion_tag("meetings/_discipline.html")
def meeting_discipline(platform_sector=None):
    """Meeting discipline (seed 001: invitations 7 days ahead, minutes within a week; seed 000:
    monthly meetings; seed 003: not overloading small organizations), each with a sentence."""
    today = timezone.localdate()
    findings = discipline.meeting_discipline(
        since=today - WINDOW,
        until=today + datetime.timedelta(days=1),
        platform_sector=platform_sector,
    )
    return {"findings": findings}

"""The calendar's notifications, each in its recipient's time zone.

`notification_send` renders each message in its recipient's language; times are the other half.
`notify` sends one batch per time zone with that zone active, and `when` prints an instant in
the active zone and names it, so that "10:00 (America/Bogota)" is never read as the reader's own
10:00 and the same message reads right in Santiago and in Mexico City.
"""

import datetime

from django.utils import timezone

from r4v.services import notification_send

from .zones import user_zone


def when(instant: datetime.datetime) -> str:
    """An instant as a message prints it: in the active time zone, named."""
    local = timezone.localtime(instant)
    return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"


def notify(*, recipients, subject, body, url: str = "") -> list:
    """`notification_send`, each recipient's message rendered in their zone (`user_zone`):
    `subject` and `body` are functions, called once per recipient, that print times with `when`."""
    by_zone: dict = {}
    for recipient in recipients:
        by_zone.setdefault(user_zone(recipient), []).append(recipient)
    rows = []
    for zone, group in by_zone.items():
        with timezone.override(zone):
            rows += notification_send(recipients=group, subject=subject, body=body, url=url)
    return rows

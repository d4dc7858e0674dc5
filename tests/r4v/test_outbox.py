"""The e-mail outbox against a real SMTP server that is down, then back: late, never lost, once."""

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from r4v import services
from r4v.models import Notification, User


class Inbox:
    """The SMTP server's handler: keeps what it accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Point the mailer at a port; the test starts and stops the server there."""
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def _message(user) -> Notification:
    return Notification.objects.create(recipient=user, subject="Clear the PiN", body="Peru")


def _time_passes(notification: Notification) -> None:
    """The backoff has elapsed."""
    Notification.objects.filter(pk=notification.pk).update(
        email_next_try_at=timezone.now() - datetime.timedelta(seconds=1),
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )


@pytest.mark.django_db
def test_an_smtp_failure_is_retried_after_a_backoff_and_sent_once_when_the_server_is_back(
    smtp, personas
):
    controller, inbox = smtp
    notification = _message(personas["partner"])
    # when: the mail server is down
    sent = services.notification_deliver(notification_id=notification.pk)
    # then: not sent, not lost, not retried at once
    notification.refresh_from_db()
    assert sent is False
    assert notification.emailed_at is None and notification.email_failed_at is None
    assert notification.email_attempts == 1
    assert "ConnectionRefusedError" in notification.email_error
    assert notification.email_next_try_at > timezone.now()
    assert services.notifications_deliver_pending(older_than_seconds=0) == 0
    # when: the server is back and the backoff has passed
    controller.start()
    _time_passes(notification)
    first = services.notifications_deliver_pending()
    second = services.notifications_deliver_pending()
    again = services.notification_deliver(notification_id=notification.pk)
    # then: exactly one e-mail
    notification.refresh_from_db()
    assert (first, second, again) == (1, 0, False)
    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == [personas["partner"].email]
    assert notification.emailed_at is not None and notification.email_error == ""


@pytest.mark.django_db
def test_after_the_last_attempt_the_e_mail_is_marked_failed_for_the_administrator(smtp, personas):
    notification = _message(personas["partner"])
    # when: every attempt fails
    for _ in range(services.MAX_EMAIL_ATTEMPTS):
        _time_passes(notification)
        assert services.notifications_deliver_pending() == 0
    # then
    notification.refresh_from_db()
    assert notification.email_attempts == services.MAX_EMAIL_ATTEMPTS
    assert notification.email_failed_at is not None
    _time_passes(notification)
    assert services.notifications_deliver_pending() == 0
    assert Notification.objects.filter(email_failed_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_daily_digest_user_gets_one_e_mail_with_all_messages_and_no_single_ones(smtp, personas):
    controller, inbox = smtp
    controller.start()
    user = personas["partner"]
    User.objects.filter(pk=user.pk).update(email_frequency=User.EmailFrequency.DAILY)
    first, second = _message(user), _message(user)
    for n in (first, second):
        _time_passes(n)
    # when
    singles = services.notifications_deliver_pending()
    direct = services.notification_deliver(notification_id=first.pk)
    digests = services.notification_digests_send()
    digests_again = services.notification_digests_send()
    # then
    assert (singles, direct, digests, digests_again) == (0, False, 1, 0)
    assert len(inbox.messages) == 1
    assert inbox.messages[0].content.decode().count("Clear the PiN") == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0

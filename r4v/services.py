"""Writes of the core: people, the notification inbox and API tokens."""

import datetime
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext

from . import tokens
from .audit import locked, save_audited
from .celery import app as celery_app
from .errors import DomainError, NotAllowed
from .models import ApiToken, Notification, User

logger = logging.getLogger(__name__)


# A message text, or a function that writes it: called in each recipient's language.
Text = str | Callable[[], str]


def notification_send(
    *, recipients, subject: Text, body: Text = "", url: str = ""
) -> list[Notification]:
    """Put a message in each recipient's inbox and e-mail it after the transaction commits.

    Pass `subject` and `body` as functions so that each recipient reads the message in their
    preferred language, whatever language the person who triggered it was using.
    """
    rows = []
    for recipient in {r.pk: r for r in recipients}.values():
        with translation.override(recipient.preferred_language):
            rows.append(
                Notification.objects.create(
                    recipient=recipient,
                    subject=_text(subject)[:200],
                    body=_text(body),
                    url=url,
                )
            )
    if rows:
        ids = [n.pk for n in rows]
        transaction.on_commit(lambda: _enqueue_delivery(ids))
    return rows


def _text(text: Text) -> str:
    return text() if callable(text) else text


def _enqueue_delivery(ids: list[int]) -> None:
    for pk in ids:
        _enqueue("r4v.deliver_notification", pk, fallback="the sweeper will send it")


def _enqueue(task_name: str, *args, fallback: str) -> None:
    # By name (r4v/tasks.py): the tasks call these services, so importing them here would
    # close a circle. The registered task (not `send_task`), so that eager mode still applies.
    try:
        celery_app.tasks[task_name].delay(*args)
    except Exception:
        # The transaction has committed: failing the request now would report an error for
        # a change that was saved.
        logger.warning("Could not enqueue %s%r; %s", task_name, args, fallback, exc_info=True)


# How long a worker holds a notification it is e-mailing: longer than any SMTP timeout, so
# a second worker never sends the same message while the first is still trying.
EMAIL_LEASE = datetime.timedelta(minutes=10)
EMAIL_BACKOFF = datetime.timedelta(minutes=1)
MAX_EMAIL_ATTEMPTS = 6  # 1 + 2 + 4 + 8 + 16 minutes of retries: about half an hour


def _outbox(now: datetime.datetime):
    """Notifications whose e-mail is due: not sent, not given up, not leased by a worker."""
    return Notification.objects.filter(
        Q(email_next_try_at__isnull=True) | Q(email_next_try_at__lte=now),
        emailed_at__isnull=True,
        email_failed_at__isnull=True,
    )


def notification_deliver(*, notification_id: int) -> bool:
    """E-mail one notification; returns whether this call sent it.

    Late rather than never, and never twice: the row is leased by a filtered update that
    proceeds only when it changed exactly one row (so the on-commit task, a redelivered task
    and the sweeper cannot send it together) and marked sent only after the mail server
    accepted it. A failure releases the lease for a retry after a backoff.
    """
    now = timezone.now()
    claimed = (
        _outbox(now)
        .filter(pk=notification_id, recipient__email_frequency=User.EmailFrequency.IMMEDIATE)
        .update(email_next_try_at=now + EMAIL_LEASE, email_attempts=F("email_attempts") + 1)
    )
    if claimed != 1:
        return False  # sent, leased by another worker, or waiting for the daily digest
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    try:
        with translation.override(n.recipient.preferred_language):
            send_mail(n.subject, f"{n.body}{link}", None, [n.recipient.email])
    except Exception as error:
        _email_failed(Notification.objects.filter(pk=n.pk), n.email_attempts, error, now)
        return False
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now(), email_error="")
    return True


def _email_failed(rows, attempts: int, error: Exception, now: datetime.datetime) -> None:
    logger.warning("E-mail attempt %s failed: %s", attempts, error)
    fields = {"email_error": f"{type(error).__name__}: {error}"[:2000]}
    if attempts >= MAX_EMAIL_ATTEMPTS:
        fields["email_failed_at"] = now
    else:
        fields["email_next_try_at"] = now + EMAIL_BACKOFF * 2 ** (attempts - 1)
    rows.update(**fields)


def notifications_deliver_pending(*, older_than_seconds: int = 30) -> int:
    """Sweep the outbox: e-mail what is due and was not sent on commit; returns how many."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    pending = _outbox(now).filter(
        created_at__lte=cutoff, recipient__email_frequency=User.EmailFrequency.IMMEDIATE
    )
    return sum(
        notification_deliver(notification_id=pk)
        for pk in pending.order_by("created_at").values_list("pk", flat=True)[:500]
    )


def notification_digests_send() -> int:
    """One e-mail per daily-digest user with every message not yet e-mailed; returns how many."""
    now = timezone.now()
    users = User.objects.filter(
        is_active=True,
        email_frequency=User.EmailFrequency.DAILY,
        pk__in=_outbox(now).values("recipient_id"),
    )
    return sum(_digest_send(user, now) for user in users)


def _digest_send(user: User, now: datetime.datetime) -> bool:
    with transaction.atomic():
        # Lease exactly these rows; a digest run at the same moment skips them.
        rows = list(
            _outbox(now)
            .filter(recipient=user)
            .select_for_update(skip_locked=True)
            .order_by("created_at")
        )
        ids = [n.pk for n in rows]
        claimed = (
            _outbox(now)
            .filter(pk__in=ids)
            .update(email_next_try_at=now + EMAIL_LEASE, email_attempts=F("email_attempts") + 1)
        )
    if not claimed:
        return False
    with translation.override(user.preferred_language):
        subject = _("R4V Coordination: %(count)s new messages") % {"count": len(rows)}
        body = "\n\n".join(
            f"- {n.subject}\n{n.body}" + (f"\n{settings.SITE_URL}{n.url}" if n.url else "")
            for n in rows
        )
        try:
            send_mail(subject, body, None, [user.email])
        except Exception as error:
            attempts = max(n.email_attempts for n in rows) + 1
            _email_failed(Notification.objects.filter(pk__in=ids), attempts, error, now)
            return False
    Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now(), email_error="")
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API key for `user`, named; returns the token and the key, which is not stored.

    A token with the same name (in any case) is replaced, so a script that asks again gets a
    fresh key and leaves no stale one behind. Expired tokens go at the same time.
    """
    # Lock the owner: two requests at once must not both pass the count below.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the token a name."), code="invalid", field="name")
    now = timezone.now()
    mine = ApiToken.objects.filter(user=user)
    mine.filter(expires_at__lte=now).delete()
    mine.filter(name__iexact=name).delete()
    limit = settings.API_TOKENS_PER_USER
    if mine.count() >= limit:
        raise DomainError(
            ngettext(
                "You have %(count)d token, the most allowed; revoke one first.",
                "You have %(count)d tokens, the most allowed; revoke one first.",
                limit,
            )
            % {"count": limit},
            code="too_many_tokens",
            field="name",
        )
    new = tokens.key_generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=new.prefix,
        digest=new.digest,
        created_at=now,
        expires_at=now + timezone.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    logger.info("API token %s created for user %s", token.prefix, user.pk)
    return token, new.key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """End one of the user's own tokens; False when it is not theirs (or already gone)."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        logger.info("API token %s of user %s revoked by its owner", token_id, user.pk)
    return bool(deleted)


# How stale "last used" may be: writing it on every request would make each read a write.
LAST_USED_RESOLUTION = timezone.timedelta(minutes=5)


def api_token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])


def person_get_or_create(
    *,
    email: str,
    full_name: str,
    by: User,
    gender: str = "",
    speaks_spanish=None,
    speaks_english=None,
) -> User:
    """Find a person by e-mail, or create an account without a password (set on first invite).

    Co-coordinators are often designated before they have an account; the designation must
    not wait for one.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is not None:
        return user
    user = User(email=email.strip().lower(), full_name=full_name.strip())
    if gender:
        user.gender = gender
    user.speaks_spanish = bool(speaks_spanish)
    user.speaks_english = bool(speaks_english)
    user.set_unusable_password()
    save_audited(user, by=by, reason=N_("Person added"))
    transaction.on_commit(lambda: _enqueue_invitation(user.pk))
    return user


def password_reset_enqueue(*, email: str) -> None:
    """Hand a reset request to the worker (r4v.forms.PasswordResetForm.send_now).

    The page answers the same for every address; doing the look-up, the token and the e-mail
    here instead would make it answer measurably later for an address that has an account.
    """
    _enqueue(
        "r4v.send_password_reset",
        email,
        translation.get_language(),
        fallback="they can ask for a link again",
    )


def _enqueue_invitation(user_id: int) -> None:
    _enqueue("r4v.send_invitation", user_id, fallback="they can ask for a link on the log-in page")


def invitation_send(*, user_id: int) -> bool:
    """E-mail a person without a password a link to set one; returns whether it was sent.

    The link is Django's password-reset link (signed, valid PASSWORD_RESET_TIMEOUT, void once
    used), made when the e-mail is written, so no secret is stored. Someone who set a password
    meanwhile gets nothing.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "user": user,
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "protocol": site.scheme,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(user.preferred_language):
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True


PROFILE_FIELDS = frozenset(
    {
        "full_name",
        "preferred_language",
        "time_zone",
        "email_frequency",
        "gender",
        "speaks_spanish",
        "speaks_english",
        "speaks_portuguese",
    }
)


@transaction.atomic
def user_profile_update(*, user: User, by: User, **fields) -> User:
    """A person updates their own profile; only the fields that changed are written."""
    if by.pk != user.pk:
        raise NotAllowed()
    unknown = fields.keys() - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    user = locked(User, user.pk)
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, fields[name])
    return save_audited(user, by=by, reason=N_("Profile updated"), update_fields=changed)


SYSTEM_EMAIL = "system@r4v.invalid"


def system_user() -> User:
    """The actor for commands and scheduled tasks, so their changes are attributed too.

    An administrator who cannot log in: its password is unusable.
    """
    user = User.objects.filter(email=SYSTEM_EMAIL).first()
    if user is None:
        user = User(email=SYSTEM_EMAIL, full_name="R4V system", is_superuser=True)
        user.set_unusable_password()
        user.save()
    return user

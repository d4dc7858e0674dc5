"""Writes of the core: people, the notification inbox and API tokens."""

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import tokens
from .audit import save_audited
from .errors import DomainError
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
    from .tasks import deliver_notification

    for pk in ids:
        _enqueue(deliver_notification, pk, fallback="the sweeper will send it")


def _enqueue(task, *args, fallback: str) -> None:
    try:
        task.delay(*args)
    except Exception:
        # The transaction has committed: failing the request now would report an error for
        # a change that was saved.
        logger.warning("Could not enqueue %s%r; %s", task.name, args, fallback, exc_info=True)


def notification_deliver(*, notification_id: int) -> bool:
    """E-mail one notification at most once; returns whether this call sent it.

    The claim is a filtered update that proceeds only when it changed exactly one row, so a
    redelivered task, the sweeper and the on-commit task cannot send the same message twice.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if claimed != 1:
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    with translation.override(n.recipient.preferred_language):
        send_mail(n.subject, f"{n.body}{link}", None, [n.recipient.email])
    return True


def notifications_deliver_pending(*, older_than_seconds: int = 30) -> int:
    """Sweep undelivered notifications (the outbox); returns how many were sent now."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__lte=cutoff)
    return sum(
        notification_deliver(notification_id=pk)
        for pk in pending.values_list("pk", flat=True)[:500]
    )


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


def api_token_revoke_all(*, user: User, reason: str) -> int:
    """End every token of the user (a new password, a deactivated account)."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        logger.info("%d API token(s) of user %s revoked: %s", deleted, user.pk, reason)
    return deleted


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
    save_audited(user, by=by, reason="Person added")
    transaction.on_commit(lambda: _enqueue_invitation(user.pk))
    return user


def _enqueue_invitation(user_id: int) -> None:
    from .tasks import send_invitation

    _enqueue(send_invitation, user_id, fallback="they can ask for a link on the log-in page")


def invitation_send(*, user_id: int) -> bool:
    """E-mail a person without a password a link to set one; returns whether it was sent.

    The link is Django's password-reset link (signed, valid PASSWORD_RESET_TIMEOUT, void once
    used), made when the e-mail is written, so no secret is stored. Someone who set a password
    meanwhile gets nothing.
    """
    from .forms import PasswordResetForm

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm({"email": user.email})
    form.is_valid()
    with translation.override(user.preferred_language):
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="registration/invitation_subject.txt",
            email_template_name="registration/invitation_email.txt",
        )
    return True


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

"""The secret addresses of the private calendar feeds."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from r4v.audit import locked
from r4v.models import User

from ..models import (
    FeedToken,
)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_token_issue(*, user: User) -> str:
    """A new secret feed address for `user`; the previous one stops working at once.

    Returns the token in clear, the only time it exists outside the user's calendar program.
    """
    locked(User, user.pk)  # two clicks at once cannot leave two active tokens
    FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=user, token_hash=feed_token_hash(token))
    return token


def feed_token_revoke(*, user: User) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )

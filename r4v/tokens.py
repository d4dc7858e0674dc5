"""API token keys: how they are made, stored (a digest only) and found again.

A key reads `r4v_<prefix>_<secret>`: the prefix (12 hex characters) finds the row and lets the
owner tell keys apart on the token page; the secret (256 random bits) is checked against the
SHA-256 digest of the whole key. Neither the key nor the secret is stored.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ApiToken

logger = logging.getLogger(__name__)

KEY_START = "r4v_"
PREFIX_LENGTH = 12


@dataclass(frozen=True)
class NewKey:
    key: str
    prefix: str
    digest: str


def key_generate() -> NewKey:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key=key, prefix=prefix, digest=key_digest(key))


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None: a malformed key costs no query."""
    start, prefix_end = len(KEY_START), len(KEY_START) + PREFIX_LENGTH
    if not key.startswith(KEY_START) or key[prefix_end : prefix_end + 1] != "_":
        return None
    prefix = key[start:prefix_end]
    return prefix if all(c in "0123456789abcdef" for c in prefix) else None


def token_for_key(key: str) -> ApiToken | None:
    """The token a key belongs to, with its user, whether or not it has expired."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Constant-time comparison: the time taken says nothing about how much of a guess was right.
    if token is None or not hmac.compare_digest(token.digest, key_digest(key)):
        return None
    return token


class RevokeTokensOnPasswordChange:
    """Ends a user's API tokens when their password changes (listed in AUTH_PASSWORD_VALIDATORS).

    It validates nothing. Django calls `password_changed` on every validator when a user is
    saved after `set_password` — the reset and change forms, the admin's set-password form,
    `changepassword`, any code — and not when it only re-hashes a password at log-in, so this
    is the one place that sees every new password and only new passwords (OWASP ASVS: a
    credential change ends the others).
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            api_token_revoke_all(user=user, cause="password changed")

    def get_help_text(self):
        return _("A new password ends your API tokens.")


def api_token_revoke_all(*, user, cause: str) -> int:
    """End every token of the user (a new password, a deactivated account); `cause` is logged."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        logger.info("%d API token(s) of user %s revoked: %s", deleted, user.pk, cause)
    return deleted

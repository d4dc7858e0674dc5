"""Second factor: TOTP codes with recovery codes (django-otp), offered to everyone, required of some.

How it works: the password log-in (the site's page, the admin's) logs the person in as before;
django-otp's middleware then says whether this session has also been verified by a device
(`request.user.is_verified()`). `SecondFactorMiddleware` is the one gate: a session that is
logged in but not verified is sent to enter a code when the person has a confirmed device, or to
enrol one when they must have one (`mfa_required`), whatever it asked for — a page, the admin,
a session call to the API (403). Nothing else is reachable until then but log-out and the
language switch.

Decisions:
- Who must: holders of a role named in `MFA_REQUIRED_ROLES` (sectors' `RoleAssignment.Role`
  values), read through the user's `roles` relation so that r4v imports no domain app;
  "administrator" also covers any account that can enter the admin (staff or superuser), role
  or not. The Regional Platform team clears every submission and the administrator can do
  anything (OWASP ASVS level 2). Everyone else may enrol, and once enrolled is asked too.
- The gate runs after the full Django log-in rather than in a half-logged-in state of our own,
  so that the admin's log-in, Django's views and the session machinery stay as they are; the
  cost is that `last_login` moves at the password step.
- API tokens: the token page is behind the gate, so a token is made only after the second
  factor. The API's e-mail-and-password endpoint (`r4v.api.TokenObtainView`) must refuse
  accounts that have a device or must have one: `token_by_password_allowed` answers it.
- Recovery codes are django-otp static tokens: ten, each works once, shown once (they are
  stored as django-otp stores them). New ones replace the old ones.
- Cost: one query a request for a logged-in session, verified or not. A verified session's is
  django-otp's read of the device that verified it (a removed device ends the verification at
  once); an unverified one's asks, in one query, for an app and a required role (a role granted,
  or an app set up in another browser, counts at the next request). Not cached in the session:
  a cache would be stale exactly when it matters.
- Wrong codes count in `r4v.lockout` as wrong passwords do; the lock that follows ends the
  session, so the person starts again from the password after the cool-off.
"""

import base64
import logging
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout

logger = logging.getLogger(__name__)

ADMINISTRATOR = "administrator"
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Pages a session that owes a second factor may still open (URL names).
OPEN_WHILE_PENDING = {"logout", "set_language", "mfa-verify", "mfa-enrol"}


# --- Who must -----------------------------------------------------------------------------------


def required_roles() -> frozenset[str]:
    return frozenset(settings.MFA_REQUIRED_ROLES)


def mfa_required(user) -> bool:
    """Must this user log in with a second factor? Cached on the user for the request."""
    if user is None or not user.is_authenticated:
        return False
    roles = required_roles()
    # Cached with the roles it was asked for, so a changed setting is never answered from it.
    cached = getattr(user, "_r4v_mfa_required", None)
    if cached is not None and cached[0] == roles:
        return cached[1]
    required = bool(roles) and (
        (ADMINISTRATOR in roles and (user.is_staff or user.is_superuser))
        or user.roles.filter(role__in=roles, revoked_at__isnull=True).exists()
    )
    user._r4v_mfa_required = (roles, required)
    return required


def has_second_factor(user) -> bool:
    """A confirmed authenticator app. Recovery codes alone do not count: an administrator who
    removes a lost phone lets the person set up a new one, rather than ask for codes they lost
    with it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def token_by_password_allowed(user) -> bool:
    """May an API token be made with the password alone? Not for anyone with a second factor."""
    return not has_second_factor(user) and not mfa_required(user)


def check_required_roles() -> None:
    """Fail loudly on a role name the structure does not have (a typo requires no one)."""
    role_field = get_user_model()._meta.get_field("roles").related_model._meta.get_field("role")
    known = {value for value, _label in role_field.choices}
    unknown = sorted(required_roles() - known)
    if unknown:
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_ROLES names unknown roles {unknown}; known: {sorted(known)}."
        )


# --- Enrolment and removal ----------------------------------------------------------------------


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The device being set up: the same secret on every reload until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns the new recovery codes, or None.

    The session counts as verified by the new device, and any earlier factor is replaced.
    """
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(_digits(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user=user)
    otp_login(request, device)
    logger.info("User %s enrolled a second factor", user.pk)
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    """Ten new recovery codes, replacing any earlier ones; returned once, to be shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def second_factor_remove(*, user) -> None:
    """Remove the person's app and recovery codes; a required person must enrol again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    logger.info("User %s removed their second factor", user.pk)


def second_factor_verify(*, request, code: str):
    """The device that accepts this code (an app code or a recovery code), or None.

    Counted by the log-in lockout; raises `lockout.LoginLocked` while locked (the code is not
    even checked) and on the wrong code that locks.
    """
    user = request.user
    lockout.login_check(request, email=user.email)
    digits = _digits(code)
    device = None
    # Row locks: two requests with the same code cannot both pass (TOTP's last_t, a recovery
    # code's deletion).
    with transaction.atomic():
        for candidate in devices_for_user(user, confirmed=True, for_verify=True):
            token = digits if isinstance(candidate, TOTPDevice) else _recovery(code)
            if token and candidate.verify_token(token):
                device = candidate
                break
    if device is None:
        lockout.second_factor_failed(request, email=user.email)
        return None
    lockout.second_factor_succeeded(request, email=user.email)
    otp_login(request, device)
    return device


def _digits(code: str) -> str:
    return "".join(code.split())


def _recovery(code: str) -> str:
    # Shown in groups ("abcd efgh"); typed with or without the space or a dash, in any case.
    return "".join(code.split()).replace("-", "").lower()


# --- What the pages show ------------------------------------------------------------------------


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code in a data: URI (the CSP allows img data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for apps where it is typed rather than scanned."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_code_shown(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- The gate -----------------------------------------------------------------------------------


def pending_step(user) -> str | None:
    """Where a logged-in session not verified by a device must go: "mfa-verify", "mfa-enrol"
    or None.

    Asked on every request of such a session, so in one query: whether they have an app, and
    whether they hold a required role.
    """
    roles = required_roles()
    as_admin = ADMINISTRATOR in roles and (user.is_staff or user.is_superuser)
    role_model = user.roles.model  # sectors' RoleAssignment, through the relation
    holds_role = (
        Exists(
            role_model.objects.filter(user=OuterRef("pk"), role__in=roles, revoked_at__isnull=True)
        )
        if roles and not as_admin
        else Value(as_admin)
    )
    has_app, must = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)), holds_role
        )
        .get()
    )
    if has_app:
        return "mfa-verify"
    if must:
        return "mfa-enrol"
    return None


class SecondFactorMiddleware:
    """Sends a logged-in session that owes a second factor to enter or enrol one.

    After AuthenticationMiddleware and django-otp's OTPMiddleware. In `process_view`, where
    the URL's name is known, so log-out and the language switch stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        check_required_roles()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # No session cookie: anonymous, and the session is not even read (public pages keep
        # no `Vary: Cookie` because of us).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WHILE_PENDING:
            return None
        step = pending_step(user)
        if step is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "detail": _("Enter your second-step code on the site first."),
                },
                status=403,
            )
        url = reverse(step)
        if request.method == "GET":
            url += "?next=" + quote(request.get_full_path())
        if request.headers.get("HX-Request"):
            # A fragment request: htmx follows this header with a whole-page visit.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

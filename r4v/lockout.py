"""Log-in lockout: too many wrong passwords lock the account, or the client address, a while.

Every password log-in goes through `login_authenticate`: the log-in page, the admin's log-in
and the API's token endpoint; every second-factor code through `second_factor_failed` /
`second_factor_succeeded` (r4v/mfa.py). Failures are counted in the default cache, which every web and
worker process shares (Redis, or files on the embedded default; see CACHES in settings).

Decisions:
- Failures count while less than the window passes between one and the next.
- Counted per account (the e-mail typed, known or not, so the answer says nothing about which
  accounts exist) and per client address (`NUM_PROXIES` decides which address, as for DRF's
  throttles). The address limit is higher: an office behind one address has many people.
- While locked, the password is not even checked: the right one is refused too, so guessing
  during the cool-off learns nothing.
- A correct password clears the account's count, not the address's: an attacker with one
  account of their own cannot reset the count for the address they guess from.
- Someone can lock another person's account by typing wrong passwords for it; the cool-off
  bounds that to minutes, and a reset by e-mail still works meanwhile.
- django-axes does the same with more options, but no release supports Django 6.1 yet (8.3.1
  lists Django 4.2 to 6.0).
- A wrong second-factor code counts as a wrong password does: toward the same account lock and
  the same address limit. Its account count is kept apart and is not cleared by a correct
  password, or someone who has the password could log in again between guesses and never
  reach the limit; a correct code clears both.
- On Redis an increment is atomic; on the file cache it is a read then a write, so two
  failures at the same instant may count once. The embedded default serves one machine.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle


class LoginLocked(Exception):
    """Refused without checking the password; `retry_after` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "Too many failed log-in attempts. Try again in %(minutes)d minute, "
            "or reset your password by e-mail.",
            "Too many failed log-in attempts. Try again in %(minutes)d minutes, "
            "or reset your password by e-mail.",
            minutes,
        ) % {"minutes": minutes}


def login_authenticate(request, *, email: str, password: str):
    """The user these credentials log in, or None; raises LoginLocked while locked out."""
    login_check(request, email=email)
    user = authenticate(request, username=email, password=password)
    if user is None:
        login_failed(request, email=email)
    else:
        login_succeeded(request, email=email)
    return user


def login_check(request, *, email: str) -> None:
    """Raise LoginLocked if the account or the client address is locked out now."""
    now = time.time()
    wait = max(_locked_for(key, now) for key, _limit in _counters(request, email))
    if wait:
        raise LoginLocked(wait)


def login_failed(request, *, email: str) -> None:
    """Count a failure; raises LoginLocked when it is the one that locks."""
    now = time.time()
    wait = max(_count_failure(key, limit, now) for key, limit in _counters(request, email))
    if wait:
        raise LoginLocked(wait)


def login_succeeded(request, *, email: str) -> None:
    account_key, _limit = _counters(request, email)[0]
    cache.delete(_count_key(account_key))


def second_factor_failed(request, *, email: str) -> None:
    """Count a wrong code; raises LoginLocked when it is the one that locks the account."""
    now = time.time()
    (account_key, account_limit), (address_key, address_limit) = _counters(request, email)
    wait = max(
        _count_failure(account_key, account_limit, now, count_as=f"second-factor:{account_key}"),
        _count_failure(address_key, address_limit, now),
    )
    if wait:
        raise LoginLocked(wait)


def second_factor_succeeded(request, *, email: str) -> None:
    account_key, _limit = _counters(request, email)[0]
    cache.delete_many([_count_key(account_key), _count_key(f"second-factor:{account_key}")])


def client_address(request) -> str:
    # DRF's reading of REMOTE_ADDR and X-Forwarded-For under NUM_PROXIES: one answer to
    # "which client is this" for the throttles and the lockout.
    return BaseThrottle().get_ident(request) or ""


def _counters(request, email: str) -> list[tuple[str, int]]:
    limits = settings.LOGIN_LOCKOUT
    return [
        (f"account:{_hash(email.strip().lower())}", limits["ACCOUNT_FAILURES"]),
        (f"address:{_hash(client_address(request))}", limits["ADDRESS_FAILURES"]),
    ]


def _hash(value: str) -> str:
    # Keys carry no e-mail address or IP in the clear, and stay short and safe for any cache.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _count_key(key: str) -> str:
    return f"r4v:login-failures:{key}"


def _lock_key(key: str) -> str:
    return f"r4v:login-locked:{key}"


def _locked_for(key: str, now: float) -> int:
    # The lock stores its own end, read against our clock: the cache's expiry only tidies up.
    until = cache.get(_lock_key(key))
    return math.ceil(until - now) if until is not None and until > now else 0


def _count_failure(key: str, limit: int, now: float, *, count_as: str = "") -> int:
    """Count one failure; when it reaches the limit, lock and return the cool-off.

    `count_as` counts under another name (second-factor codes) while locking `key` itself.
    """
    limits = settings.LOGIN_LOCKOUT
    count_key = _count_key(count_as or key)
    cache.add(count_key, 0, timeout=limits["WINDOW_SECONDS"])
    try:
        failures = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=limits["WINDOW_SECONDS"])
        failures = 1
    # The window restarts at each failure: Redis keeps a key's expiry on increment while the
    # file cache's increment resets it to the default, and `touch` makes both behave alike.
    cache.touch(count_key, timeout=limits["WINDOW_SECONDS"])
    if failures < limit:
        return 0
    cool_off = limits["COOL_OFF_SECONDS"]
    cache.set(_lock_key(key), now + cool_off, timeout=cool_off + 60)
    # After the cool-off the count starts again from zero.
    cache.delete(count_key)
    return cool_off

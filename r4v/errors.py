"""Domain errors raised by services, mapped once to HTTP by `r4v.api_errors` (the API) and once
by `r4v.forms_kit` (the pages)."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request the domain refuses; `code` is stable for clients, `detail` is for people."""

    status_code = 400

    def __init__(self, detail: str, *, code: str, field: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.field = field


class NotAllowed(DomainError):
    """The user may see the object but not do this to it."""

    status_code = 403

    def __init__(self, detail: str | None = None, *, code: str = "not_allowed"):
        # Translated when raised, in the language of the request that is refused.
        super().__init__(detail or _("You may not do this."), code=code)


class Conflict(DomainError):
    """The object moved on since the client read it (a stale version): reload and retry."""

    status_code = 409

    def __init__(self, detail: str, *, code: str = "conflict", current: dict | None = None):
        super().__init__(detail, code=code)
        # What the object is now, for the client to show without another read.
        self.current = current or {}

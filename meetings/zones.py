"""Wall-clock time in 17 countries: local -> UTC without guessing, series in local time.

A local time that a clock change skips (Santiago, first Sunday of September 2026, 00:00-00:59)
does not exist, and one it repeats (first Sunday of April 2026, 23:00-23:59) exists twice. The
services refuse the first and ask which of the two for the second (`fold`, PEP 495: 0 the
earlier, i.e. still on summer time; 1 the later); they never pick one silently.
"""

import datetime
import itertools
import re
import zoneinfo

from dateutil import rrule as dateutil_rrule
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from r4v.errors import DomainError
from r4v.models import validate_time_zone

UTC = datetime.UTC


def zone_named(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    try:
        validate_time_zone(name)
        if not name:
            raise ValueError
        return zoneinfo.ZoneInfo(name)
    except Exception:
        raise DomainError(
            _("%(zone)s is not a known time zone.") % {"zone": name or "''"},
            code="unknown_time_zone",
            field=field,
        ) from None


def to_utc(
    local: datetime.datetime, zone: zoneinfo.ZoneInfo, *, fold: int | None = None, field: str
) -> datetime.datetime:
    """The UTC instant of a naive wall-clock time in `zone`, refusing gaps and asking on folds."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    early = local.replace(tzinfo=zone, fold=0)
    late = local.replace(tzinfo=zone, fold=1)
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise DomainError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks skip it that day. "
                "Choose another time."
            )
            % {"time": _show(local), "zone": zone.key},
            code="nonexistent_local_time",
            field=field,
        )
    if early.utcoffset() != late.utcoffset():
        if fold not in (0, 1):
            raise DomainError(
                _(
                    "%(time)s happens twice in %(zone)s (the clocks go back that night): "
                    "say whether you mean the first (UTC%(first)s) or the second (UTC%(second)s)."
                )
                % {
                    "time": _show(local),
                    "zone": zone.key,
                    "first": _offset(early),
                    "second": _offset(late),
                },
                code="ambiguous_local_time",
                field=field,
            )
        return (late if fold else early).astimezone(UTC)
    return early.astimezone(UTC)


def wall_clock(instant: datetime.datetime, time_zone: str | zoneinfo.ZoneInfo) -> str:
    """An instant as the clocks in `time_zone` show it, as the API writes it: no offset."""
    zone = zoneinfo.ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    return instant.astimezone(zone).replace(tzinfo=None).isoformat()


def _show(local: datetime.datetime) -> str:
    return formats.date_format(local, "DATETIME_FORMAT")


def _offset(dt: datetime.datetime) -> str:
    return dt.strftime("%z")[:3] + ":" + dt.strftime("%z")[3:]


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The zone a user enters and reads times in.

    Their own choice; else their platform's country when it has one (a national platform);
    else the site's zone, America/Panama, where the Regional Platform sits.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        if user.time_zone:
            return zoneinfo.ZoneInfo(user.time_zone)
        cached = getattr(user, "_r4v_zone", None)
        if cached is not None:
            return cached
        zone = _platform_zone(user) or zoneinfo.ZoneInfo(settings.TIME_ZONE)
        user._r4v_zone = zone
        return zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _platform_zone(user) -> zoneinfo.ZoneInfo | None:
    from sectors.models import Country, PlatformSector
    from sectors.policy import scope_of

    s = scope_of(user)
    if s.is_regional:
        return None
    platform_ids = set(s.managed_platform_ids) | set(
        PlatformSector.objects.filter(pk__in=s.coordinated_sector_ids).values_list(
            "platform_id", flat=True
        )
    )
    zones = set(
        Country.objects.filter(platforms__in=platform_ids).values_list("time_zone", flat=True)
    )
    if len(zones) == 1:
        return zoneinfo.ZoneInfo(zones.pop())
    return None


# --- Series --------------------------------------------------------------------------------------

_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)


def _local_rule(rule: str, zone: zoneinfo.ZoneInfo) -> str:
    """The rule with a UTC UNTIL made wall-clock in `zone`, for expansion from a naive DTSTART.

    dateutil wants UNTIL and DTSTART alike (both naive or both aware); RFC 5545 wants UNTIL in UTC
    when DTSTART has a TZID. We store the RFC form and expand in wall-clock time.
    """

    def local(match):
        utc = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return "UNTIL=" + utc.astimezone(zone).strftime("%Y%m%dT%H%M%S")

    return _UNTIL_UTC.sub(local, rule)


def normalize_rule(rule: str, zone: zoneinfo.ZoneInfo) -> str:
    """Upper-case, no "RRULE:" prefix, UNTIL in UTC (a date-only UNTIL is the end of that day)."""
    rule = rule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    parts = []
    for part in rule.upper().split(";"):
        if not part:
            continue
        name, _sep, value = part.partition("=")
        if name == "UNTIL" and not value.endswith("Z"):
            try:
                if "T" in value:
                    local = datetime.datetime.strptime(value, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - wall clock
                else:
                    local = datetime.datetime.strptime(value, "%Y%m%d").replace(  # noqa: DTZ007
                        hour=23, minute=59, second=59
                    )
            except ValueError:
                raise DomainError(
                    _("The rule's UNTIL is not a date."), code="invalid_rule", field="rrule"
                ) from None
            value = local.replace(tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(f"{name}={value}")
    return ";".join(parts)


def expand(
    rule: str, *, first_local: datetime.datetime, zone: zoneinfo.ZoneInfo, limit: int
) -> list[datetime.datetime]:
    """The UTC starts of a series whose first sitting is at wall-clock `first_local` in `zone`.

    `rule` is normalized. Refuses rules that never end, yield nothing, yield more than `limit`,
    or land on a wall-clock time that a clock change skips.
    """
    names = {part.partition("=")[0] for part in rule.split(";")}
    if not names & {"COUNT", "UNTIL"}:
        raise DomainError(
            _("A series must end: give a number of meetings (COUNT) or an end date (UNTIL)."),
            code="endless_rule",
            field="rrule",
        )
    try:
        parsed = dateutil_rrule.rrulestr(_local_rule(rule, zone), dtstart=first_local)
        locals_ = list(itertools.islice(parsed, limit + 1))
    except (ValueError, TypeError) as error:
        raise DomainError(
            _("The repeat rule is not valid: %(error)s") % {"error": error},
            code="invalid_rule",
            field="rrule",
        ) from None
    if not locals_:
        raise DomainError(
            _("This repeat rule yields no meeting."), code="empty_rule", field="rrule"
        )
    if len(locals_) > limit:
        raise DomainError(
            _("This repeat rule yields more than %(limit)s meetings; end it sooner.")
            % {"limit": limit},
            code="rule_too_long",
            field="rrule",
        )
    # The first sitting is DTSTART even if the rule would not yield it (RFC 5545 §3.8.5.3).
    if locals_[0] != first_local:
        locals_.insert(0, first_local)
        if "COUNT" in names or len(locals_) > limit:
            locals_.pop()
    # Each sitting keeps the wall-clock time; fold=0 keeps a repeated hour on its first pass,
    # the same side the organizer chose for the first sitting's zone offset.
    return [to_utc(local, zone, fold=0, field="rrule") for local in locals_]

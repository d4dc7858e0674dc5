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

from r4v.api_fields import EARLIEST_DATE, LATEST_DATE
from r4v.errors import DomainError
from r4v.models import NOT_ZONES, validate_time_zone

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
        # A profile saved before "localtime" was refused does not make the server's clock theirs.
        if user.time_zone and user.time_zone not in NOT_ZONES:
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


def _local_rule(
    rule: str, zone: zoneinfo.ZoneInfo, *, shift: int, latest: datetime.datetime
) -> str:
    """The rule with a UTC UNTIL made wall-clock in `zone`, for expansion from a naive DTSTART
    `shift` years later; an UNTIL past `latest` is refused.

    dateutil wants UNTIL and DTSTART alike (both naive or both aware); RFC 5545 wants UNTIL in UTC
    when DTSTART has a TZID. We store the RFC form and expand in wall-clock time.
    """

    def local(match):
        utc = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        until = utc.astimezone(zone).replace(tzinfo=None)
        if until > latest:
            raise _too_far()
        return "UNTIL=" + _years_later(until, shift).strftime("%Y%m%dT%H%M%S")

    return _UNTIL_UTC.sub(local, rule)


def _until_utc(value: str, zone: zoneinfo.ZoneInfo) -> str:
    """An UNTIL as RFC 5545 wants it beside a TZID: in UTC. A wall-clock one is read in `zone`,
    a date-only one as the end of that day; each must lie in the kit's date range, where the
    zone arithmetic cannot leave the calendar (year 1 in Bogotá is year 0 in UTC)."""
    try:
        if value.endswith("Z"):
            until = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        elif "T" in value:
            until = datetime.datetime.strptime(value, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - wall clock
        else:
            until = datetime.datetime.strptime(value, "%Y%m%d").replace(  # noqa: DTZ007
                hour=23, minute=59, second=59
            )
    except ValueError:
        raise DomainError(
            _("The rule's UNTIL is not a date."), code="invalid_rule", field="rrule"
        ) from None
    if not EARLIEST_DATE <= until.date() <= LATEST_DATE:
        raise DomainError(
            _("The rule's UNTIL must lie between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="invalid_rule",
            field="rrule",
        )
    if until.tzinfo is None:
        until = until.replace(tzinfo=zone)
    return until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
        if name == "UNTIL":
            value = _until_utc(value, zone)
        parts.append(f"{name}={value}")
    return ";".join(parts)


# A series ends within this many years of its first sitting.
SERIES_YEARS = 10

# The Gregorian calendar repeats every 400 years, weekdays included (146,097 days = 20,871 weeks).
_CALENDAR_CYCLE = 400


def _too_far() -> DomainError:
    return DomainError(
        _("A series ends within %(years)s years of its first meeting.") % {"years": SERIES_YEARS},
        code="rule_too_far",
        field="rrule",
    )


def _years_later(local: datetime.datetime, years: int) -> datetime.datetime:
    # Only whole calendar cycles: 29 February lands on a 29 February.
    return local.replace(year=local.year + years)


def expand(
    rule: str, *, first_local: datetime.datetime, zone: zoneinfo.ZoneInfo, limit: int
) -> list[datetime.datetime]:
    """The UTC starts of a series whose first sitting is at wall-clock `first_local` in `zone`.

    `rule` is normalized. Refuses rules that never end, yield nothing, yield more than `limit`,
    reach more than SERIES_YEARS past the first sitting, or land on a wall-clock time that a
    clock change skips.
    """
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    if not parts.keys() & {"COUNT", "UNTIL"}:
        raise DomainError(
            _("A series must end: give a number of meetings (COUNT) or an end date (UNTIL)."),
            code="endless_rule",
            field="rrule",
        )
    # dateutil searches for the next date up to year 9999, and it checks UNTIL and COUNT only on
    # a date it found: a rule that never matches (30 February) scans ~8,000 years, 3-7 s of
    # CPU, whatever its UNTIL. The series is therefore expanded whole calendar cycles later, close
    # enough to 9999 that the search ends after at most SERIES_YEARS + 400 years (0.2-0.4 s), and
    # moved back. Same dates, same weekdays.
    shift = _CALENDAR_CYCLE * (
        (datetime.MAXYEAR - SERIES_YEARS - first_local.year) // _CALENDAR_CYCLE
    )
    horizon = _years_later(first_local, SERIES_YEARS)
    try:
        local_rule = _local_rule(rule, zone, shift=shift, latest=horizon)
        parsed = dateutil_rrule.rrulestr(local_rule, dtstart=_years_later(first_local, shift))
        locals_ = [_years_later(d, -shift) for d in itertools.islice(parsed, limit + 1)]
    except (ValueError, TypeError) as error:
        raise DomainError(
            _("The repeat rule is not valid: %(error)s") % {"error": error},
            code="invalid_rule",
            field="rrule",
        ) from None
    if not locals_:
        raise DomainError(
            _("This repeat rule yields no meeting within %(years)s years.")
            % {"years": SERIES_YEARS},
            code="empty_rule",
            field="rrule",
        )
    if len(locals_) > limit:
        raise DomainError(
            _("This repeat rule yields more than %(limit)s meetings; end it sooner.")
            % {"limit": limit},
            code="rule_too_long",
            field="rrule",
        )
    # A COUNT the search could not fill before year 9999 reaches past the horizon too.
    count = parts.get("COUNT", "")
    if locals_[-1] > horizon or (count.isdigit() and len(locals_) < int(count)):
        raise _too_far()
    # The first sitting is DTSTART even if the rule would not yield it (RFC 5545 §3.8.5.3).
    if locals_[0] != first_local:
        locals_.insert(0, first_local)
        if "COUNT" in parts or len(locals_) > limit:
            locals_.pop()
    # Each sitting keeps the wall-clock time; fold=0 keeps a repeated hour on its first pass,
    # the same side the organizer chose for the first sitting's zone offset.
    return [to_utc(local, zone, fold=0, field="rrule") for local in locals_]

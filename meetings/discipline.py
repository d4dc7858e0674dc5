"""Meeting discipline: what the seeds ask of meetings, judged over a period, one sentence each.

The rules and their seeds:
- short_notice: seed 001, "Sending out the invitation (minimum 7 days before regular meetings,
  may be less for extraordinary or ad-hoc meetings)". Regular = the monthly meetings and the ISCG.
- minutes_late: seed 001, "Minutes will be circulated within 1 week of each meeting".
- monthly_missing: seed 000 §IV (1), "Monthly meetings with representatives from the national
  and sub-regional sectors" and "Monthly meetings with all participating organizations at the
  regional level", judged per regional sector and calendar month.
- organization_load: seed 003, "Sector leads should ensure that they do not make excessive demands
  for meetings, particularly where this concerns small organizations". Counted per organization
  and month: sittings it was invited to, directly or as a partner of the organizing or an invited
  sector.

Decisions the seeds leave open: a month is judged only when it is over (or is `until`'s month
and has ended by `today`); cancelled sittings count for nothing; the load threshold is
`LOAD_PER_MONTH` sittings (two a week), above which a month is flagged.

The integrator shows `meeting_discipline(...)` on each sector's management page and in the
governance view; it reads in seven queries whatever the period.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sectors.models import Organization, PartnerMembership, Platform, PlatformSector

from .models import Meeting, Minutes, Occurrence

NOTICE = datetime.timedelta(days=7)
MINUTES_WITHIN = datetime.timedelta(days=Minutes.DUE_DAYS)
LOAD_PER_MONTH = 8


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one thing; `message` is the sentence people read."""

    rule: str
    passed: bool
    message: str


def _month_starts(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    months, day = [], since.replace(day=1)
    while day < until:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _day(dt: datetime.datetime) -> str:
    return date_format(timezone.localtime(dt).date(), "DATE_FORMAT")


def meeting_discipline(
    *,
    since: datetime.date,
    until: datetime.date,
    platform_sector: PlatformSector | None = None,
    today: datetime.date | None = None,
) -> list[Finding]:
    """Findings for sittings in [since, until): failing ones first, each a sentence."""
    today = today or timezone.localdate()
    start = datetime.datetime.combine(since, datetime.time(), tzinfo=datetime.UTC)
    end = datetime.datetime.combine(until, datetime.time(), tzinfo=datetime.UTC)
    sittings = Occurrence.objects.filter(
        start_at__gte=start,
        start_at__lt=end,
        is_cancelled=False,
        meeting__status=Meeting.Status.SCHEDULED,
    ).select_related("meeting__platform_sector__sector", "meeting__platform_sector__platform")
    if platform_sector is not None:
        sittings = sittings.filter(meeting__platform_sector=platform_sector)
    sittings = list(sittings.order_by("start_at"))
    findings = [
        *_short_notice(sittings),
        *_minutes_late(sittings, today),
        *_monthly_missing(sittings, since, until, today, platform_sector),
        *_organization_load(sittings, platform_sector),
    ]
    return sorted(findings, key=lambda f: f.passed)


def _short_notice(sittings) -> list[Finding]:
    out, seen = [], set()
    for s in sittings:
        m = s.meeting
        if m.pk in seen or m.kind not in Meeting.REGULAR_KINDS:
            continue
        seen.add(m.pk)
        ahead = m.start_at - m.created_at
        if ahead < NOTICE:
            out.append(
                Finding(
                    "short_notice",
                    False,
                    _(
                        "“%(title)s” (%(day)s) was invited %(days)s day(s) ahead; regular "
                        "meetings are invited at least 7 days before."
                    )
                    % {"title": m.title, "day": _day(m.start_at), "days": max(ahead.days, 0)},
                )
            )
    if seen and not out:
        out.append(
            Finding("short_notice", True, _("Every regular meeting was invited 7 days ahead."))
        )
    return out


def _minutes_late(sittings, today) -> list[Finding]:
    cutoff = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    due = [s for s in sittings if s.end_at + MINUTES_WITHIN <= cutoff]
    circulated = dict(
        Minutes.objects.filter(occurrence__in=due, circulated_at__isnull=False).values_list(
            "occurrence_id", "circulated_at"
        )
    )
    out = []
    for s in due:
        at = circulated.get(s.pk)
        if at is None or at > s.end_at + MINUTES_WITHIN:
            out.append(
                Finding(
                    "minutes_late",
                    False,
                    (
                        _("The minutes of “%(title)s” (%(day)s) were not circulated.")
                        if at is None
                        else _(
                            "The minutes of “%(title)s” (%(day)s) were circulated on "
                            "%(when)s, later than a week after the meeting."
                        )
                    )
                    % {"title": s.meeting.title, "day": _day(s.start_at), "when": at and _day(at)},
                )
            )
    if due and not out:
        out.append(
            Finding("minutes_late", True, _("Minutes of every meeting went out within a week."))
        )
    return out


def _monthly_missing(sittings, since, until, today, platform_sector) -> list[Finding]:
    sectors = PlatformSector.objects.filter(
        is_active=True, platform__kind=Platform.Kind.REGIONAL
    ).select_related("sector", "platform")
    if platform_sector is not None:
        sectors = sectors.filter(pk=platform_sector.pk)
    held = defaultdict(set)  # (sector id, month) -> kinds held
    for s in sittings:
        m = s.meeting
        if m.kind in Meeting.MONTHLY_KINDS and m.platform_sector_id:
            held[(m.platform_sector_id, s.start_at.date().replace(day=1))].add(m.kind)
    # Only months that are over can be missed.
    months = [
        m
        for m in _month_starts(since, until)
        if (m + datetime.timedelta(days=32)).replace(day=1) <= today
    ]
    labels = {
        Meeting.Kind.MONTHLY_NATIONAL: _("with the national sectors"),
        Meeting.Kind.MONTHLY_PARTNERS: _("with the regional partners"),
    }
    out = []
    for ps in sectors:
        for month in months:
            for kind in (Meeting.Kind.MONTHLY_NATIONAL, Meeting.Kind.MONTHLY_PARTNERS):
                if kind not in held[(ps.pk, month)]:
                    out.append(
                        Finding(
                            "monthly_missing",
                            False,
                            _("%(sector)s held no monthly meeting %(with)s in %(month)s.")
                            % {
                                "sector": ps.title,
                                "with": labels[kind],
                                "month": date_format(month, "YEAR_MONTH_FORMAT"),
                            },
                        )
                    )
    if months and not out and sectors:
        out.append(
            Finding("monthly_missing", True, _("Both monthly meetings were held every month."))
        )
    return out


def _organization_load(sittings, platform_sector) -> list[Finding]:
    meeting_ids = {s.meeting_id for s in sittings}
    invited = defaultdict(set)  # meeting id -> organization ids
    for meeting_id, org_id in Meeting.invited_organizations.through.objects.filter(
        meeting_id__in=meeting_ids
    ).values_list("meeting_id", "organization_id"):
        invited[meeting_id].add(org_id)
    sectors_of = defaultdict(set)  # meeting id -> its and its invited sectors
    for s in sittings:
        if s.meeting.platform_sector_id:
            sectors_of[s.meeting_id].add(s.meeting.platform_sector_id)
    for meeting_id, ps_id in Meeting.invited_sectors.through.objects.filter(
        meeting_id__in=meeting_ids
    ).values_list("meeting_id", "platformsector_id"):
        sectors_of[meeting_id].add(ps_id)
    partners = defaultdict(set)  # platform sector id -> partner organization ids
    for ps_id, org_id in PartnerMembership.objects.filter(left_on__isnull=True).values_list(
        "platform_sector_id", "organization_id"
    ):
        partners[ps_id].add(org_id)
    load: Counter = Counter()
    for s in sittings:
        orgs = set(invited[s.meeting_id])
        for ps_id in sectors_of[s.meeting_id]:
            orgs |= partners[ps_id]
        month = s.start_at.date().replace(day=1)
        for org_id in orgs:
            load[(org_id, month)] += 1
    if platform_sector is not None:
        keep = partners[platform_sector.pk]
        load = Counter({k: v for k, v in load.items() if k[0] in keep})
    names = {o.pk: str(o) for o in Organization.objects.filter(pk__in={k[0] for k in load})}
    out = []
    for (org_id, month), count in sorted(load.items(), key=lambda kv: (kv[0][1], -kv[1])):
        out.append(
            Finding(
                "organization_load",
                count <= LOAD_PER_MONTH,
                _("%(org)s was invited to %(count)s meeting(s) in %(month)s.")
                % {
                    "org": names.get(org_id, "?"),
                    "count": count,
                    "month": date_format(month, "YEAR_MONTH_FORMAT"),
                }
                + (
                    ""
                    if count <= LOAD_PER_MONTH
                    else " "
                    + _("That is more than %(limit)s: consider joint or fewer meetings.")
                    % {"limit": LOAD_PER_MONTH}
                ),
            )
        )
    return out

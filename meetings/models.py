"""The shared calendar (seed 000: "coordination through a calendar managed by the R4V Regional
Platform Team to minimize overlap with meetings organized by other regional sectors").

Decisions the issue leaves open, written down:

- Times are stored in UTC (`start_at`, `end_at`); the organizer's IANA zone is kept beside them,
  because a series ("second Tuesday, 10:00 Bogotá") repeats in the organizer's wall-clock time,
  and a zone with daylight saving (Santiago) moves against UTC twice a year.
- A series is an RFC 5545 RRULE expanded by `dateutil.rrule`, never by our own code. The rule must
  end (COUNT or UNTIL), yield at most `MAX_OCCURRENCES` and end within `zones.SERIES_YEARS` of
  its first sitting, so every occurrence is materialized in `Occurrence`: overlap checks and the
  scan are then plain indexed range queries on one table, one-off meetings included (a one-off
  meeting has one occurrence). No horizon to roll forward. (The years also bound dateutil's
  search, which otherwise scans to year 9999 for a rule that never matches: `zones.expand`.)
- An `Occurrence` row is also the override: moved (start/end differ from the rule's) or cancelled,
  keyed by the rule's original start, which is the feed's RECURRENCE-ID. Re-expanding a changed
  rule keeps the overrides of the originals the new rule still yields.
- The audience (who is expected at a meeting) is flattened into `MeetingAudience` keys
  ("s:12" a platform sector, "p:3" a platform, "o:5" an organization, "regional" a regional
  sector's meeting at regional level), so "shares part of the audience" is one `IN` on an
  indexed column, and the Regional Platform's rule (seed 000 §IV (5): "a calendar of Regional
  Sector/Sub-sector meetings and events to avoid overlap") is the shared key "regional".
- Overlaps are warned, never forbidden: no exclusion constraint. A `Conflict` row per clashing
  pair *as scheduled* (its key carries both occurrences' times) makes the scan notify each clash
  once, and a reschedule that still clashes is a new clash, notified again.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from r4v.models import validate_time_zone
from sectors.models import Organization, Platform, PlatformSector
from sectors.policy import Where

# A rule yielding more is refused: 200 is more than 16 years of monthly meetings.
MAX_OCCURRENCES = 200
# Longer "meetings" are not meetings (a 3-day workshop is the longest the seed describes), and
# the bound lets the overlap query limit its index range: an occurrence overlapping [s, e)
# starts after s - MAX_DURATION.
MAX_DURATION = datetime.timedelta(days=3)


class Meeting(models.Model):
    """A meeting or event on the shared calendar, one-off or a series."""

    class Kind(models.TextChoices):
        # Seed 000 §IV (1): "Monthly meetings with representatives from the national and
        # sub-regional sectors" and "Monthly meetings with all participating organizations at
        # the regional level".
        MONTHLY_NATIONAL = "monthly_national", _("Monthly meeting with national sectors")
        MONTHLY_PARTNERS = "monthly_partners", _("Monthly meeting with regional partners")
        # Seed 000 §IV (3): "regular meeting of the Regional Inter-Sector Coordination Group".
        ISCG = "iscg", _("Inter-sector coordination group")
        WORKSHOP = "workshop", _("Workshop")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    # Regular meetings: seed 001 "Sending out the invitation (minimum 7 days before regular
    # meetings, may be less for extraordinary or ad-hoc meetings)".
    REGULAR_KINDS = frozenset({Kind.MONTHLY_NATIONAL, Kind.MONTHLY_PARTNERS, Kind.ISCG})
    MONTHLY_KINDS = frozenset({Kind.MONTHLY_NATIONAL, Kind.MONTHLY_PARTNERS})

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public event")
        INTERNAL = "internal", _("Internal meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    # The organizing body: a sector on a platform, or a platform itself (ISCG, platform events).
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("platform")
    )
    platform_sector = models.ForeignKey(
        PlatformSector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("sector"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True, max_length=8000)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organized_meetings",
        verbose_name=_("organizer"),
    )
    # The first occurrence, in UTC; the series repeats in `time_zone`'s wall-clock time.
    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("organizer's time zone"), max_length=64, validators=[validate_time_zone]
    )
    # RFC 5545 RRULE value without "RRULE:" ("FREQ=MONTHLY;BYDAY=2TU;COUNT=12"); blank: one-off.
    rrule = models.CharField(_("repeats"), max_length=300, blank=True)
    invited_sectors = models.ManyToManyField(
        PlatformSector, blank=True, related_name="invited_to", verbose_name=_("invited sectors")
    )
    invited_platforms = models.ManyToManyField(
        Platform, blank=True, related_name="invited_to", verbose_name=_("invited platforms")
    )
    invited_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="invited_to",
        verbose_name=_("invited organizations"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # RFC 5545 SEQUENCE: raised on every change subscribers must see, a single sitting's too
    # (every VEVENT of one UID carries it, so calendar programs never see an older revision).
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    history = HistoricalRecords(
        m2m_fields=[invited_sectors, invited_platforms, invited_organizations]
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start_at"]
        constraints = [
            # Seed-independent sanity: a meeting ends after it starts.
            models.CheckConstraint(
                condition=Q(end_at__gt=F("start_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start_at"], name="meeting_start_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})

    def policy_where(self) -> Where:
        sector_id = self.platform_sector.sector_id if self.platform_sector_id else None
        return Where(platform_id=self.platform_id, sector_id=sector_id)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def duration(self) -> datetime.timedelta:
        return self.end_at - self.start_at

    @property
    def is_series(self) -> bool:
        return bool(self.rrule)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def uid(self) -> str:
        return meeting_uid(self.pk)


def meeting_uid(pk: int) -> str:
    """The iCalendar UID: stable for the meeting's life, whatever changes."""
    return f"meeting-{pk}@r4v"


class MeetingAudience(models.Model):
    """One key of a meeting's audience: "s:<platform sector>", "p:<platform>", "o:<org>", "regional"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="audience")
    key = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="meetingaudience_unique")
        ]
        # The conflict query asks "which meetings have any of these keys".
        indexes = [models.Index(fields=["key", "meeting"], name="meetingaudience_key_idx")]

    def __str__(self):
        return self.key


class Occurrence(models.Model):
    """One sitting of a meeting, as the rule yields it or as moved/cancelled since."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("meeting")
    )
    # The rule's start for this sitting (UTC): iCalendar's RECURRENCE-ID. Never changes.
    original_start = models.DateTimeField(_("originally at"))
    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "original_start"], name="occurrence_one_per_original"
            ),
            models.CheckConstraint(
                condition=Q(end_at__gt=F("start_at")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [
            # The overlap query: start_at in (s - MAX_DURATION, e), then end_at > s.
            models.Index(fields=["start_at", "end_at"], name="occurrence_range_idx"),
        ]

    def __str__(self):
        return f"{self.meeting} – {self.start_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_moved(self) -> bool:
        return self.start_at != self.original_start or (
            self.end_at - self.start_at != self.meeting.duration
        )


class Conflict(models.Model):
    """Two sittings that overlap and share part of their audience, as they were scheduled.

    The key names both sittings and their times, so one clash is one row (the scan notifies it
    once, two scans at once insert it once) and a reschedule that still clashes is a new row.
    """

    key = models.CharField(max_length=200, unique=True)
    first = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    # "Saving anyway is allowed, and who accepted which conflict is recorded" (issue 15).
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["-found_at"]

    def __str__(self):
        return self.key


class Minutes(models.Model):
    """The notes of one sitting: key topics, decisions, next steps (seed 000 §IV (1)).

    Seed 001: "Minutes will be circulated within 1 week of each meeting and all members are
    invited to comment on and contribute to the minutes in writing within the next 5 days."
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for comments")
        FINAL = "final", _("Final")

    COMMENT_DAYS = 5
    DUE_DAYS = 7

    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("sitting")
    )
    key_topics = models.TextField(_("key topics"), blank=True, max_length=8000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=8000)
    recording_url = models.URLField(_("recording"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    circulated_at = models.DateTimeField(_("circulated"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{_('Minutes')} – {self.occurrence}"

    @property
    def comments_close_at(self) -> datetime.datetime | None:
        if self.circulated_at is None:
            return None
        return self.circulated_at + datetime.timedelta(days=self.COMMENT_DAYS)


class ActionPoint(models.Model):
    """A next step decided in a meeting, owned by one person until done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="action_points", verbose_name=_("minutes")
    )
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_points",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="actionpoint_owner_idx")]

    def __str__(self):
        return self.text


class Attendance(models.Model):
    """An organization present at a sitting (the quorum counts these, `meetings.quorum`)."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("sitting")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    # Optional, free text: who came is often a designated alternate without an account here
    # (seed 001: "Each member should have a designated alternate").
    names = models.CharField(_("who attended"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "organization"], name="attendance_one_per_org"
            ),
            # Present means at least one person; "nobody came" is the absence of the row.
            models.CheckConstraint(condition=Q(people__gte=1), name="attendance_someone"),
        ]

    def __str__(self):
        return f"{self.organization} – {self.occurrence}"


class FeedToken(models.Model):
    """A user's secret calendar-feed address; only its SHA-256 is stored, so a leaked database
    does not leak feeds. Revoked by setting `revoked_at` (a new one replaces it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="feedtoken_one_active"
            )
        ]

    def __str__(self):
        return f"{self.user} feed"

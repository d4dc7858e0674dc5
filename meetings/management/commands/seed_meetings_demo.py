"""Two months of DEMO meetings on the shared calendar, on top of `load_structure` and `seed_demo`.

Across regional and national sectors and several zones (Bogotá, Santiago, Panama, Mexico City,
Lima); a monthly series with one sitting moved; two conflicts, one accepted when saving and one
found by the overlap scan; a past meeting with circulated minutes and action points. Everything
goes through the services. Safe to run again: a demo meeting that exists (by title) is left as
it is.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from r4v.audit import save_audited
from r4v.models import User
from r4v.services import system_user
from sectors.models import PlatformSector

from ...conflicts import conflicts_scan
from ...models import Meeting
from ...services import (
    MeetingDraft,
    action_point_add,
    meeting_schedule,
    minutes_circulate,
    minutes_save,
    occurrence_move,
)

SUFFIX = " (demo)"
# (sector, platform, kind, title, day offset from the next Monday, hour, zone).
# Every series sitting is 15:00-16:30 UTC (10:00 Bogotá); these stay clear of it, and of each
# other, so the calendar has exactly the two conflicts made on purpose below.
ONE_OFFS = (
    (
        "education",
        "regional",
        "monthly_national",
        "Education with national sectors",
        1,
        9,
        "America/Panama",
    ),
    (
        "education",
        "regional",
        "monthly_partners",
        "Education with regional partners",
        15,
        9,
        "America/Panama",
    ),
    (
        "food-security",
        "regional",
        "monthly_national",
        "Food security with national sectors",
        2,
        12,
        "America/Lima",
    ),
    ("nutrition", "regional", "monthly_partners", "Nutrition partners", 3, 14, "America/Santiago"),
    ("integration", "regional", "event", "Integration forum", 9, 11, "America/Mexico_City"),
    ("shelter", "regional", "workshop", "Shelter workshop", 10, 9, "America/Bogota"),
    (
        "health",
        "colombia",
        "monthly_national",
        "Colombia health coordination",
        4,
        8,
        "America/Bogota",
    ),
    (
        "protection",
        "regional",
        "monthly_national",
        "Protection with national sectors",
        22,
        8,
        "America/Bogota",
    ),
    (
        "nutrition",
        "regional",
        "monthly_national",
        "Nutrition with national sectors",
        29,
        15,
        "America/Santiago",
    ),
    (
        "food-security",
        "regional",
        "monthly_partners",
        "Food security partners",
        37,
        12,
        "America/Lima",
    ),
    (
        "integration",
        "regional",
        "monthly_national",
        "Integration with national sectors",
        44,
        12,
        "America/Mexico_City",
    ),
)


class Command(BaseCommand):
    help = "Add two months of demo meetings to the shared calendar (idempotent)."

    def handle(self, *args, **options):
        if not PlatformSector.objects.filter(
            platform__code="regional", sector__code="health"
        ).exists():
            raise CommandError("Run load_structure (and seed_demo) first.")
        by = User.objects.filter(email="regional.team@demo.r4v.local").first() or system_user()
        with transaction.atomic():
            made = self.seed(by)
        conflicts_scan()
        self.stdout.write(
            f"Demo meetings: {made} added ({Meeting.objects.count()} on the calendar)."
        )

    def ps(self, platform: str, sector: str) -> PlatformSector:
        return PlatformSector.objects.select_related("platform").get(
            platform__code=platform, sector__code=sector
        )

    def schedule(self, by, title, ps, kind, start, hours, zone, **extra):
        title += SUFFIX
        existing = Meeting.objects.filter(title=title).first()
        if existing:
            return existing, False
        draft = MeetingDraft(
            platform=ps.platform,
            platform_sector=ps,
            kind=kind,
            title=title,
            start_local=start,
            end_local=start + datetime.timedelta(hours=hours),
            time_zone=zone,
            agenda=extra.pop("agenda", "1. Situation update\n2. Response gaps\n3. Next steps"),
            video_url="https://meet.example.org/r4v-demo",
            **extra,
        )
        # Saved anyway where it clashes: the demo wants the accepted conflict on the calendar.
        return meeting_schedule(draft=draft, by=by, accept_conflicts=True), True

    def seed(self, by) -> int:
        today = timezone.localdate()
        monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)

        def at(days, hour, minute=0):
            return datetime.datetime.combine(
                monday + datetime.timedelta(days=days), datetime.time(hour, minute)
            )  # noqa: DTZ001 - wall clock

        made = 0
        # A monthly series, second Tuesday 10:00 Bogotá, three sittings; the second moves a day.
        first = monday + datetime.timedelta(days=1)
        while not (8 <= first.day <= 14 and first.weekday() == 1):
            first += datetime.timedelta(days=1)
        health = self.ps("regional", "health")
        series, created = self.schedule(
            by,
            "Health with national sectors",
            health,
            "monthly_national",
            datetime.datetime.combine(first, datetime.time(10)),
            1.5,
            "America/Bogota",  # noqa: DTZ001
            rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=3",
            visibility="public",
        )
        if created:
            made += 1
            second = series.occurrences.order_by("original_start")[1]
            local = second.start_at.astimezone(series.zone).replace(
                tzinfo=None
            ) + datetime.timedelta(days=1)
            occurrence_move(
                occurrence=second,
                start_local=local,
                end_local=local + datetime.timedelta(hours=1.5),
                by=by,
                accept_conflicts=True,
            )
        # Conflict 1, accepted when saving: Protection partners at 12:00 Santiago, inside Health's
        # 10:00-11:30 Bogotá on the series' first day.
        _m, created = self.schedule(
            by,
            "Protection with regional partners",
            self.ps("regional", "protection"),
            "monthly_partners",
            datetime.datetime.combine(first, datetime.time(12)),
            1,
            "America/Santiago",  # noqa: DTZ001
        )
        made += created
        for sector, platform, kind, title, days, hour, zone in ONE_OFFS:
            _m, created = self.schedule(
                by, title, self.ps(platform, sector), kind, at(days, hour), 1, zone
            )
            made += created
        # Conflict 2, as two organizers saving at the same moment would make it (neither saw the
        # other's meeting): the Integration forum's sitting is set onto the Shelter workshop's
        # times directly; the overlap scan finds it and tells both organizers.
        forum = Meeting.objects.get(title="Integration forum" + SUFFIX)
        workshop = Meeting.objects.get(title="Shelter workshop" + SUFFIX).occurrences.get()
        sitting = forum.occurrences.get()
        if sitting.start_at != workshop.start_at:
            sitting.start_at, sitting.end_at = workshop.start_at, workshop.end_at
            save_audited(
                sitting,
                by=by,
                reason=N_("Demo: a race between two organizers"),
                update_fields=["start_at", "end_at"],
            )
        # A past meeting with circulated minutes and action points.
        past, created = self.schedule(
            by,
            "Health with regional partners",
            health,
            "monthly_partners",
            at(-14, 10),
            1,
            "America/Bogota",
        )
        if created:
            made += 1
            sitting = past.occurrences.get()
            minutes = minutes_save(
                occurrence=sitting,
                by=by,
                key_topics="Vaccination campaigns along the route; data sharing.",
                decisions="Map health points on the main route; agree one referral form.",
            )
            minutes_circulate(minutes=minutes, by=by)
            owners = list(
                User.objects.filter(email__endswith="@demo.r4v.local", is_active=True)[:2]
            ) or [by]
            for text, owner, days in (
                ("Share the map of health points", owners[0], 7),
                ("Draft the common referral form", owners[-1], 14),
            ):
                action_point_add(
                    minutes=minutes,
                    text=text,
                    owner=owner,
                    due_on=today + datetime.timedelta(days=days),
                    by=by,
                )
        return made

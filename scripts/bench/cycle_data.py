"""The program cycle and the calendar for the load harness, on the generated structure.

Five cycles (one of each kind), every task their types imply on the real structure (generated
by the product's own `cycle_generate`), spread over the workflow's states; the people who log
in to measure the logged-in pages (the Regional Platform team, the Peru platform team); and a
shared calendar: a monthly series for every active sector plus public one-off events.

States and meetings are written with bulk writes: a fixture for measuring, not coordination
history (as dataset.py). Each part is generated once, recognised by its marker.
"""

import datetime
import itertools

from dateutil.rrule import MONTHLY, rrule
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting, MeetingAudience, Occurrence
from program_cycle import services
from program_cycle.models import ClearanceStep, Cycle, CycleKind, Submission, Task, TaskState
from r4v.models import User
from r4v.services import system_user
from sectors.models import Platform, PlatformSector, RoleAssignment
from sectors.services import _role_grant

# The harness logs in as these (scripts/bench/run.py); the password is for this database only.
PASSWORD = "bench-only-password-2026"
REGIONAL = "bench.regional@bench.example"
PERU_TEAM = "bench.peru@bench.example"
CYCLE_MARKER = "Bench cycle 1"
MEETING_MARKER = "Bench series 0001"


def ensure() -> dict[str, int]:
    by = system_user()
    with transaction.atomic():
        regional = _login(REGIONAL, "Bench Regional Team", RoleAssignment.Role.REGIONAL_TEAM)
        _login(PERU_TEAM, "Bench Peru Team", RoleAssignment.Role.PLATFORM_TEAM, "peru")
    if not Cycle.objects.filter(name__startswith=CYCLE_MARKER).exists():
        with transaction.atomic():
            _cycles(by)
    if not Meeting.objects.filter(title=MEETING_MARKER).exists():
        with transaction.atomic():
            _meetings(regional)
    return {
        "cycles": Cycle.objects.count(),
        "tasks": Task.objects.count(),
        "meetings": Meeting.objects.count(),
        "sittings": Occurrence.objects.count(),
    }


def _login(email: str, name: str, role: str, platform_code: str = "regional") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, full_name=name)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    platform = Platform.objects.get(code=platform_code)
    if not RoleAssignment.objects.filter(user=user, role=role, revoked_at__isnull=True).exists():
        _role_grant(user=user, role=role, platform=platform, by=system_user())
    return user


def _cycles(by: User) -> None:
    if not ClearanceStep.objects.exists():
        call_command("load_task_types", verbosity=0)
    today = timezone.localdate()
    for n, kind in enumerate(CycleKind.values):
        # The first cycles' deadlines have passed, so queues have overdue rows as in real use.
        due = today + datetime.timedelta(days=30 * n - 45)
        cycle = services.cycle_open(
            name=f"Bench cycle {n + 1} ({kind})",
            kind=kind,
            year=today.year,
            opens_on=due - datetime.timedelta(days=90),
            submissions_due_on=due,
            clearance_due_on=due + datetime.timedelta(days=20),
            closes_on=due + datetime.timedelta(days=40),
            by=by,
        )
        services.cycle_generate(cycle=cycle, by=by)
    _spread_states()


def _spread_states() -> None:
    """Of every eight tasks: three in clearance (one at its last step), one final, one
    returned, three in draft; submitted by the platform's team where it has one."""
    steps: dict[int, list[str]] = {}
    for task_type_id, party in ClearanceStep.objects.order_by("position").values_list(
        "task_type_id", "party"
    ):
        steps.setdefault(task_type_id, []).append(party)
    teams = dict(
        RoleAssignment.objects.filter(
            role=RoleAssignment.Role.PLATFORM_TEAM, revoked_at__isnull=True
        ).values_list("platform_id", "user_id")
    )
    regional = User.objects.get(email=REGIONAL).pk
    moves: dict[tuple, list[int]] = {}
    submitters: dict[int, list[int]] = {}
    rows = Task.objects.order_by("pk").values_list("pk", "task_type_id", "platform_id")
    for i, (pk, type_id, platform_id) in enumerate(rows):
        path = steps[type_id]
        match i % 8:
            case 0 | 1:
                change = (TaskState.SUBMITTED, 1, path[0])
            case 2:
                change = (TaskState.SUBMITTED, len(path), path[-1])
            case 3:
                change = (TaskState.FINAL, None, "")
            case 4:
                change = (TaskState.RETURNED, None, "")
            case _:
                continue
        moves.setdefault(change, []).append(pk)
        submitters.setdefault(teams.get(platform_id, regional), []).append(pk)
    for (state, step, waiting_on), pks in moves.items():
        Task.objects.filter(pk__in=pks).update(state=state, step=step, waiting_on=waiting_on)
    now = timezone.now()
    for user_id, pks in submitters.items():
        Submission.objects.filter(task_id__in=pks).update(submitted_by_id=user_id, submitted_at=now)


def _meetings(organizer: User) -> None:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=60)
    sectors = PlatformSector.objects.filter(is_active=True).order_by("pk")
    meetings, sittings = [], []
    for n, ps in enumerate(sectors):
        # Spread over the working hours so the calendar is not one stacked slot.
        first = start.replace(hour=13 + n % 6) + datetime.timedelta(days=n % 28)
        meetings.append(
            Meeting(
                platform_id=ps.platform_id,
                platform_sector=ps,
                kind=Meeting.Kind.MONTHLY_PARTNERS,
                title=f"Bench series {n + 1:04}",
                agenda="Figures, next steps, any other business.",
                organizer=organizer,
                start_at=first,
                end_at=first + datetime.timedelta(hours=1),
                time_zone="America/Panama",
                rrule="FREQ=MONTHLY;COUNT=12",
                visibility=Meeting.Visibility.PUBLIC if n % 3 == 0 else Meeting.Visibility.INTERNAL,
            )
        )
    platforms = itertools.cycle(Platform.objects.order_by("pk"))
    for n in range(60):
        first = start.replace(hour=14) + datetime.timedelta(days=3 * n)
        meetings.append(
            Meeting(
                platform=next(platforms),
                kind=Meeting.Kind.EVENT,
                title=f"Bench public event {n + 1:03}",
                organizer=organizer,
                start_at=first,
                end_at=first + datetime.timedelta(hours=2),
                time_zone="America/Panama",
                place="Online",
                visibility=Meeting.Visibility.PUBLIC,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    audience = []
    for meeting in meetings:
        dates = (
            rrule(MONTHLY, count=12, dtstart=meeting.start_at)
            if meeting.rrule
            else [meeting.start_at]
        )
        sittings += [
            Occurrence(meeting=meeting, original_start=d, start_at=d, end_at=d + meeting.duration)
            for d in dates
        ]
        if meeting.platform_sector_id:
            audience.append(MeetingAudience(meeting=meeting, key=f"s:{meeting.platform_sector_id}"))
        audience.append(MeetingAudience(meeting=meeting, key=f"p:{meeting.platform_id}"))
    Occurrence.objects.bulk_create(sittings)
    MeetingAudience.objects.bulk_create(audience)

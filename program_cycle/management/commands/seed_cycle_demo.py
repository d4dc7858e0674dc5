"""A DEMO program cycle on top of seed_demo: one RMNA cycle with tasks in every state.

Every move goes through the workflow, as the demo people it names (seed_demo's logins and
co-coordinators), so the history reads as real use would write it. Safe to run again: a task
that has left its first draft is left as it is.
"""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from program_cycle import services, workflow
from program_cycle.models import Cycle, Task, TaskState, TaskType
from r4v.models import User
from r4v.services import system_user

DOMAIN = "demo.r4v.local"
CYCLE_NAME = "RMNA (demo)"

# (task type, platform, sector, drafter, narrative, [(action, actor, comment)], what it shows)
STORIES = (
    (
        "jna-sector-guide",
        "regional",
        "health",
        "co-coordinator",
        "## Indicators\n\n- Access to primary care\n- Vaccination coverage",
        [("submit", "co-coordinator", ""), ("clear", "mariana.soto", "")],
        "final, cleared by the other co-coordinator (four eyes)",
    ),
    (
        "rmna-regional-sector-narrative",
        "regional",
        "health",
        "co-coordinator",
        "# Health needs\n\nAccess to health care remains the **first** need reported.",
        [("submit", "co-coordinator", "")],
        "submitted, waiting on the Regional Platform",
    ),
    (
        "rmna-regional-sector-narrative",
        "regional",
        "protection",
        "sofia.herrera",
        "# Protection needs\n\nDocumentation and regularization.",
        [
            ("submit", "sofia.herrera", ""),
            ("return", "regional.team", "Please add the figures for the Southern Cone."),
        ],
        "returned with a comment (version 2 being drafted)",
    ),
    (
        "pin",
        "colombia",
        "health",
        "colombia.team",
        "PiN Health Colombia: 2.1 million (see the attached method).",
        [("submit", "colombia.team", ""), ("clear", "mariana.soto", "")],
        "partly cleared: the Regional Health Sector cleared in place of the National Sector",
    ),
    (
        "pin",
        "colombia",
        "protection",
        "colombia.team",
        "PiN Protection Colombia: 1.7 million.",
        [("submit", "colombia.team", "")],
        "under substitution: waiting on the Regional Protection Sector",
    ),
)

# Left in draft for a new user to play (README, "Program cycle and clearance"): who does what,
# in order, as seed_demo's logins. (task type, platform, sector, [(login, action)], what it shows)
WALKS = (
    (
        "pin",
        "peru",
        "health",
        [
            ("peru.team", "submit"),
            ("peru.coordinator", "clear"),
            ("regional.team", "clear"),
        ],
        "the National Sector clears, then the Regional Platform",
    ),
    (
        "pin",
        "caribbean",
        "health",
        [
            ("caribbean.team", "submit"),
            ("co-coordinator", "clear"),
            ("regional.team", "clear"),
        ],
        "no National Sector: the Regional Health Sector clears in its place, then the Regional "
        "Platform",
    ),
)


def _user(local_part: str) -> User | None:
    return User.objects.filter(email=f"{local_part}@{DOMAIN}").first()


class Command(BaseCommand):
    help = "Open a DEMO RMNA cycle with tasks in every state (after seed_demo). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_cycle_demo runs only with DEBUG on (it uses the demo logins).")
        if _user("regional.team") is None:
            raise CommandError("Run seed_demo first: the demo cycle is played by its people.")
        if not TaskType.objects.exists():
            call_command("load_task_types", stdout=self.stdout)
        with transaction.atomic():
            cycle = self._cycle()
            counts = services.cycle_generate(cycle=cycle, by=system_user())
            played = [self._play(cycle, *story) for story in STORIES]
        made = sum(c["created"] for c in counts.values())
        self.stdout.write(f"Demo cycle '{cycle.name}': {made} tasks made.")
        for line in played:
            self.stdout.write(f"  {line}")
        self.stdout.write("Walks to play (README, Program cycle and clearance):")
        for code, platform, sector, steps, shows in WALKS:
            task = Task.objects.get(
                cycle=cycle, task_type__code=code, platform__code=platform, sector__code=sector
            )
            moves = ", ".join(f"{login} {action}s" for login, action in steps)
            self.stdout.write(
                f"  {code} · {platform} · {sector} ({task.get_state_display().lower()}, "
                f"{task.get_absolute_url()}): {shows}. {moves}."
            )

    def _cycle(self) -> Cycle:
        cycle = Cycle.objects.filter(name=CYCLE_NAME).first()
        if cycle is not None:
            return cycle
        today = timezone.localdate()
        year = today.year + 1
        while Cycle.objects.filter(kind="rmna", year=year).exists():
            year += 1
        # Submissions due in ten days, so the JNA (due 15 days earlier) is overdue.
        return services.cycle_open(
            name=CYCLE_NAME,
            kind="rmna",
            year=year,
            opens_on=today - datetime.timedelta(days=60),
            submissions_due_on=today + datetime.timedelta(days=10),
            clearance_due_on=today + datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=45),
            by=system_user(),
        )

    def _play(self, cycle, code, platform, sector, drafter, narrative, moves, shows) -> str:
        task = Task.objects.get(
            cycle=cycle, task_type__code=code, platform__code=platform, sector__code=sector
        )
        label = f"{code} · {platform} · {sector}: {shows}"
        if task.state != TaskState.DRAFT or task.transitions.exists():
            return f"{label} (already played)"
        people = {name: _user(name) for name in {drafter, *(m[1] for m in moves)}}
        if None in people.values():
            return f"{label} (skipped: a demo person is missing)"
        task = services.submission_save(
            task_id=task.pk, narrative=narrative, version=task.version, by=people[drafter]
        )
        for action, actor, comment in moves:
            task = workflow.task_transition(
                task_id=task.pk,
                action=action,
                version=task.version,
                by=people[actor],
                comment=comment,
            )
        return label

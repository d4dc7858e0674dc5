"""The seed table as data, and generating a cycle's tasks on the real structure."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from program_cycle import services
from program_cycle.models import ClearanceStep, Cycle, Submission, Task, TaskType
from r4v.errors import NotAllowed
from r4v.models import Reminder
from r4v.services import system_user
from sectors.models import Platform, PlatformSector, Sector

pytestmark = pytest.mark.django_db

RP, PL, RS, NS = "regional_platform", "platform", "regional_sector", "national_sector"

# Seed 000, the program-cycle table, line by line: code, drafters, scope, cycle kinds,
# (step party, substitutable)..., and a phrase of the seed's CLEARANCE cell.
SEED_TABLE = [
    ("jna-sector-guide", [RS], "regional_sector", ["rmna"], [(RS, False)], "Regional Sectors"),
    ("jna", [PL], "platform", ["rmna"], [(PL, False)], "National and Sub-Regional Platforms"),
    (
        "rmna-platform-narrative",
        [PL, NS],
        "platform_sector",
        ["rmna"],
        [(RP, False)],
        "Regional Platform",
    ),
    (
        "rmna-regional-sector-narrative",
        [RS],
        "regional_sector",
        ["rmna"],
        [(RP, False)],
        "Regional Platform",
    ),
    (
        "pin",
        [PL, NS],
        "platform_sector",
        ["rmna"],
        [(NS, True), (RP, False)],
        "the Regional Sector substitutes for the National Sector",
    ),
    (
        "sector-objectives-indicators",
        [RS],
        "regional_sector",
        ["rmrp"],
        [(RP, False)],
        "final clearance of these objectives",
    ),
    (
        "activity-validation",
        [PL],
        "platform_sector",
        ["rmrp"],
        [(NS, True), (RP, False)],
        "National Sector+ Regional Sectors",
    ),
    (
        "people-targeted",
        [PL, NS],
        "platform_sector",
        ["rmrp"],
        [(NS, True), (RP, False)],
        "National Sectors clear target",
    ),
    (
        "rmrp-platform-chapter",
        [PL, NS],
        "platform_sector",
        ["rmrp"],
        [(RP, False)],
        "Regional Platform",
    ),
    (
        "rmrp-regional-sector-chapter",
        [RS],
        "regional_sector",
        ["rmrp"],
        [(RP, False)],
        "Regional Platform",
    ),
    (
        "monitoring-data-check",
        [NS, RS],
        "platform_sector",
        ["monitoring"],
        [(NS, True)],
        "National Sectors",
    ),
    (
        "report-platform",
        [PL, NS],
        "platform_sector",
        ["mid_year", "end_year"],
        [(RP, False)],
        "data and narrative",
    ),
    (
        "report-regional-sector",
        [RS],
        "regional_sector",
        ["mid_year", "end_year"],
        [(RP, False)],
        "data and narrative",
    ),
]


def test_the_task_types_match_the_seed_table_line_by_line(task_types):
    # when
    rows = [
        (
            t.code,
            t.drafters,
            t.scope,
            t.cycle_kinds,
            [(s.party, s.substitutable) for s in t.steps.order_by("position")],
        )
        for t in TaskType.objects.prefetch_related("steps")
    ]
    # then
    assert rows == [line[:5] for line in SEED_TABLE]
    for code, *_rest, wording in SEED_TABLE:
        assert wording in TaskType.objects.get(code=code).clearance_wording
    assert all(t.name_es and t.description_es for t in TaskType.objects.all())


def test_loading_the_task_types_twice_changes_nothing_and_a_changed_path_is_restored(task_types):
    # given: someone edited a path in the admin
    ClearanceStep.objects.filter(task_type__code="pin", position=2).delete()
    # when
    call_command("load_task_types")
    counts = services.task_types_load(by=system_user())
    # then
    assert counts == {"unchanged": 13}
    assert TaskType.objects.get(code="pin").steps.count() == 2
    assert ClearanceStep.objects.count() == 16


@pytest.fixture
def structure(db, task_types):
    call_command("load_structure", verbosity=0)


def _open(kind="rmna", year=2027, **dates):
    values = {
        "opens_on": datetime.date(2027, 2, 1),
        "submissions_due_on": datetime.date(2027, 4, 30),
        "clearance_due_on": datetime.date(2027, 5, 31),
        "closes_on": datetime.date(2027, 6, 30),
    }
    values.update(dates)
    return services.cycle_open(
        name=f"{kind} {year}", kind=kind, year=year, by=system_user(), **values
    )


def test_generating_a_cycle_makes_every_task_on_the_real_structure_once(structure):
    # given
    cycle = _open()
    # when
    counts = services.cycle_generate(cycle=cycle, by=system_user())
    # then: 12 regional sectors and sub-sectors (no working groups), 8 platforms, 8 x 12
    assert counts == {
        "jna-sector-guide": {"created": 12, "total": 12},
        "jna": {"created": 8, "total": 8},
        "rmna-platform-narrative": {"created": 96, "total": 96},
        "rmna-regional-sector-narrative": {"created": 12, "total": 12},
        "pin": {"created": 96, "total": 96},
    }
    assert Task.objects.count() == 224 == Submission.objects.count()
    assert Task.history.count() == 224
    pin = Task.objects.get(task_type__code="pin", platform__code="peru", sector__code="health")
    assert (pin.state, pin.due_on, pin.clear_by) == (
        "draft",
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 31),
    )
    guide = Task.objects.filter(task_type__code="jna-sector-guide").first()
    assert guide.due_on == datetime.date(2027, 3, 31)  # 30 days before submissions
    assert not Task.objects.filter(sector__kind=Sector.Kind.WORKING_GROUP).exists()
    # one pending deadline reminder per task
    assert Reminder.objects.filter(kind="program_cycle.deadline").count() == 224
    # when: again
    again = services.cycle_generate(cycle=cycle, by=system_user())
    # then
    assert sum(c["created"] for c in again.values()) == 0
    assert Task.objects.count() == 224


def test_generating_after_the_structure_grew_adds_only_what_is_missing(structure):
    # given
    cycle = _open(kind="rmrp")
    services.cycle_generate(cycle=cycle, by=system_user())
    before = Task.objects.count()
    # when: a new sub-sector enters the catalogue, active on the Regional Platform
    mental = Sector.objects.create(
        code="mental-health",
        kind="sub_sector",
        parent=Sector.objects.get(code="health"),
        name_en="MHPSS",
        name_es="SMAPS",
    )
    PlatformSector.objects.create(platform=Platform.objects.get(code="regional"), sector=mental)
    counts = services.cycle_generate(cycle=cycle, by=system_user())
    # then: 2 regional types + 3 platform-sector types x 8 platforms
    assert sum(c["created"] for c in counts.values()) == 2 + 3 * 8
    assert Task.objects.count() == before + 26


def test_a_cycle_with_dates_out_of_order_or_twice_in_a_year_is_refused_naming_the_field(structure):
    with pytest.raises(ValidationError) as error:
        _open(clearance_due_on=datetime.date(2027, 4, 1))
    assert "clearance_due_on" in error.value.message_dict
    _open()
    with pytest.raises(ValidationError):
        _open()
    assert Cycle.objects.count() == 1


def test_only_the_regional_platform_opens_and_generates(task_types, personas):
    for persona in ("outsider", "partner", "co_coordinator", "platform_team"):
        with pytest.raises(NotAllowed):
            services.cycle_open(
                name="x",
                kind="rmna",
                year=2030,
                opens_on=datetime.date(2030, 1, 1),
                submissions_due_on=datetime.date(2030, 1, 1),
                clearance_due_on=datetime.date(2030, 1, 1),
                closes_on=datetime.date(2030, 1, 1),
                by=personas[persona],
            )
    cycle = services.cycle_open(
        name="RMNA 2030",
        kind="rmna",
        year=2030,
        opens_on=datetime.date(2030, 1, 1),
        submissions_due_on=datetime.date(2030, 1, 1),
        clearance_due_on=datetime.date(2030, 1, 1),
        closes_on=datetime.date(2030, 1, 1),
        by=personas["regional"],
    )
    with pytest.raises(NotAllowed):
        services.cycle_generate(cycle=cycle, by=personas["platform_team"])
    assert Task.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_people_generating_at_the_same_moment_create_each_task_once(task_types):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the row lock is exercised on PostgreSQL")
    call_command("load_structure", verbosity=0)
    cycle = _open()
    barrier = threading.Barrier(2)
    created = []

    def generate():
        try:
            barrier.wait(timeout=10)
            counts = services.cycle_generate(cycle=Cycle.objects.get(pk=cycle.pk), by=system_user())
            created.append(sum(c["created"] for c in counts.values()))
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(created) == [0, 224]
    assert Task.objects.count() == 224

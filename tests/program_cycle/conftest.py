"""The program-cycle cast on top of the shared world and personas.

Regional Health has two co-coordinators (Ana, UNHCR; Luis, NGO = the `co_coordinator` persona).
Colombia Health gets two national co-coordinators here; the Caribbean has no Health sector at
all, so its Health tasks fall under the substitution rule.
"""

from dataclasses import dataclass

import pytest

from program_cycle.models import Task
from program_cycle.services import task_types_load
from r4v.services import system_user
from sectors.models import Platform, RoleAssignment
from sectors.services import _role_grant

from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    CycleFactory,
    PlatformFactory,
    TaskFactory,
    UserFactory,
)


@dataclass
class Cast:
    regional_team: object
    regional_team_2: object
    ana: object  # Regional Health, UNHCR
    luis: object  # Regional Health, NGO
    colombia_team: object
    marta: object  # Colombia Health, UNHCR
    jorge: object  # Colombia Health, NGO
    caribbean: Platform
    caribbean_team: object


@pytest.fixture
def task_types(db):
    task_types_load(by=system_user())


@pytest.fixture
def cast(world, personas, task_types) -> Cast:
    colombia_unhcr = CoLeadFactory(platform_sector=world.colombia_health, organization=world.unhcr)
    colombia_ngo = CoLeadFactory(platform_sector=world.colombia_health, organization=world.ngo)
    marta = CoCoordinatorFactory(
        co_lead=colombia_unhcr,
        person=UserFactory(full_name="Marta Ruiz", email="marta@unhcr.example"),
    ).person
    jorge = CoCoordinatorFactory(
        co_lead=colombia_ngo, person=UserFactory(full_name="Jorge Vela", email="jorge@cs.example")
    ).person
    caribbean = PlatformFactory(
        code="caribbean", kind=Platform.Kind.SUB_REGIONAL, name_en="Caribbean", name_es="El Caribe"
    )
    caribbean_team = UserFactory(full_name="Carla Team", email="imo@caribbean.example")
    _role_grant(
        user=caribbean_team,
        role=RoleAssignment.Role.PLATFORM_TEAM,
        platform=caribbean,
        by=system_user(),
    )
    regional_team_2 = UserFactory(full_name="Second Regional", email="second@regional.example")
    _role_grant(
        user=regional_team_2,
        role=RoleAssignment.Role.REGIONAL_TEAM,
        platform=world.regional,
        by=system_user(),
    )
    return Cast(
        regional_team=personas["regional"],
        regional_team_2=regional_team_2,
        ana=world.unhcr_coordinator.person,
        luis=world.ngo_coordinator.person,
        colombia_team=personas["platform_team"],
        marta=marta,
        jorge=jorge,
        caribbean=caribbean,
        caribbean_team=caribbean_team,
    )


@pytest.fixture
def cycle(db):
    return CycleFactory(name="RMNA 2027", kind="rmna", year=2027)


@pytest.fixture
def make_task(cycle):
    def make(code: str, platform, sector=None, **fields) -> Task:
        return TaskFactory(cycle=cycle, task_type=code, platform=platform, sector=sector, **fields)

    return make

"""The calendar's world: the shared world plus Chile and Mexico, whose clocks differ from Bogotá's."""

import datetime
from types import SimpleNamespace

import pytest

from meetings import services
from sectors.models import Platform

from ..factories import CountryFactory, PlatformFactory, PlatformSectorFactory, meeting_draft


@pytest.fixture
def cal(world, personas):
    chile_country = CountryFactory(
        iso_code="CL", name_en="Chile", name_es="Chile", time_zone="America/Santiago"
    )
    mexico_country = CountryFactory(
        iso_code="MX", name_en="Mexico", name_es="México", time_zone="America/Mexico_City"
    )
    chile = PlatformFactory(code="chile", kind=Platform.Kind.NATIONAL, name_en="Chile")
    mexico = PlatformFactory(code="mexico", kind=Platform.Kind.NATIONAL, name_en="Mexico")
    chile.countries.add(chile_country)
    mexico.countries.add(mexico_country)
    return SimpleNamespace(
        world=world,
        personas=personas,
        regional_team=personas["regional"],
        chile=chile,
        mexico=mexico,
        chile_health=PlatformSectorFactory(platform=chile, sector=world.health),
        mexico_health=PlatformSectorFactory(platform=mexico, sector=world.health),
    )


def schedule(by, *, accept=False, **fields):
    return services.meeting_schedule(draft=meeting_draft(**fields), by=by, accept_conflicts=accept)


def local(*args) -> datetime.datetime:
    # Naive on purpose: a wall-clock time, given a zone by the service.
    return datetime.datetime(*args)  # noqa: DTZ001


def future(days: int, hour: int = 10) -> datetime.datetime:
    """A naive wall-clock time `days` from today at `hour` (tests that need the future)."""
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))

"""A dataset of realistic size for the load harness, generated once per bench database.

The real structure (load_structure: 17 countries, 9 platforms, the catalogue), then the full
catalogue active on every platform, 300 organizations, 1,500 people, two co-leads (a UN agency
and an NGO) with a co-coordinator each on every sector of every platform, and ten partners per
sector; then the program cycle and the calendar (cycle_data.py). Written with bulk_create: it is
a fixture for measuring, not coordination history.
"""

import datetime
import itertools

from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from r4v.models import User
from scripts.bench import cycle_data
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)

MARKER = "Bench organization 001"
START = datetime.date(2025, 1, 1)


def ensure() -> dict[str, int]:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_structure", verbosity=0)
    if not Organization.objects.filter(name=MARKER).exists():
        _generate()
    cycles_and_meetings = cycle_data.ensure()
    return {
        "platforms": Platform.objects.count(),
        "platform_sectors": PlatformSector.objects.filter(is_active=True).count(),
        "organizations": Organization.objects.count(),
        "people": User.objects.count(),
        "co_leads": CoLeadDesignation.objects.count(),
        "co_coordinators": CoCoordinatorDesignation.objects.count(),
        "partners": PartnerMembership.objects.count(),
        **cycles_and_meetings,
    }


def _generate() -> None:
    sectors = Sector.objects.exclude(kind=Sector.Kind.WORKING_GROUP)
    existing = set(PlatformSector.objects.values_list("platform_id", "sector_id"))
    PlatformSector.objects.bulk_create(
        PlatformSector(
            platform=p, sector=s, is_active=True, purpose_en=f"{s.name_en} on {p.name_en}."
        )
        for p in Platform.objects.all()
        for s in sectors
        if (p.pk, s.pk) not in existing
    )
    PlatformSector.objects.filter(is_active=False).update(is_active=True)
    kinds = list(Organization.Kind)
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Bench organization {n:03}", acronym=f"BO{n:03}", kind=kinds[n % len(kinds)]
        )
        for n in range(1, 301)
    )
    un = itertools.cycle([o for o in orgs if o.kind == Organization.Kind.UN_AGENCY])
    ngo = itertools.cycle([o for o in orgs if o.kind != Organization.Kind.UN_AGENCY])
    anyone = itertools.cycle(orgs)
    password = make_password(None)
    people = iter(
        User.objects.bulk_create(
            User(email=f"person{n:04}@bench.example", full_name=f"Person {n:04}", password=password)
            for n in range(1, 1501)
        )
    )
    co_leads, partners = [], []
    for ps in PlatformSector.objects.filter(is_active=True):
        co_leads += [
            CoLeadDesignation(platform_sector=ps, organization=next(un), term_start=START),
            CoLeadDesignation(platform_sector=ps, organization=next(ngo), term_start=START),
        ]
        taken = set()
        while len(taken) < 10:
            taken.add(next(anyone))
        partners += [
            PartnerMembership(platform_sector=ps, organization=o, joined_on=START) for o in taken
        ]
    co_leads = CoLeadDesignation.objects.bulk_create(co_leads)
    CoCoordinatorDesignation.objects.bulk_create(
        CoCoordinatorDesignation(
            co_lead=c,
            person=next(people),
            contact_email=f"sector{c.pk}@bench.example",
            term_start=START,
        )
        for c in co_leads
    )
    PartnerMembership.objects.bulk_create(partners)

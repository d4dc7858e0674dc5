import datetime

import factory

from r4v.models import User
from sectors.models import (
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Country,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    Sector,
)

PASSWORD = "correct-horse-battery-42"
TERM_START = datetime.date(2026, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    gender = User.Gender.WOMAN
    speaks_spanish = True
    speaks_english = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        no_password = factory.Trait(password=None)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso_code",)

    iso_code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name_en = factory.Sequence(lambda n: f"Country {n}")
    name_es = factory.Sequence(lambda n: f"País {n}")
    time_zone = "America/Bogota"


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"platform-{n}")
    kind = Platform.Kind.NATIONAL
    name_en = factory.Sequence(lambda n: f"Platform {n}")
    name_es = factory.Sequence(lambda n: f"Plataforma {n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sector-{n}")
    kind = Sector.Kind.SECTOR
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    name_es = factory.Sequence(lambda n: f"Sector {n} (es)")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organization.Kind.INTERNATIONAL_NGO


class PlatformSectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformSector

    platform = factory.SubFactory(PlatformFactory)
    sector = factory.SubFactory(SectorFactory)
    is_active = True
    purpose_en = "Coordinates the response."


class CoLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoLeadDesignation

    platform_sector = factory.SubFactory(PlatformSectorFactory)
    organization = factory.SubFactory(OrganizationFactory)
    term_start = TERM_START


class CoCoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoCoordinatorDesignation

    co_lead = factory.SubFactory(CoLeadFactory)
    person = factory.SubFactory(UserFactory)
    contact_email = factory.Sequence(lambda n: f"sector.contact{n}@example.org")
    term_start = TERM_START


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    platform_sector = factory.SubFactory(PlatformSectorFactory)
    organization = factory.SubFactory(OrganizationFactory)
    joined_on = TERM_START


# --- Program cycle ---------------------------------------------------------------------------

from program_cycle.models import Cycle, Submission, Task, TaskType  # noqa: E402


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"RMNA {2030 + n}")
    kind = "rmna"
    year = factory.Sequence(lambda n: 2030 + n)
    opens_on = datetime.date(2026, 11, 1)
    submissions_due_on = datetime.date(2026, 12, 15)
    clearance_due_on = datetime.date(2027, 1, 15)
    closes_on = datetime.date(2027, 1, 31)
    created_by = factory.SubFactory(UserFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    """A task in draft with its first (empty) version; `task_type` by code: TaskFactory(task_type="pin")."""

    class Meta:
        model = Task

    cycle = factory.SubFactory(CycleFactory)
    due_on = factory.LazyAttribute(lambda o: o.cycle.submissions_due_on)
    clear_by = factory.LazyAttribute(lambda o: o.cycle.clearance_due_on)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("task_type"), str):
            kwargs["task_type"] = TaskType.objects.get(code=kwargs["task_type"])
        task = super()._create(model_class, *args, **kwargs)
        Submission.objects.create(task=task, number=1)
        return task


# --- Meetings (appended by the calendar work) ---------------------------------------------------


def meeting_draft(*, platform_sector=None, platform=None, **fields):
    """A `MeetingDraft` for a one-hour internal monthly meeting; override any field."""
    from meetings.services import MeetingDraft

    defaults = dict(
        platform=platform or platform_sector.platform,
        platform_sector=platform_sector,
        kind="monthly_national",
        title="Monthly meeting",
        start_local=datetime.datetime(2026, 7, 14, 10, 0),  # noqa: DTZ001 - wall clock
        end_local=datetime.datetime(2026, 7, 14, 11, 0),  # noqa: DTZ001
        time_zone="America/Bogota",
    )
    defaults.update(fields)
    return MeetingDraft(**defaults)

import zoneinfo
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from r4v.models import User
from r4v.services import SYSTEM_EMAIL
from sectors.models import Country, Organization, Platform, PlatformSector, Sector

pytestmark = pytest.mark.django_db

FIRST_RUN = "Structure loaded: 54 created, 0 updated, 0 unchanged, 52 platform links added."
SECOND_RUN = "Structure loaded: 0 created, 0 updated, 54 unchanged, 0 platform links added."


def load() -> str:
    out = StringIO()
    call_command("load_structure", stdout=out)
    return out.getvalue().strip()


def row_counts() -> dict[str, int]:
    # Through tables included: a duplicated country or co-lead link is a new row there.
    models = [
        *apps.get_app_config("sectors").get_models(include_auto_created=True),
        *apps.get_app_config("r4v").get_models(include_auto_created=True),
    ]
    return {m._meta.label: m.objects.count() for m in models}


def history_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models(include_auto_created=True)
        if m.__name__.startswith("Historical")
    }


def test_loads_the_17_countries_with_iso_codes_and_valid_time_zones():
    # when
    load()
    # then
    countries = list(Country.objects.order_by("iso_code"))
    assert [c.iso_code for c in countries] == [
        "AR", "AW", "BO", "BR", "CL", "CO", "CR", "CW", "DO",
        "EC", "GY", "MX", "PA", "PE", "PY", "TT", "UY",
    ]  # fmt: skip
    assert all(c.time_zone in zoneinfo.available_timezones() for c in countries)
    assert Country.objects.get(iso_code="CW").name_en == "Curaçao"
    assert Country.objects.get(iso_code="DO").name_es == "República Dominicana"
    assert Country.objects.get(iso_code="AR").time_zone == "America/Argentina/Buenos_Aires"


def test_loads_one_regional_five_national_and_three_sub_regional_platforms_with_their_countries():
    # when
    load()
    # then
    assert {
        p.code: (p.kind, sorted(p.countries.values_list("iso_code", flat=True)))
        for p in Platform.objects.all()
    } == {
        "regional": ("regional", sorted(Country.objects.values_list("iso_code", flat=True))),
        "brazil": ("national", ["BR"]),
        "chile": ("national", ["CL"]),
        "colombia": ("national", ["CO"]),
        "ecuador": ("national", ["EC"]),
        "peru": ("national", ["PE"]),
        "caribbean": ("sub_regional", ["AW", "CW", "DO", "GY", "TT"]),
        "southern-cone": ("sub_regional", ["AR", "BO", "PY", "UY"]),
        "central-america-mexico": ("sub_regional", ["CR", "MX", "PA"]),
    }
    assert Platform.objects.get(code="regional").countries.count() == 17


def test_iom_and_unhcr_co_lead_every_platform():
    # when
    load()
    # then
    assert list(Organization.objects.values_list("acronym", "kind")) == [
        ("IOM", "un_agency"),
        ("UNHCR", "un_agency"),
    ]
    assert {
        p.code: sorted(p.co_leads.values_list("acronym", flat=True)) for p in Platform.objects.all()
    } == {code: ["IOM", "UNHCR"] for code in Platform.objects.values_list("code", flat=True)}
    assert Platform.objects.count() == 9


def test_loads_the_13_entry_sector_catalogue_with_protection_sub_sectors_and_the_cash_group():
    # when
    load()
    # then
    assert list(Sector.objects.values_list("position", "code", "kind", "parent__code")) == [
        (1, "education", "sector", None),
        (2, "food-security", "sector", None),
        (3, "health", "sector", None),
        (4, "humanitarian-transportation", "sector", None),
        (5, "integration", "sector", None),
        (6, "nutrition", "sector", None),
        (7, "protection", "sector", None),
        (8, "child-protection", "sub_sector", "protection"),
        (9, "gender-based-violence", "sub_sector", "protection"),
        (10, "human-trafficking-smuggling", "sub_sector", "protection"),
        (11, "shelter", "sector", None),
        (12, "wash", "sector", None),
        (13, "cash", "working_group", None),
    ]
    assert Sector.objects.get(code="protection").sub_sectors.count() == 3
    assert Sector.objects.filter(name_en="", name_es="").count() == 0


def test_every_catalogue_entry_is_active_on_the_regional_platform_and_nowhere_else():
    # when
    load()
    # then
    regional = PlatformSector.objects.filter(platform__code="regional", is_active=True)
    assert regional.count() == 13
    assert set(regional.values_list("sector__code", flat=True)) == set(
        Sector.objects.values_list("code", flat=True)
    )
    assert PlatformSector.objects.exclude(platform__code="regional").count() == 0


def test_every_loaded_row_is_attributed_to_the_system_user_with_a_reason():
    # when
    load()
    # then
    system = User.objects.get(email=SYSTEM_EMAIL)
    for model in (Country, Platform, Sector, Organization, PlatformSector):
        history = model.history.all()
        assert set(history.values_list("history_user", "history_change_reason")) == {
            (system.pk, "Loaded by load_structure")
        }, model


def test_first_run_reports_what_it_created():
    # when
    output = load()
    # then
    assert output == FIRST_RUN


def test_second_run_writes_no_rows_and_no_history():
    # given
    load()
    rows, history = row_counts(), history_counts()
    # when
    output = load()
    # then
    assert output == SECOND_RUN
    assert row_counts() == rows
    assert history_counts() == history


def test_a_row_that_drifted_from_the_seed_is_corrected_once_and_attributed():
    # given
    load()
    peru = Country.objects.get(iso_code="PE")
    peru.name_es = "Peru"
    peru.save()
    before = peru.history.count()
    # when
    output = load()
    # then
    assert output == "Structure loaded: 0 created, 1 updated, 53 unchanged, 0 platform links added."
    peru.refresh_from_db()
    assert peru.name_es == "Perú"
    assert peru.history.count() == before + 1
    assert peru.history.first().history_change_reason == "Loaded by load_structure"


def test_existing_records_are_reused_and_missing_links_added():
    # given: IOM registered by hand with a lower-case acronym, and Regional Health switched off
    Organization.objects.create(name="Intl. Org. for Migration", acronym="iom", kind="other")
    load()
    regional_health = PlatformSector.objects.get(platform__code="regional", sector__code="health")
    regional_health.is_active = False
    regional_health.save()
    colombia = Platform.objects.get(code="colombia")
    colombia.countries.clear()
    # when
    output = load()
    # then
    assert output == "Structure loaded: 0 created, 1 updated, 53 unchanged, 1 platform links added."
    assert Organization.objects.count() == 2
    assert (
        Organization.objects.get(acronym="IOM").name == "International Organization for Migration"
    )
    regional_health.refresh_from_db()
    assert regional_health.is_active is True
    assert list(colombia.countries.values_list("iso_code", flat=True)) == ["CO"]


# --- Catalogue names as the seed gives them ----------------------------------------------------


def test_the_cash_group_is_named_as_the_seed_names_it_and_communications_is_not_a_sector():
    # when
    load()
    # then: the seed's "Regional Cash Working Group" is the Regional Platform's Cash Working Group
    cash = PlatformSector.objects.get(platform__code="regional", sector__code="cash")
    assert (cash.sector.name_en, cash.sector.kind) == ("Cash Working Group", "working_group")
    assert cash.title == "Cash Working Group · Regional Platform"
    # and the Regional Platform's Communications Working Group is not in the sector catalogue
    assert not Sector.objects.filter(code="communications").exists()
    assert not Sector.objects.filter(name_en__icontains="communication").exists()


def test_an_earlier_cash_name_is_corrected_on_the_next_run():
    # given: the name an earlier version loaded
    load()
    Sector.objects.filter(code="cash").update(name_en="Cash-Based Interventions (CVA)")
    # when
    output = load()
    # then
    assert output == "Structure loaded: 0 created, 1 updated, 53 unchanged, 0 platform links added."
    assert Sector.objects.get(code="cash").name_en == "Cash Working Group"


def _earlier_communications_entry() -> PlatformSector:
    """What an earlier version loaded: Communications active on the Regional Platform."""
    communications = Sector.objects.create(
        code="communications", kind="working_group", name_en="Communications", name_es="x"
    )
    return PlatformSector.objects.create(
        platform=Platform.objects.get(code="regional"), sector=communications
    )


def test_an_earlier_communications_entry_is_deactivated_once_and_attributed():
    # given
    load()
    communications = _earlier_communications_entry()
    # when
    output = load()
    again = load()
    # then
    assert output.splitlines() == [
        "Structure loaded: 0 created, 0 updated, 54 unchanged, 0 platform links added.",
        "Deactivated on the Regional Platform, not a sectoral group of the seed: Communications.",
    ]
    assert again == SECOND_RUN
    communications.refresh_from_db()
    assert communications.is_active is False
    latest = communications.history.first()
    assert (latest.history_user.email, latest.history_change_reason) == (
        SYSTEM_EMAIL,
        "Loaded by load_structure",
    )


def test_an_earlier_communications_entry_that_someone_co_leads_stays_and_the_command_says_so():
    # given
    load()
    communications = _earlier_communications_entry()
    iom = Organization.objects.get(acronym="IOM")
    communications.co_leads.create(organization=iom, term_start="2025-01-01")
    # when
    output = load()
    # then: ending a designation is for people to decide, not for the loader
    assert output.splitlines()[1] == (
        "Still active on the Regional Platform although not a sectoral group of the seed, because "
        "it has open co-lead designations: Communications. End them, then run load_structure again."
    )
    communications.refresh_from_db()
    assert communications.is_active is True

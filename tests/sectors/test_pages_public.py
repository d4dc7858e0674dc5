"""The public pages: anyone, in English or Spanish, sees the structure and its published contacts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url
from django.utils import timezone, translation

from sectors.models import Organization, Platform, Sector

from ..conftest import client_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    CountryFactory,
    OrganizationFactory,
    PartnerFactory,
    PlatformFactory,
    PlatformSectorFactory,
    SectorFactory,
    UserFactory,
)

PRIVATE_EMAILS = ("ana.private@unhcr.example", "luis.private@cs.example")


def page_urls(world) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "platform list": reverse("sectors:platform-list"),
        "regional platform": reverse("sectors:platform-detail", kwargs={"code": "regional"}),
        "colombia platform": reverse("sectors:platform-detail", kwargs={"code": "colombia"}),
        "sector list": reverse("sectors:sector-list"),
        "regional health": world.regional_health.get_absolute_url(),
        "colombia health": world.colombia_health.get_absolute_url(),
        "regional protection": world.regional_protection.get_absolute_url(),
        "regional child protection": world.regional_child_protection.get_absolute_url(),
        "unhcr": world.unhcr.get_absolute_url(),
        "ngo": world.ngo.get_absolute_url(),
        "partner organization": world.partner_org.get_absolute_url(),
        "login": reverse("login"),
    }


def get(client, url, language="en"):
    # Pages carry their language in the URL (/en/, /es/).
    return client.get(translate_url(url, language), HTTP_ACCEPT_LANGUAGE=language)


# --- Every page, both languages -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_public_page_answers_an_anonymous_visitor_in_english_and_spanish(
    client, world, language
):
    for name, url in page_urls(world).items():
        # when
        response = get(client, url, language)
        # then
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in response.text, name


def test_spanish_visitor_sees_catalogue_names_in_spanish(client, world):
    # when
    home = get(client, reverse("home"), "es").text
    catalogue = get(client, reverse("sectors:sector-list"), "es").text
    platform = get(
        client, reverse("sectors:platform-detail", kwargs={"code": "regional"}), "es"
    ).text
    page = get(client, world.regional_child_protection.get_absolute_url(), "es").text
    # then
    assert "Salud" in home and "Plataforma Regional" in home
    assert "Protección de la Niñez" in catalogue and "Salud" in catalogue
    assert "Protección de la Niñez" in platform and "Panamá" in platform
    assert "Protección de la Niñez" in page and "Plataforma Regional" in page
    assert "Child Protection" not in catalogue


def test_english_visitor_sees_catalogue_names_in_english(client, world):
    # when
    catalogue = get(client, reverse("sectors:sector-list"), "en").text
    # then
    assert "Child Protection" in catalogue and "Health" in catalogue
    assert "Salud" not in catalogue


def test_the_language_cookie_chooses_spanish_for_a_path_without_a_language(client, world):
    # given
    client.cookies["django_language"] = "es"
    # when
    response = client.get("/sectors/", follow=True)
    # then
    assert response.redirect_chain == [("/es/sectors/", 302)]
    assert '<html lang="es">' in response.text
    assert "Protección de la Niñez" in response.text


def test_a_shared_spanish_link_opens_in_spanish_whatever_the_browser_asks(client, world):
    # given: a visitor whose browser prefers English opens a link someone shared
    with translation.override("es"):
        url = world.regional_health.get_absolute_url()
    # when
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    # then
    assert url.startswith("/es/")
    assert '<html lang="es">' in page
    assert '<h1 class="h2 mb-0">Salud</h1>' in page


def test_language_switcher_links_to_the_same_page_in_each_language(client, world):
    # given
    url = world.regional_health.get_absolute_url()
    with translation.override("es"):
        spanish = world.regional_health.get_absolute_url()
    # when
    page = client.get(url).text
    # then: links, not a form with a CSRF token (the page is served from the public cache)
    assert f'<a href="{spanish}" hreflang="es" lang="es"' in page
    assert "csrfmiddlewaretoken" not in page and "/i18n/setlang/" not in page
    assert f'<link rel="alternate" hreflang="es" href="http://testserver{spanish}">' in page
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{url}">' in page
    default = url.removeprefix("/en")
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{default}">' in page
    assert '<h1 class="h2 mb-0">Salud</h1>' in client.get(spanish).text


# --- Not found --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/platforms/atlantis/",
        "/platforms/atlantis/sectors/health/",
        "/platforms/regional/sectors/astrology/",
        # Protection exists in the catalogue but is not active on Colombia.
        "/platforms/colombia/sectors/protection/",
        "/organizations/999999/",
    ],
)
def test_unknown_pages_answer_404_with_the_site_template(client, world, url):
    # when
    response = client.get("/en" + url)
    # then
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert reverse("sectors:platform-list") in response.text


def test_an_inactive_sector_has_no_public_page_and_is_not_listed(client, world):
    # given
    world.colombia_health.is_active = False
    world.colombia_health.save()
    url = world.colombia_health.get_absolute_url()
    # when
    response = client.get(url)
    # then
    assert response.status_code == 404
    for page in ("home", "colombia platform", "sector list", "regional platform"):
        assert url not in client.get(page_urls(world)[page]).text, page


# --- Privacy and escaping ------------------------------------------------------------------------


def test_sector_page_shows_published_contacts_and_designating_organizations(client, world):
    # given
    world.unhcr_coordinator.contact_phone = "+507 6000 0000"
    world.unhcr_coordinator.save()
    # when
    html = client.get(world.regional_health.get_absolute_url()).text
    # then
    assert 'href="mailto:health.regional@unhcr.example"' in html
    assert 'href="mailto:salud@cs.example"' in html
    assert 'href="tel:+50760000000"' in html
    assert "Ana Pérez" in html and "Luis Gómez" in html
    assert "Designated by UNHCR" in html and "Designated by CS" in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_public_page_shows_a_login_email(client, world, language):
    for name, url in page_urls(world).items():
        # when
        html = get(client, url, language).text
        # then
        for private in PRIVATE_EMAILS:
            assert private not in html, (name, private)


def test_ended_and_future_designations_are_not_shown(client, world):
    # given
    world.ngo_coordinator.ended_on = datetime.date(2026, 3, 1)
    world.ngo_coordinator.save()
    future = CoLeadFactory(
        platform_sector=world.regional_health,
        organization=world.iom,
        term_start=timezone.localdate() + datetime.timedelta(days=30),
    )
    # when
    html = client.get(world.regional_health.get_absolute_url()).text
    iom_html = client.get(future.organization.get_absolute_url()).text
    # then
    assert "salud@cs.example" not in html
    assert "health.regional@unhcr.example" in html
    assert world.iom.get_absolute_url() not in html
    assert world.regional_health.get_absolute_url() not in iom_html


def test_text_fields_are_escaped(client, world):
    # given
    world.regional_health.purpose_en = "<script>alert(1)</script>\nSecond line"
    world.regional_health.selection_procedure_en = "<img src=x onerror=alert(2)>"
    world.regional_health.save()
    world.partner_org.name = "<b>Bold</b> Partners"
    world.partner_org.save()
    # when
    html = client.get(world.regional_health.get_absolute_url()).text
    # then
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in html
    assert "<script>alert(1)" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Partners" in html and "<b>Bold</b>" not in html


# --- Content of each page ------------------------------------------------------------------------


def test_home_explains_the_tool_and_lists_platforms_by_kind_and_regional_sectors(client, world):
    # given
    PlatformFactory(code="caribbean", kind=Platform.Kind.SUB_REGIONAL, name_en="Caribbean")
    # when
    html = client.get(reverse("home")).text
    # then
    assert "R4V Coordination is the shared working tool" in html
    assert (
        html.index("Regional Platform</h3>")
        < html.index("National platforms")
        < html.index("Sub-regional platforms")
    )
    assert reverse("sectors:platform-detail", kwargs={"code": "caribbean"}) in html
    assert world.regional_health.get_absolute_url() in html
    assert world.regional_child_protection.get_absolute_url() in html
    # Colombia's sectors are not regional sectors.
    assert world.colombia_health.get_absolute_url() not in html


def test_platform_list_groups_platforms_with_countries_and_co_leads(client, world):
    # when
    html = client.get(reverse("sectors:platform-list")).text
    # then
    assert html.index('id="kind-regional"') < html.index('id="kind-national"')
    assert "Colombia, Panama" in html
    assert "IOM, UNHCR" in html


def test_platform_detail_shows_countries_with_time_zone_co_leads_and_active_sectors(client, world):
    # given
    inactive = PlatformSectorFactory(
        platform=world.regional,
        sector=SectorFactory(code="mining", name_en="Mining"),
        is_active=False,
    )
    # when
    html = client.get(world.regional.get_absolute_url()).text
    # then
    assert "America/Panama (UTC−05:00)" in html
    assert world.unhcr.get_absolute_url() in html and world.iom.get_absolute_url() in html
    assert world.regional_health.get_absolute_url() in html
    assert inactive.get_absolute_url() not in html
    # Child Protection sits inside the Protection card, not as a card of its own.
    protection_card = html[html.index('id="card-protection"') :]
    protection_card = protection_card[: protection_card.index("</section>")]
    assert world.regional_child_protection.get_absolute_url() in protection_card
    assert html.count(world.regional_child_protection.get_absolute_url()) == 1


def test_a_sector_card_names_only_its_co_leads_in_force_in_name_order(client, world):
    # given: on regional health, besides its co-leads in force, one whose term ended
    # yesterday and one whose term starts next month
    today = timezone.localdate()
    ended = CoLeadFactory(
        platform_sector=world.regional_health,
        organization=OrganizationFactory(name="Ended Aid", acronym="ENDED"),
        term_start=today - datetime.timedelta(days=400),
        ended_on=today - datetime.timedelta(days=1),
    )
    upcoming = CoLeadFactory(
        platform_sector=world.regional_health,
        organization=OrganizationFactory(name="Upcoming Aid", acronym="UPCOMING"),
        term_start=today + datetime.timedelta(days=30),
    )
    in_force = [
        str(co_lead.organization)
        for co_lead in world.regional_health.co_leads.current().order_by("organization__name")
    ]
    # when
    html = client.get(world.regional.get_absolute_url()).text
    card = html[html.index('id="card-health"') :]
    card = card[: card.index("</p>")]
    # then: the card's line of co-leads, as the page shows it
    assert ended.organization.acronym not in card
    assert upcoming.organization.acronym not in card
    assert len(in_force) >= 1
    assert ", ".join(in_force) in card


def test_sector_list_shows_each_entry_with_the_platforms_where_it_is_active(client, world):
    # given
    SectorFactory(code="cash", kind=Sector.Kind.WORKING_GROUP, name_en="Cash (CVA)", position=20)
    # when
    html = client.get(reverse("sectors:sector-list")).text
    # then
    assert world.regional_health.get_absolute_url() in html
    assert world.colombia_health.get_absolute_url() in html
    assert world.regional_child_protection.get_absolute_url() in html
    assert html.index("Cash (CVA)") > html.index('id="catalogue-working-groups"')
    assert "Not active on any platform." in html


def test_sector_page_shows_co_leads_partners_sub_sectors_and_selection(client, world):
    # given
    world.regional_protection.selection_procedure_en = "Elected every two years by partners."
    world.regional_protection.selection_interval_months = 24
    world.regional_protection.last_selection_on = datetime.date(2025, 3, 31)
    world.regional_protection.save()
    # when
    health = client.get(world.regional_health.get_absolute_url()).text
    protection = client.get(world.regional_protection.get_absolute_url()).text
    child = client.get(world.regional_child_protection.get_absolute_url()).text
    # then
    assert "Health · Regional Platform · R4V</title>" in health
    # The type once (UNHCR is the only UN agency here), the balance group where it adds to it.
    assert health.count("UN agency") == 1 and "NGO / civil society</span>" in health
    assert "National NGO" in health
    assert world.partner_org.get_absolute_url() in health
    assert "No written procedure yet" in health
    assert "Documented procedure" in protection
    assert "Elected every two years by partners." in protection
    assert (
        "March 31, 2025" in protection
        and "24 months" in protection
        and "March 31, 2027" in protection
    )
    assert world.regional_child_protection.get_absolute_url() in protection
    assert "Sub-sector of Protection" in child
    assert world.regional_protection.get_absolute_url() in child


def test_organization_page_shows_its_current_co_leads_and_partnerships(client, world):
    # given
    ended = CoLeadFactory(
        platform_sector=world.colombia_health,
        organization=world.unhcr,
        ended_on=datetime.date(2026, 2, 1),
    )
    world.unhcr.website = "https://www.unhcr.example/"
    world.unhcr.save()
    # when
    unhcr = client.get(world.unhcr.get_absolute_url()).text
    partner = client.get(world.partner_org.get_absolute_url()).text
    # then
    assert "UN Refugee Agency" in unhcr and "(UNHCR)" in unhcr and "UN agency" in unhcr
    assert 'href="https://www.unhcr.example/"' in unhcr
    assert world.regional_health.get_absolute_url() in unhcr
    assert ended.platform_sector.get_absolute_url() not in unhcr
    assert world.regional.get_absolute_url() in unhcr  # co-leads the platform itself
    assert "Civil society organization" in partner
    assert world.regional_health.get_absolute_url() in partner


# --- Navigation and the manage link --------------------------------------------------------------


def test_navigation_links_between_pages(client, world):
    # when
    home = client.get(reverse("home")).text
    platforms = client.get(reverse("sectors:platform-list")).text
    platform = client.get(world.regional.get_absolute_url()).text
    sector = client.get(world.regional_health.get_absolute_url()).text
    # then
    assert f'href="{reverse("sectors:platform-list")}"' in home
    assert f'href="{reverse("sectors:sector-list")}"' in home
    assert f'href="{world.regional.get_absolute_url()}"' in platforms
    assert f'href="{world.regional_health.get_absolute_url()}"' in platform
    assert f'href="{world.regional.get_absolute_url()}" id="platform-link"' in sector
    assert f'href="{reverse("sectors:sector-list")}"' in sector


@pytest.mark.parametrize(
    ("persona", "sector", "sees_link"),
    [
        ("anonymous", "regional_health", False),
        ("outsider", "regional_health", False),
        ("partner", "regional_health", False),
        ("focal_point", "regional_health", False),
        ("co_coordinator", "regional_health", True),
        ("co_coordinator", "regional_protection", False),
        ("platform_team", "regional_health", False),
        ("platform_team", "colombia_health", True),
        ("regional", "colombia_health", True),
        ("admin", "regional_protection", True),
    ],
)
def test_manage_link_appears_only_for_those_who_may_edit_the_sector(
    client, world, personas, persona, sector, sees_link
):
    # given
    ps = getattr(world, sector)
    client_for(client, personas[persona])
    # when
    html = client.get(ps.get_absolute_url()).text
    # then
    assert (reverse("sectors:sector-manage", kwargs={"pk": ps.pk}) in html) is sees_link
    assert ("Manage this sector" in html) is sees_link


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [("anonymous", False), ("co_coordinator", False), ("platform_team", True), ("regional", True)],
)
def test_platform_manage_link_appears_only_for_its_managers(
    client, world, personas, persona, sees_link
):
    # given
    client_for(client, personas[persona])
    # when
    html = client.get(world.colombia.get_absolute_url()).text
    # then
    assert (reverse("sectors:platform-manage", kwargs={"code": "colombia"}) in html) is sees_link


def test_login_page_renders_and_logs_in(client, world):
    # given
    user = UserFactory(email="someone@example.org")
    # when
    page = client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": "Someone@Example.org", "password": "correct-horse-battery-42"},
    )
    # then
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_page_shows_an_error_on_a_wrong_password(client, world):
    # when
    response = client.post(
        reverse("login"), {"username": "nobody@example.org", "password": "nope-nope-nope"}
    )
    # then
    assert response.status_code == 200
    assert 'id="login-errors"' in response.text


# --- Query counts ------------------------------------------------------------------------------


def _grow(world, *, size: int, tag: str) -> None:
    """Add platforms, sectors, designations and partners everywhere a page lists something."""
    for n in range(size):
        country = CountryFactory(iso_code=f"{tag}{n}".upper())
        platform = PlatformFactory(code=f"{tag}-platform-{n}", kind=Platform.Kind.SUB_REGIONAL)
        platform.countries.add(country)
        platform.co_leads.add(world.iom, world.unhcr)
        world.regional.countries.add(country)
        world.colombia.countries.add(country)
        sector = SectorFactory(code=f"{tag}-sector-{n}", position=10 + n)
        sub = SectorFactory(
            code=f"{tag}-sub-{n}", kind=Sector.Kind.SUB_SECTOR, parent=sector, position=10 + n
        )
        group = SectorFactory(
            code=f"{tag}-group-{n}", kind=Sector.Kind.WORKING_GROUP, position=30 + n
        )
        for platform in (world.regional, world.colombia):
            for catalogue_entry in (sector, sub, group):
                ps = PlatformSectorFactory(platform=platform, sector=catalogue_entry)
                co_lead = CoLeadFactory(
                    platform_sector=ps,
                    organization=OrganizationFactory(kind=Organization.Kind.UN_AGENCY),
                )
                CoCoordinatorFactory(co_lead=co_lead)
                PartnerFactory(platform_sector=ps)
                PartnerFactory(platform_sector=ps, organization=world.partner_org)
                CoLeadFactory(platform_sector=ps, organization=world.unhcr)
        # More on the pages about one thing: the Regional Health Sector and UNHCR.
        co_lead = CoLeadFactory(platform_sector=world.regional_health)
        CoCoordinatorFactory(co_lead=co_lead)
        CoCoordinatorFactory(co_lead=world.unhcr_health)
        PartnerFactory(platform_sector=world.regional_health)
        child = SectorFactory(
            code=f"{tag}-health-sub-{n}", kind=Sector.Kind.SUB_SECTOR, parent=world.health
        )
        PlatformSectorFactory(platform=world.regional, sector=child)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        # Rendered afresh, not from the public cache: this counts the page's own queries.
        response = client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("persona", ["anonymous", "co_coordinator"])
def test_query_counts_do_not_grow_with_the_number_of_rows(client, world, personas, persona):
    # given
    client_for(client, personas[persona])
    urls = {name: url for name, url in page_urls(world).items() if name != "login"}
    # One row at every level first: Django skips a prefetch when there is nothing to
    # prefetch for, which would make the baseline lower for a reason unrelated to growth.
    _grow(world, size=1, tag="a")
    # The first request also fills process-wide caches (content types, translations).
    client.get(urls["home"])
    before = {name: _count(client, url) for name, url in urls.items()}
    # when
    _grow(world, size=4, tag="b")
    after = {name: _count(client, url) for name, url in urls.items()}
    # then
    assert after == before
    assert max(after.values()) <= (10 if persona == "anonymous" else 20), after


def test_the_sector_page_stays_within_its_query_budget(
    client, world, django_assert_max_num_queries
):
    # given
    _grow(world, size=3, tag="a")
    # when: the cache's version, the sector, its co-leads, co-coordinators, partners, the
    # regional sector of the same entry, and the "last changed" date: seven, whatever the rows.
    with django_assert_max_num_queries(7):
        response = client.get(world.regional_health.get_absolute_url())
    # then: the budget holds for the page itself, not for a 404 or a redirect
    assert response.status_code == 200
    assert world.unhcr_coordinator.person.full_name in response.content.decode()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # the platform, its countries and co-lead agencies, its sectors with their co-leads'
        # organizations joined, and the "last changed" date; no co-coordinator, no partner
        ("platform", 5),
        # the platforms with their countries and co-leads, the regional sectors with their
        # co-leads' organizations
        ("home", 4),
    ],
)
def test_the_platform_and_home_pages_load_only_what_they_show(client, world, page, expected):
    # given
    _grow(world, size=2, tag="a")
    url = world.regional.get_absolute_url() if page == "platform" else reverse("home")
    client.get(url)
    # when / then: co-leads' organizations only (selectors.sector_cards)
    assert _count(client, url) == expected

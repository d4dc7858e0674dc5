"""My work: the shared kit's page that every app contributes sections to (r4v.my_work), and
what each role finds on it (issue 12: useful for every role, constant queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from r4v import my_work
from r4v.services import notification_send, system_user
from sectors import services
from sectors.models import RoleAssignment
from sectors.services import _role_grant

from ..conftest import PASSWORD, client_for
from ..factories import (
    CoCoordinatorFactory,
    CoLeadFactory,
    OrganizationFactory,
    PartnerFactory,
    PlatformSectorFactory,
    SectorFactory,
)

Role = RoleAssignment.Role


def _page(client, user):
    response = client_for(client, user).get(reverse("my-work"))
    assert response.status_code == 200
    return response


def _shown(response) -> dict:
    """The sections on the page, by key, with the context each was rendered with."""
    return {s.section.key: s.context for s in response.context["sections"]}


def _date(day: datetime.date) -> str:
    with translation.override("en"):
        return date_format(day, "DATE_FORMAT")


# --- The registry ---------------------------------------------------------------------------------


def test_every_app_registers_its_sections_in_page_order():
    keys = [s.key for s in my_work.sections()]
    assert keys == [
        "sectors.shortcuts",
        "program_cycle",
        "meetings",
        "sectors.roles",
        "sectors.coordination",
        "sectors.co_leads",
        "sectors.taking_part",
    ]


@pytest.fixture
def section_template(tmp_path, settings):
    """A template folder of an app that does not exist yet."""
    (tmp_path / "newapp").mkdir()
    (tmp_path / "newapp" / "_my_work.html").write_text(
        '<section id="newapp-work">{{ greeting }}, {{ request.user.full_name }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]


@pytest.fixture
def registry(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(my_work, "_SECTIONS", dict(my_work._SECTIONS))


def test_a_section_an_app_registers_appears_on_the_page_in_its_place(
    client, personas, section_template, registry
):
    # given
    my_work.register(
        "newapp",
        template="newapp/_my_work.html",
        context=lambda user: {"greeting": f"{user.email} has news"},
        order=45,
    )
    # when
    response = _page(client, personas["partner"])
    # then: rendered with its own variables and the page's (request), between roles and partners
    assert '<section id="newapp-work">partner@rda.example has news, Partner</section>' in (
        response.text
    )
    assert response.text.index('id="my-roles"') < response.text.index('id="newapp-work"')
    assert response.text.index('id="newapp-work"') < response.text.index('id="my-taking-part"')


def test_a_section_with_nothing_for_the_user_is_left_out(
    client, personas, section_template, registry
):
    # given
    my_work.register(
        "newapp",
        template="newapp/_my_work.html",
        context=lambda user: {"greeting": "hi"} if user.is_superuser else None,
        order=45,
    )
    # when
    partner, admin = _page(client, personas["partner"]), _page(client, personas["admin"])
    # then
    assert "newapp" not in _shown(partner)
    assert 'id="newapp-work"' not in partner.text
    assert 'id="newapp-work"' in admin.text


def test_registering_a_key_again_replaces_the_section(registry):
    my_work.register("newapp", template="a.html", context=lambda user: {}, order=1)
    my_work.register("newapp", template="b.html", context=lambda user: {}, order=99)
    assert [s.template for s in my_work.sections() if s.key == "newapp"] == ["b.html"]
    assert my_work.sections()[-1].key == "newapp"


# --- Where My work lives ---------------------------------------------------------------------------


def test_my_work_is_a_kit_url_and_the_old_address_redirects_to_it(client, personas):
    # given
    client_for(client, personas["partner"])
    # when
    old = client.get(reverse("sectors:manage-home"))
    # then
    assert reverse("my-work") == "/en/my-work/"
    assert (old.status_code, old.url) == (302, "/en/my-work/")


def test_logging_in_lands_on_my_work(client, personas):
    response = client.post(
        reverse("login"), {"username": personas["partner"].email, "password": PASSWORD}
    )
    assert (response.status_code, response.url) == (302, reverse("my-work"))


def test_anonymous_is_asked_to_log_in(client):
    response = client.get(reverse("my-work"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_menu_offers_my_work_to_everyone_signed_in_and_it_counts_unread_messages(
    client, personas
):
    # given: an account without any role, with two messages
    outsider = personas["outsider"]
    notification_send(recipients=[outsider], subject="One")
    notification_send(recipients=[outsider], subject="Two")
    # when
    response = _page(client, outsider)
    # then
    assert f'href="{reverse("my-work")}" aria-current="page"' in response.text
    assert response.context["unread"] == 2
    assert reverse("inbox") in response.text and reverse("api-token") in response.text
    # the clearance queue and the tasks stay for those with a role
    assert reverse("program_cycle:queue") not in response.text
    assert {"program_cycle", "meetings"}.isdisjoint(_shown(response))


# --- Each role's sections ----------------------------------------------------------------------


def test_a_focal_point_sees_their_organizations_seats_co_coordinators_and_terms_ending(
    client, world, personas
):
    # given: the NGO co-leads Regional Health; its co-coordinator's term ends in 30 days,
    # the seat's own in 90 (outside the 60-day window)
    today = timezone.localdate()
    world.ngo_coordinator.term_end = today + datetime.timedelta(days=30)
    world.ngo_coordinator.save()
    world.ngo_health.term_end = today + datetime.timedelta(days=90)
    world.ngo_health.save()
    # when
    response = _page(client, personas["focal_point"])
    # then
    seats = _shown(response)["sectors.co_leads"]
    assert seats["seats"] == [world.ngo_health]
    assert seats["seats"][0].co_coordinators_shown == [world.ngo_coordinator]
    assert [(i["designation"], i["ends_on"]) for i in seats["ending"]] == [
        (world.ngo_coordinator, today + datetime.timedelta(days=30))
    ]
    html = response.text
    assert "Co-lead seats of your organization" in html
    assert "Terms ending within 60 days" in html
    assert (
        f"Luis Gómez, co-coordinator for CS in Health · Regional Platform: ends on "
        f"{_date(today + datetime.timedelta(days=30))}"
    ) in html
    assert f"?co_lead={world.ngo_health.pk}" in html
    assert reverse("sectors:sector-manage", args=[world.regional_health.pk]) in html
    # not the team's cards, nor another organization's seat
    assert reverse("sectors:governance") not in html
    assert "UNHCR" not in html
    assert _shown(response)["sectors.shortcuts"]["open_notices"] == 0


def test_a_focal_point_is_told_of_a_seat_whose_term_has_passed_while_still_open(
    client, world, personas
):
    # given
    world.ngo_health.term_end = timezone.localdate() - datetime.timedelta(days=3)
    world.ngo_health.save()
    # when
    ending = _shown(_page(client, personas["focal_point"]))["sectors.co_leads"]["ending"]
    # then
    assert [i["designation"] for i in ending] == [world.ngo_health]


def test_a_partner_sees_the_sectors_their_organization_takes_part_in(client, world, personas):
    # given: Red de Apoyo is a partner of Regional Health, and left Colombia Health
    PartnerFactory(
        platform_sector=world.colombia_health,
        organization=world.partner_org,
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    # when
    response = _page(client, personas["partner"])
    # then
    memberships = _shown(response)["sectors.taking_part"]["memberships"]
    assert [m.platform_sector for m in memberships] == [world.regional_health]
    assert f'href="{world.regional_health.get_absolute_url()}"' in response.text
    assert reverse("sectors:sector-manage", args=[world.regional_health.pk]) in response.text
    assert world.colombia_health.get_absolute_url() not in response.text
    assert {"sectors.co_leads", "sectors.coordination"}.isdisjoint(_shown(response))


def test_a_co_coordinator_sees_their_sector_their_term_and_their_tasks(client, world, personas):
    # given
    world.ngo_coordinator.term_end = datetime.date(2027, 6, 30)
    world.ngo_coordinator.save()
    # when
    response = _page(client, personas["co_coordinator"])
    # then
    coordination = _shown(response)["sectors.coordination"]
    assert [item["ps"] for item in coordination["coordinated"]] == [world.regional_health]
    assert coordination["coordinated"][0]["designation"] == world.ngo_coordinator
    html = response.text
    assert reverse("sectors:sector-page-edit", args=[world.regional_health.pk]) in html
    assert world.regional_health.get_absolute_url() in html
    assert f"term ends on {_date(datetime.date(2027, 6, 30))}" in html
    assert 'id="program-cycle-work"' in html and 'id="my-meetings"' in html
    assert "sectors.shortcuts" not in _shown(response)


def test_the_regional_team_sees_governance_organizations_and_every_platform(
    client, world, personas
):
    response = _page(client, personas["regional"])
    html = response.text
    shortcuts = _shown(response)["sectors.shortcuts"]
    assert shortcuts["can_govern"] and shortcuts["can_manage_organizations"]
    assert reverse("sectors:governance") in html
    assert reverse("sectors:organization-manage-list") in html
    assert reverse("sectors:change-notice-create") in html
    assert _shown(response)["sectors.coordination"]["platforms"] == [world.regional, world.colombia]
    for code in ("regional", "colombia"):
        assert reverse("sectors:platform-manage", args=[code]) in html


def test_a_platform_team_member_sees_only_their_platform(client, world, personas):
    response = _page(client, personas["platform_team"])
    assert _shown(response)["sectors.coordination"]["platforms"] == [world.colombia]
    assert reverse("sectors:platform-manage", args=["regional"]) not in response.text


def test_someone_without_any_role_is_told_whom_to_ask(client, world, personas):
    # given: the Regional Platform publishes a contact address
    world.regional.contact_email = "coordination@r4v.example"
    world.regional.save()
    # when
    response = _page(client, personas["outsider"])
    # then
    roles = _shown(response)["sectors.roles"]
    assert (roles["roles"], roles["ended"]) == ([], None)
    assert roles["team"] == [personas["regional"]]
    html = response.text
    assert "You hold no role yet." in html
    assert "Roles are given by the Regional Platform team" in html
    assert "The Regional Platform team: Team" in html
    assert 'href="mailto:coordination@r4v.example"' in html
    assert set(_shown(response)) == {"sectors.roles"}


def test_a_partner_who_lost_their_last_role_is_told_which_ended_and_when(client, world, personas):
    # given
    partner = personas["partner"]
    assignment = RoleAssignment.objects.get(user=partner, revoked_at__isnull=True)
    services.role_revoke(assignment=assignment, by=personas["regional"])
    # when
    response = _page(client, partner)
    # then
    ended = _shown(response)["sectors.roles"]["ended"]
    assert (ended.assignment, ended.ended_on, ended.recorded_by) == (
        assignment,
        timezone.localdate(),
        personas["regional"],
    )
    html = response.text
    assert (
        f"Your role as Partner organization member (RDA) ended on {_date(timezone.localdate())}."
    ) in html
    assert "Recorded by Team: Role revoked" in html
    assert "You hold no role yet." not in html
    assert "sectors.taking_part" not in _shown(response)


def test_a_co_coordinator_whose_designation_ended_is_told_the_day_and_the_reason(
    client, world, personas
):
    # given: their designation ended last week, recorded today with a reason
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    services.co_coordinator_end(
        designation=world.ngo_coordinator,
        ended_on=last_week,
        by=personas["regional"],
        reason="Luis moves to the Colombia office.",
    )
    # when
    response = _page(client, personas["co_coordinator"])
    # then: the day is the designation's, not the day the role was revoked
    assert _shown(response)["sectors.roles"]["ended"].ended_on == last_week
    assert (
        f"Your role as Sector co-coordinator (Health · Regional Platform) ended on "
        f"{_date(last_week)}."
    ) in response.text
    assert "Recorded by Team: Luis moves to the Colombia office." in response.text
    assert "sectors.coordination" not in _shown(response)


def test_the_page_answers_in_spanish_too(client, personas):
    with translation.override("es"):
        url = reverse("my-work")
    response = client_for(client, personas["outsider"]).get(url)
    assert response.status_code == 200
    assert '<html lang="es">' in response.text
    assert "Mi trabajo" in response.text


# --- Query counts at two sizes -----------------------------------------------------------------


def _queries(client, user) -> int:
    client_for(client, user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("my-work")).status_code == 200
    return len(ctx.captured_queries)


def _new_sector(world, n: int):
    return PlatformSectorFactory(
        platform=world.regional, sector=SectorFactory(code=f"extra-{n}", position=20 + n)
    )


def _more_seats(world, count: int) -> None:
    """More seats for the focal point's NGO, each with a co-coordinator ending soon."""
    for n in range(count):
        seat = CoLeadFactory(platform_sector=_new_sector(world, n), organization=world.ngo)
        CoCoordinatorFactory(
            co_lead=seat, term_end=timezone.localdate() + datetime.timedelta(days=10)
        )


def _more_partnerships(world, count: int) -> None:
    for n in range(count):
        PartnerFactory(platform_sector=_new_sector(world, n), organization=world.partner_org)


def _more_coordinated(world, user, count: int) -> None:
    for n in range(count):
        ps = _new_sector(world, n)
        CoCoordinatorFactory(co_lead=CoLeadFactory(platform_sector=ps), person=user)
        _role_grant(user=user, role=Role.CO_COORDINATOR, platform_sector=ps, by=system_user())


def _more_platform_team_roles(world, user, count: int) -> None:
    from ..factories import PlatformFactory

    for n in range(count):
        _role_grant(
            user=user,
            role=Role.PLATFORM_TEAM,
            platform=PlatformFactory(code=f"extra-platform-{n}"),
            by=system_user(),
        )


GROW = {
    "focal_point": lambda world, user: _more_seats(world, 4),
    "partner": lambda world, user: _more_partnerships(world, 4),
    "co_coordinator": lambda world, user: _more_coordinated(world, user, 4),
    "platform_team": lambda world, user: _more_platform_team_roles(world, user, 4),
}


@pytest.mark.parametrize("persona", sorted(GROW))
def test_my_work_costs_the_same_queries_with_one_or_five_seats(client, world, personas, persona):
    # given: one seat, sector, partnership or platform
    user = personas[persona]
    one = _queries(client, user)
    # when: five
    GROW[persona](world, user)
    five = _queries(client, user)
    # then
    assert one == five, (persona, one, five)


def test_a_lost_role_costs_a_fixed_number_of_queries(client, world, personas):
    # given: a partner whose role ended, once and then after four more roles came and went
    partner = personas["partner"]
    services.role_revoke(
        assignment=RoleAssignment.objects.get(user=partner, revoked_at__isnull=True),
        by=personas["regional"],
    )
    one = _queries(client, partner)
    for _n in range(4):
        assignment = _role_grant(
            user=partner,
            role=Role.PARTNER_MEMBER,
            organization=OrganizationFactory(),
            by=system_user(),
        )
        services.role_revoke(assignment=assignment, by=personas["regional"])
    # when
    five = _queries(client, partner)
    # then
    assert one == five

"""Attendance by organization after a sitting, and the quorum of seed 001 ("A quorum is reached
with the attendance of half of the members"): the service, the pages, the API."""

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Attendance, Minutes
from meetings.services import Attended
from r4v.errors import DomainError, NotAllowed

from ..conftest import api_for, client_for
from ..factories import OrganizationFactory, PartnerFactory
from .conftest import future, schedule


@pytest.fixture
def body(cal):
    """Regional Health with ten members (co-leads UNHCR and CS, partner RDA, seven more
    partners) and a monthly meeting held two days ago, IOM invited as a guest."""
    world = cal.world
    extra = [OrganizationFactory(name=f"Partner {i}", acronym=f"P{i}") for i in range(7)]
    for org in extra:
        PartnerFactory(platform_sector=world.regional_health, organization=org)
    members = [world.unhcr, world.ngo, world.partner_org, *extra]
    meeting = schedule(
        cal.regional_team,
        platform_sector=world.regional_health,
        title="Health monthly",
        start_local=future(-2, 10),
        end_local=future(-2, 11),
        invited_organizations=[world.iom],
    )
    return meeting, meeting.occurrences.get(), members


def _record(sitting, orgs, by, **kwargs):
    return services.attendance_record(
        occurrence=sitting, attended=[Attended(o, **kwargs) for o in orgs], by=by
    )


def _sheet(sitting):
    from meetings import quorum

    return quorum.sheet_for(sitting)


# --- The service and the quorum -------------------------------------------------------------------


def test_six_of_ten_members_reach_the_quorum_of_five(cal, body):
    # given
    meeting, sitting, members = body
    # when six members attend
    _record(sitting, members[:6], cal.regional_team)
    # then
    q = _sheet(sitting).quorum
    assert (q.members, q.needed, q.attended, q.reached) == (10, 5, 6, True)
    assert q.sentence() == ("Quorum reached: 6 of 10 member organizations attended (quorum 5).")


def test_four_of_ten_do_not_reach_it_and_a_guest_does_not_count(cal, body):
    # given
    meeting, sitting, members = body
    # when four members and the invited guest IOM attend
    _record(sitting, [*members[:4], cal.world.iom], cal.regional_team)
    # then the guest is on the record but not in the count
    sheet = _sheet(sitting)
    assert sheet.quorum.sentence() == (
        "Quorum not reached: 4 of 10 member organizations attended (quorum 5)."
    )
    assert {str(line.organization) for line in sheet.attended if not line.is_member} == {"IOM"}


def test_half_of_an_odd_number_of_members_rounds_up(cal, body):
    # given nine members (one partner left before the sitting)
    meeting, sitting, members = body
    membership = members[-1].memberships.get()
    membership.left_on = datetime.date(2026, 2, 1)
    membership.save(update_fields=["left_on"])
    # when four attend
    _record(sitting, members[:4], cal.regional_team)
    # then half of nine is five
    q = _sheet(sitting).quorum
    assert (q.members, q.needed, q.reached) == (9, 5, False)


def test_before_attendance_is_recorded_the_quorum_is_announced_not_judged(cal, body):
    meeting, sitting, members = body
    assert _sheet(sitting).quorum.sentence() == (
        "Attendance not recorded yet; the quorum is 5 of 10 member organizations."
    )


def test_a_workshop_has_participants_not_members_and_shows_no_quorum(cal):
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        kind="workshop",
        start_local=future(-1, 10),
        end_local=future(-1, 11),
    )
    sitting = meeting.occurrences.get()
    _record(sitting, [cal.world.unhcr], cal.regional_team)
    sheet = _sheet(sitting)
    assert sheet.quorum is None
    assert [str(line.organization) for line in sheet.attended] == ["UNHCR"]


def test_recording_again_replaces_the_record_and_each_change_is_in_the_history(cal, body):
    # given UNHCR and CS recorded
    meeting, sitting, members = body
    team = cal.regional_team
    _record(sitting, members[:2], team)
    # when the record is corrected: CS out, UNHCR with two named people
    services.attendance_record(
        occurrence=sitting,
        attended=[Attended(cal.world.unhcr, people=2, names="  Ana Pérez, Juan Ruiz ")],
        by=team,
    )
    # then
    row = Attendance.objects.get()
    assert (row.organization, row.people, row.names) == (cal.world.unhcr, 2, "Ana Pérez, Juan Ruiz")
    history = Attendance.history.order_by("history_id")
    assert [(h.organization_id, h.history_type) for h in history] == [
        (members[0].pk, "+"),
        (members[1].pk, "+"),
        (members[1].pk, "-"),
        (members[0].pk, "~"),
    ]
    assert {h.history_user for h in history} == {team}
    assert {h.history_change_reason for h in history} == {"Attendance recorded"}


def test_an_organization_neither_invited_nor_a_member_is_refused_and_nothing_is_written(cal, body):
    meeting, sitting, members = body
    stranger = OrganizationFactory(name="Stranger", acronym="STR")
    with pytest.raises(DomainError) as error:
        _record(sitting, [members[0], stranger], cal.regional_team)
    assert error.value.code == "not_invited"
    assert "STR was not invited" in error.value.detail
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("problem", ["future", "cancelled", "final"])
def test_attendance_of_a_future_cancelled_or_closed_sitting_is_refused(cal, body, problem):
    # given
    meeting, sitting, members = body
    team = cal.regional_team
    code = {"future": "not_started", "cancelled": "occurrence_cancelled", "final": "minutes_final"}
    if problem == "future":
        sitting = schedule(
            team,
            platform_sector=cal.world.regional_health,
            start_local=future(3, 10),
            end_local=future(3, 11),
        ).occurrences.get()
    elif problem == "cancelled":
        services.meeting_cancel(meeting=meeting, by=team)
    else:
        minutes = services.minutes_save(occurrence=sitting, by=team, key_topics="Funding")
        services.minutes_circulate(minutes=minutes, by=team)
        services.minutes_finalize(minutes=minutes, by=team)
    # when / then
    with pytest.raises(DomainError) as error:
        _record(sitting, members[:1], team)
    assert error.value.code == code[problem]
    assert not Attendance.objects.exists()


def test_a_partner_may_not_record_attendance(cal, body):
    meeting, sitting, members = body
    with pytest.raises(NotAllowed):
        _record(sitting, members[:1], cal.personas["partner"])
    assert not Attendance.objects.exists()


def test_the_same_organization_twice_is_refused(cal, body):
    meeting, sitting, members = body
    with pytest.raises(DomainError) as error:
        _record(sitting, [members[0], members[0]], cal.regional_team)
    assert error.value.code == "duplicate"


# --- Pages -----------------------------------------------------------------------------------


def test_the_attendance_page_records_and_says_whether_the_quorum_was_reached(client, cal, body):
    # given
    meeting, sitting, members = body
    c = client_for(client, cal.personas["co_coordinator"])
    url = reverse("meetings:attendance-edit", args=[sitting.pk])
    form = {f"org_{o.pk}": "on" for o in members[:6]}
    form |= {f"people_{o.pk}": "1" for o in members} | {f"people_{cal.world.iom.pk}": "1"}
    form[f"names_{members[0].pk}"] = "Ana Pérez"
    # when
    response = c.post(url, form, follow=True)
    # then
    html = response.content.decode()
    assert "Quorum reached: 6 of 10 member organizations attended (quorum 5)." in html
    assert Attendance.objects.get(organization=members[0]).names == "Ana Pérez"
    assert Attendance.objects.count() == 6
    # and the meeting page and the minutes show it
    detail = c.get(meeting.get_absolute_url()).content.decode()
    assert "Quorum reached: 6 of 10" in detail
    minutes = c.get(reverse("meetings:minutes-edit", args=[sitting.pk])).content.decode()
    assert "Quorum reached: 6 of 10" in minutes and "Ana Pérez" in minutes


def test_the_minutes_warn_when_the_quorum_was_not_reached(client, cal, body):
    meeting, sitting, members = body
    _record(sitting, members[:2], cal.regional_team)
    html = (
        client_for(client, cal.regional_team)
        .get(reverse("meetings:minutes-edit", args=[sitting.pk]))
        .content.decode()
    )
    assert "Quorum not reached: 2 of 10" in html
    assert 'id="quorum-warning"' in html


def test_a_refused_attendance_is_a_form_error_and_writes_nothing(client, cal, body):
    meeting, sitting, members = body
    response = client_for(client, cal.regional_team).post(
        reverse("meetings:attendance-edit", args=[sitting.pk]),
        {f"org_{members[0].pk}": "on", f"people_{members[0].pk}": "0"},
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner", 403)])
def test_the_attendance_page_is_404_outside_scope_and_403_to_readers(
    client, cal, body, persona, status
):
    meeting, sitting, members = body
    c = client_for(client, cal.personas[persona])
    url = reverse("meetings:attendance-edit", args=[sitting.pk])
    assert c.get(url).status_code == status
    assert c.post(url, {f"org_{members[0].pk}": "on"}).status_code == status
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("extra", [0, 20])
def test_the_attendance_page_takes_the_same_queries_for_3_or_23_organizations(
    client, cal, extra, django_assert_num_queries
):
    for i in range(extra):
        PartnerFactory(
            platform_sector=cal.world.regional_health,
            organization=OrganizationFactory(name=f"Org {i}", acronym=f"O{i}"),
        )
    meeting = schedule(
        cal.regional_team,
        platform_sector=cal.world.regional_health,
        start_local=future(-2, 10),
        end_local=future(-2, 11),
    )
    sitting = meeting.occurrences.get()
    c = client_for(client, cal.regional_team)
    url = reverse("meetings:attendance-edit", args=[sitting.pk])
    c.get(url)
    with django_assert_num_queries(_attendance_queries):
        html = c.get(url).content.decode()
    assert html.count('class="roll-line"') == 3 + extra


# + 1: django-otp reads the device that verified the session (r4v/mfa.py).
_attendance_queries = 11


@pytest.mark.parametrize("weeks", [2, 10])
def test_the_meeting_page_shows_each_sittings_quorum_in_the_same_queries(
    client, cal, weeks, django_assert_num_queries
):
    # given a weekly series, all held, with attendance recorded at each sitting
    team = cal.regional_team
    meeting = schedule(
        team,
        platform_sector=cal.world.regional_health,
        start_local=future(-7 * weeks, 10),
        end_local=future(-7 * weeks, 11),
        rrule=f"FREQ=WEEKLY;COUNT={weeks}",
    )
    for sitting in meeting.occurrences.all():
        _record(sitting, [cal.world.unhcr, cal.world.ngo], team)
    c = client_for(client, team)
    c.get(meeting.get_absolute_url())
    with django_assert_num_queries(_detail_queries):
        html = c.get(meeting.get_absolute_url()).content.decode()
    assert html.count("Quorum reached: 2 of 3 member organizations attended (quorum 2).") == weeks


# + 1: django-otp reads the device that verified the session (r4v/mfa.py).
_detail_queries = 12


# --- API -------------------------------------------------------------------------------------


def test_the_api_records_attendance_and_answers_the_sheet(cal, body):
    # given
    meeting, sitting, members = body
    api = api_for(cal.personas["co_coordinator"])
    url = reverse("occurrence-attendance", args=[sitting.pk])
    # when
    response = api.post(
        url,
        {
            "attended": [{"organization": o.pk} for o in members[:5]]
            + [{"organization": cal.world.iom.pk, "people": 2, "names": "Jo"}]
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body_ = response.json()
    assert body_["quorum"] == {
        "members": 10,
        "needed": 5,
        "attended": 5,
        "recorded": True,
        "reached": True,
        "sentence": "Quorum reached: 5 of 10 member organizations attended (quorum 5).",
    }
    iom = next(line for line in body_["roll"] if line["organization"] == cal.world.iom.pk)
    assert iom == {
        "organization": cal.world.iom.pk,
        "name": "International Organization for Migration",
        "acronym": "IOM",
        "is_member": False,
        "attended": True,
        "people": 2,
        "names": "Jo",
    }
    # and a reader of the meeting reads the same sheet
    read = api_for(cal.personas["partner"]).get(url)
    assert read.status_code == 200 and read.json() == body_


def test_the_api_refuses_bad_rows_with_field_errors_and_writes_nothing(cal, body):
    meeting, sitting, members = body
    api = api_for(cal.regional_team)
    url = reverse("occurrence-attendance", args=[sitting.pk])
    bad = api.post(
        url,
        {
            "attended": [
                {"organization": members[0].pk},
                {"organization": members[1].pk, "people": 0},
            ]
        },
        format="json",
    )
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["attended[1].people"]
    stranger = OrganizationFactory(name="Stranger", acronym="STR")
    refused = api.post(url, {"attended": [{"organization": stranger.pk}]}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "not_invited"
    assert not Attendance.objects.exists()
    assert not Minutes.objects.exists()


@pytest.mark.parametrize(
    ("persona", "get_status", "post_status"),
    [("anonymous", 401, 401), ("outsider", 404, 404), ("partner", 200, 403)],
)
def test_the_attendance_api_per_identity(cal, body, persona, get_status, post_status):
    meeting, sitting, members = body
    api = api_for(cal.personas[persona])
    url = reverse("occurrence-attendance", args=[sitting.pk])
    assert api.get(url).status_code == get_status
    posted = api.post(url, {"attended": [{"organization": members[0].pk}]}, format="json")
    assert posted.status_code == post_status
    assert not Attendance.objects.exists()

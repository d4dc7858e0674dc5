"""Change-notice pages, by persona (My work, the inbox and API tokens: tests/r4v/).

For every page and every POST, each persona gets the status it should; on denial nothing in the
database changes and nothing is scheduled after commit.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from r4v.models import ApiToken, Notification
from sectors import services
from sectors.models import ChangeNotice, CoCoordinatorDesignation, CoLeadDesignation, RoleAssignment

from ..conftest import PERSONAS, REGIONAL, client_for, own_callbacks
from ..factories import (
    CoCoordinatorFactory,
    UserFactory,
)

Kind = ChangeNotice.Kind
Status = ChangeNotice.Status
DECIDERS = REGIONAL


@pytest.fixture
def notice(world, personas):
    """A replacement of the NGO's co-coordinator, filed by the NGO's focal point."""
    return services.change_notice_file(
        co_lead=world.ngo_health,
        kind=Kind.COORDINATOR_REPLACED,
        outgoing=world.ngo_coordinator,
        incoming_name="Marta Díaz",
        incoming_email="marta.diaz@cs.example",
        effective_on=timezone.localdate(),
        reason="Luis moves to the Colombia office.",
        by=personas["focal_point"],
    )


def _state():
    """Everything a denied request must leave as it was."""
    return (
        list(
            ChangeNotice.objects.order_by("pk").values_list(
                "pk", "status", "decided_by", "decision_comment"
            )
        ),
        ChangeNotice.history.count(),
        list(CoCoordinatorDesignation.objects.order_by("pk").values_list("pk", "ended_on")),
        list(CoLeadDesignation.objects.order_by("pk").values_list("pk", "ended_on")),
        list(RoleAssignment.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(ApiToken.objects.values_list("user", "prefix")),
    )


def _replacement_form(world, **overrides):
    data = {
        "co_lead": world.ngo_health.pk,
        "kind": Kind.COORDINATOR_REPLACED,
        "outgoing": world.ngo_coordinator.pk,
        "incoming_name": "Marta Díaz",
        "incoming_email": "marta.diaz@cs.example",
        "incoming_gender": "woman",
        "incoming_speaks_spanish": "on",
        "effective_on": timezone.localdate().isoformat(),
        "reason": "Luis moves to the Colombia office.",
    }
    data.update(overrides)
    return data


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- GET pages x personas ---------------------------------------------------------------------------------


PAGE_STATUS = {
    # page: statuses in the order of PERSONAS
    "change-notice-list": [302, 200, 200, 200, 200, 200, 200, 200],
    "change-notice-create": [302, 403, 403, 200, 403, 403, 200, 200],
    "change-notice-detail": [302, 404, 404, 200, 404, 404, 200, 200],
}


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        (page, persona, status)
        for page, statuses in PAGE_STATUS.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ],
)
def test_each_page_answers_each_persona(client, personas, notice, page, persona, status):
    # given
    url = reverse(f"sectors:{page}", args=[notice.pk] if page == "change-notice-detail" else [])
    before = _state()
    # when
    response = client_for(client, personas[persona]).get(url)
    # then
    if status == 302:
        _assert_login_redirect(response)
    else:
        assert response.status_code == status
    assert _state() == before


# --- POSTs x personas ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["acknowledge", "apply", "decline"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_regional_team_decides_a_change_notice(
    client, personas, notice, persona, decision, django_capture_on_commit_callbacks
):
    # given
    url = reverse("sectors:change-notice-decide", args=[notice.pk, decision])
    before = _state()
    # when
    with django_capture_on_commit_callbacks() as scheduled:
        response = client_for(client, personas[persona]).post(
            url, {"comment": "Checked with the co-lead.", "confirmed": "yes"}
        )
    # then
    if persona == "anonymous":
        _assert_login_redirect(response)
    elif persona in DECIDERS:
        assert response.status_code == 302
        assert response.url == reverse("sectors:change-notice-detail", args=[notice.pk])
        notice.refresh_from_db()
        assert (
            notice.status
            == {
                "acknowledge": Status.ACKNOWLEDGED,
                "apply": Status.APPLIED,
                "decline": Status.DECLINED,
            }[decision]
        )
        assert notice.decided_by == personas[persona]
        # The filer's e-mail; applying also invites the incoming co-coordinator, who is new.
        assert len(own_callbacks(scheduled)) == (2 if decision == "apply" else 1)
        return
    else:
        # The focal point sees the notice but may not decide; others do not see it at all.
        assert response.status_code == (403 if persona == "focal_point" else 404)
    assert _state() == before
    assert scheduled == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_filing_a_change_notice_by_persona(
    client, world, personas, persona, django_capture_on_commit_callbacks
):
    # given
    before = _state()
    # when
    with django_capture_on_commit_callbacks() as scheduled:
        response = client_for(client, personas[persona]).post(
            reverse("sectors:change-notice-create"), _replacement_form(world)
        )
    # then
    if persona in {"focal_point", "regional", "admin"}:
        filed = ChangeNotice.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("sectors:change-notice-detail", args=[filed.pk])
        assert filed.filed_by == personas[persona]
        assert len(own_callbacks(scheduled)) == 1  # the Regional Platform team's e-mails
        return
    if persona == "anonymous":
        _assert_login_redirect(response)
    else:
        assert response.status_code == 403
    assert _state() == before
    assert scheduled == []


# --- Change notice pages ------------------------------------------------------------------------------------


def test_the_form_names_the_field_when_the_outgoing_co_coordinator_is_foreign(
    client, world, personas
):
    # given: the team posts UNHCR's co-coordinator on the NGO's co-lead
    client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:change-notice-create"),
        _replacement_form(world, outgoing=world.unhcr_coordinator.pk),
    )
    # then: the service's own error, on the field
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "outgoing": ["Choose a current co-coordinator designated by this co-lead."]
    }
    assert "is-invalid" in response.content.decode()
    assert not ChangeNotice.objects.exists()


def test_a_focal_point_cannot_post_another_organizations_co_coordinator(client, world, personas):
    # given
    client_for(client, personas["focal_point"])
    # when: an id forged by hand, outside the choices the focal point was shown
    response = client.post(
        reverse("sectors:change-notice-create"),
        _replacement_form(world, outgoing=world.unhcr_coordinator.pk),
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["outgoing"]
    assert not ChangeNotice.objects.exists()


def test_a_focal_point_cannot_post_another_organizations_co_lead(client, world, personas):
    client_for(client, personas["focal_point"])
    response = client.post(
        reverse("sectors:change-notice-create"),
        _replacement_form(
            world, co_lead=world.unhcr_health.pk, outgoing=world.unhcr_coordinator.pk
        ),
    )
    assert response.status_code == 200
    assert "co_lead" in response.context["form"].errors
    assert not ChangeNotice.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"incoming_email": ""}, "incoming_email", "Give the incoming co-coordinator's e-mail."),
        ({"incoming_email": "not-an-address"}, "incoming_email", "Enter a valid email address."),
        (
            {"effective_on": "2025-12-31"},
            "effective_on",
            "The change cannot take effect before the co-lead's term started.",
        ),
        ({"effective_on": "31/31/2026"}, "effective_on", "Enter a valid date."),
        ({"reason": ""}, "reason", "This field is required."),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field_and_writes_nothing(
    client, world, personas, overrides, field, message
):
    # given
    client_for(client, personas["focal_point"])
    # when
    response = client.post(
        reverse("sectors:change-notice-create"), _replacement_form(world, **overrides)
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not ChangeNotice.objects.exists()
    assert not Notification.objects.exists()


def test_the_form_lists_only_the_co_leads_and_co_coordinators_a_focal_point_acts_for(
    client, world, personas
):
    # when
    response = client_for(client, personas["focal_point"]).get(
        reverse("sectors:change-notice-create")
    )
    # then
    form = response.context["form"]
    assert list(form.fields["co_lead"].queryset) == [world.ngo_health]
    assert list(form.fields["outgoing"].queryset) == [world.ngo_coordinator]


def test_choosing_a_co_lead_reloads_its_co_coordinators_with_htmx(client, world, personas):
    # given
    second = CoCoordinatorFactory(
        co_lead=world.unhcr_health, person=UserFactory(full_name="Sara Vega")
    )
    client_for(client, personas["regional"])
    url = reverse("sectors:change-notice-create") + f"?co_lead={world.unhcr_health.pk}"
    # when
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "outgoing-field"})
    # then: only the fragment, with UNHCR's two co-coordinators
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="outgoing-field"' in html
    assert list(response.context["form"].fields["outgoing"].queryset) == [
        world.unhcr_coordinator,
        second,
    ]
    assert "Luis Gómez" not in html
    # and without htmx the same address is the whole page, pre-filled
    page = client.get(url)
    assert "<html" in page.content.decode()
    assert page.context["form"].initial["co_lead"] == world.unhcr_health


def test_the_list_shows_each_persona_what_it_may_see(client, world, personas, notice):
    # given: a notice about UNHCR that the NGO's focal point must not see
    other = services.change_notice_file(
        co_lead=world.unhcr_health,
        kind=Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=timezone.localdate(),
        reason="Restructuring.",
        by=personas["regional"],
    )
    url = reverse("sectors:change-notice-list")
    # when / then
    assert list(client_for(client, personas["regional"]).get(url).context["page"]) == [
        other,
        notice,
    ]
    client.logout()
    assert list(client_for(client, personas["focal_point"]).get(url).context["page"]) == [notice]
    client.logout()
    outsider = client_for(client, personas["outsider"]).get(url)
    assert list(outsider.context["page"]) == []
    assert 'id="no-notices"' in outsider.content.decode()


def test_the_team_filters_the_list_by_status(client, personas, notice):
    client_for(client, personas["regional"])
    url = reverse("sectors:change-notice-list")
    assert list(client.get(url, {"status": "filed"}).context["page"]) == [notice]
    assert list(client.get(url, {"status": "applied"}).context["page"]) == []
    assert list(client.get(url, {"status": "nonsense"}).context["page"]) == [notice]


def test_the_detail_page_shows_the_decision_forms_only_to_the_team(client, personas, notice):
    url = reverse("sectors:change-notice-detail", args=[notice.pk])
    team = client_for(client, personas["regional"]).get(url)
    assert (
        reverse("sectors:change-notice-decide", args=[notice.pk, "apply"]) in team.content.decode()
    )
    assert team.context["show_history"] is True
    client.logout()
    focal = client_for(client, personas["focal_point"]).get(url)
    assert (
        reverse("sectors:change-notice-decide", args=[notice.pk, "apply"])
        not in focal.content.decode()
    )
    assert "history" not in focal.context
    assert "Marta Díaz" in focal.content.decode()


def test_an_unknown_decision_is_not_found_and_a_get_is_refused(client, personas, notice):
    client_for(client, personas["regional"])
    before = _state()
    assert (
        client.post(
            reverse("sectors:change-notice-decide", args=[notice.pk, "approve"])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("sectors:change-notice-decide", args=[notice.pk, "apply"])).status_code
        == 405
    )
    assert (
        client.post(
            reverse("sectors:change-notice-decide", args=[notice.pk + 999, "apply"])
        ).status_code
        == 404
    )
    assert _state() == before


def test_applying_twice_through_the_page_shows_already_applied_and_changes_nothing(
    client, personas, notice
):
    # given
    client_for(client, personas["regional"])
    url = reverse("sectors:change-notice-decide", args=[notice.pk, "apply"])
    confirmed = {"confirmed": "yes", "comment": "Checked."}
    client.post(url, confirmed, follow=True)  # reads the success message
    before = _state()
    # when
    response = client.post(url, confirmed, follow=True)
    # then
    assert [str(m) for m in response.context["messages"]] == ["This notice is already applied."]
    assert _state() == before


def test_a_notice_not_yet_effective_is_refused_with_a_message(client, world, personas):
    # given
    effective = timezone.localdate() + datetime.timedelta(days=10)
    notice = services.change_notice_file(
        co_lead=world.ngo_health,
        kind=Kind.CO_LEAD_STEPPING_DOWN,
        effective_on=effective,
        reason="Programme closes next month.",
        by=personas["focal_point"],
    )
    client_for(client, personas["regional"])
    before = _state()
    # when
    response = client.post(
        reverse("sectors:change-notice-decide", args=[notice.pk, "apply"]),
        {"confirmed": "yes", "comment": "Checked."},
        follow=True,
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        f"This change takes effect on {effective.isoformat()}; apply it on or after that day."
    ]
    assert _state() == before


def test_declining_without_a_comment_is_refused_on_the_confirmation_step(client, personas, notice):
    client_for(client, personas["regional"])
    before = _state()
    response = client.post(
        reverse("sectors:change-notice-decide", args=[notice.pk, "decline"]),
        {"comment": "", "confirmed": "yes"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"comment"}
    assert _state() == before


@pytest.mark.parametrize("decision", ["apply", "decline"])
def test_applying_or_declining_asks_for_confirmation_and_a_reason_that_goes_into_the_history(
    client, personas, notice, decision
):
    # given
    client_for(client, personas["regional"])
    url = reverse("sectors:change-notice-decide", args=[notice.pk, decision])
    before = _state()
    # when: the detail page's button
    asked = client.post(url, {"comment": ""})
    # then: nothing happens until confirmed
    assert asked.status_code == 200
    assert 'name="confirmed" value="yes"' in asked.text and 'name="comment"' in asked.text
    assert _state() == before
    # when
    done = client.post(url, {"confirmed": "yes", "comment": "Agreed in the co-lead meeting."})
    # then
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.decision_comment == "Agreed in the co-lead meeting."
    assert notice.history.first().decision_comment == "Agreed in the co-lead meeting."

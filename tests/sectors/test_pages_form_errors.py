"""Forms show every error at once, in a summary at the top that takes the focus."""

import re

from django.urls import reverse

from ..conftest import client_for


def _summary(html: str) -> str:
    match = re.search(r'<div class="alert alert-danger form-error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_a_refused_form_lists_every_error_at_the_top_and_takes_the_focus(client, world, personas):
    # given
    client_for(client, personas["regional"])
    url = reverse("sectors:platform-manage", kwargs={"code": "colombia"})
    # when
    html = client.post(
        url, {"form": "contacts", "website": "not a url", "contact_email": "nope"}
    ).text
    # then
    summary = _summary(html)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert 'href="#id_website"' in summary and 'href="#id_contact_email"' in summary
    assert "parts of this form" in summary


def test_after_an_error_the_outgoing_list_offers_only_the_chosen_co_leads_co_coordinators(
    client, world, personas
):
    # given: the regional team may file about both co-leads of Regional Health
    client_for(client, personas["regional"])
    # when: a bad e-mail for a replacement at Caminos Solidarios
    response = client.post(
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": "coordinator_replaced",
            "outgoing": world.ngo_coordinator.pk,
            "incoming_name": "Marta Díaz",
            "incoming_email": "not-an-email",
            "effective_on": "2026-12-31",
            "reason": "Luis moves on.",
        },
    )
    # then
    assert response.status_code == 200
    offered = list(response.context["form"].fields["outgoing"].queryset)
    assert offered == [world.ngo_coordinator]
    assert "Ana Pérez" not in response.text
    assert 'href="#id_incoming_email"' in _summary(response.text)


def test_an_invalid_e_mail_and_a_date_before_the_co_leads_term_show_in_one_response(
    client, world, personas
):
    # given: the co-lead's term started on TERM_START; the notice dates from before it
    client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": "coordinator_replaced",
            "outgoing": world.ngo_coordinator.pk,
            "incoming_name": "Marta Díaz",
            "incoming_email": "not-an-email",
            "effective_on": "2000-01-01",
            "reason": "Luis moves on.",
        },
    )
    # then
    errors = response.context["form"].errors
    assert set(errors) == {"incoming_email", "effective_on"}
    assert errors["effective_on"] == [
        "The change cannot take effect before the co-lead's term started."
    ]
    summary = _summary(response.text)
    assert 'href="#id_incoming_email"' in summary and 'href="#id_effective_on"' in summary
    assert "autofocus" in summary


def test_a_missing_incoming_name_shows_beside_an_invalid_e_mail(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when: two errors of the service's rules and one of parsing, at once
    response = client.post(
        reverse("sectors:change-notice-create"),
        {
            "co_lead": world.ngo_health.pk,
            "kind": "coordinator_replaced",
            "incoming_email": "not-an-email",
            "effective_on": "2026-12-31",
            "reason": "Luis moves on.",
        },
    )
    # then: the e-mail's own error, not "give the e-mail", which waits for a valid one
    errors = response.context["form"].errors
    assert set(errors) == {"outgoing", "incoming_name", "incoming_email"}
    assert errors["incoming_email"] == ["Enter a valid email address."]

"""Bad input on the sector set-up pages (sectors/views/sector_setup.py): a form error naming
the field, nothing written, nothing left behind, nothing unescaped."""

import pytest
from django.urls import reverse

from r4v.models import User

from ..conftest import client_for
from .conftest import form_errors, snapshot

BAD_INPUT = [
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.iom.pk, "term_start": "2026-05-01", "term_end": "2026-04-30"},
        "term_end",
        id="co-lead-term-ends-before-it-starts",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.unhcr.pk, "term_start": "2026-05-01"},
        "organization",
        id="duplicate-active-co-lead",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": 999999, "term_start": "2026-05-01"},
        "organization",
        id="unknown-organization-id",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": "iom", "term_start": "2026-05-01"},
        "organization",
        id="organization-id-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:co-lead-create",
        lambda w: {"organization": w.iom.pk, "term_start": "next tuesday"},
        "term_start",
        id="date-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.partner_org.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "organization",
        id="co-coordinator-designated-by-a-non-co-lead",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
            "term_end": "2026-01-01",
        },
        "term_end",
        id="co-coordinator-term-ends-before-it-starts",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "S" * 151,
            "gender": "man",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "full_name",
        id="over-long-person-name",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "gender": "robot",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "gender",
        id="unknown-gender",
    ),
    pytest.param(
        "sectors:co-coordinator-create",
        lambda w: {
            "organization": w.unhcr.pk,
            "email": "ana.private@unhcr.example",
            "full_name": "Ana Pérez",
            "gender": "woman",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
        "email",
        id="person-already-co-coordinator-for-this-co-lead",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "interval_months": "two years"},
        "interval_months",
        id="interval-of-the-wrong-type",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "interval_months": "0"},
        "interval_months",
        id="interval-zero",
    ),
    pytest.param(
        "sectors:selection-procedure-edit",
        lambda w: {"procedure_en": "x", "last_selection_on": "2999-01-01"},
        "last_selection_on",
        id="last-selection-in-the-future",
    ),
    pytest.param(
        "sectors:sector-page-edit",
        lambda w: {"purpose_es": "x" * 4001},
        "purpose_es",
        id="over-long-purpose",
    ),
    pytest.param(
        "sectors:partner-create",
        lambda w: {"organization": w.partner_org.pk},
        "organization",
        id="partner-already-in-the-sector",
    ),
    pytest.param(
        "sectors:partner-create",
        lambda w: {"organization": w.partner_org.pk, "joined_on": "31/02/2026"},
        "joined_on",
        id="partner-date-that-does-not-exist",
    ),
]


@pytest.mark.parametrize(("url_name", "data", "field"), BAD_INPUT)
def test_bad_input_on_a_sector_form_is_a_form_error_naming_the_field_and_writes_nothing(
    client, world, personas, url_name, data, field
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(reverse(url_name, args=[world.regional_health.pk]), data(world))
    # then
    assert response.status_code == 200
    assert field in form_errors(response), form_errors(response)
    assert (
        'class="invalid-feedback d-block" id="id_' + field + '_error"' in response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize("url_name", ["sectors:co-lead-end", "sectors:co-coordinator-end"])
def test_ending_a_designation_before_its_term_starts_is_a_field_error(
    client, world, personas, url_name
):
    # given
    client = client_for(client, personas["regional"])
    pk = world.unhcr_health.pk if url_name == "sectors:co-lead-end" else world.unhcr_coordinator.pk
    before = snapshot()
    # when
    response = client.post(reverse(url_name, args=[pk]), {"ended_on": "2025-12-31"})
    # then
    assert response.status_code == 200
    assert "ended_on" in form_errors(response)
    assert snapshot() == before


def test_ending_a_designation_twice_is_a_form_error_not_a_500(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    client.post(
        reverse("sectors:co-coordinator-end", args=[world.unhcr_coordinator.pk]),
        {"ended_on": "2026-03-01"},
    )
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:co-coordinator-end", args=[world.unhcr_coordinator.pk]),
        {"ended_on": "2026-03-02"},
    )
    # then
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == ["This designation has already ended."]
    assert snapshot() == before


def test_a_person_created_for_a_refused_designation_is_not_left_behind(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    client.post(
        reverse("sectors:co-coordinator-create", args=[world.regional_health.pk]),
        {
            "organization": world.partner_org.pk,
            "email": "orphan@example.org",
            "full_name": "Orphan",
            "gender": "woman",
            "contact_email": "c@example.org",
            "term_start": "2026-05-01",
        },
    )
    # then
    assert not User.objects.filter(email="orphan@example.org").exists()


def test_html_in_the_purpose_is_escaped_on_the_sector_page(client, world, personas):
    # given
    client = client_for(client, personas["co_coordinator"])
    client.post(
        reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
        {"purpose_en": '<script>alert("x")</script><b>bold</b>'},
    )
    # when
    response = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk]))
    # then
    html = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert" not in html

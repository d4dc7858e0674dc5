"""Bad input through the API: 400 naming the field, nothing written, never a 500."""

import datetime

import pytest

from sectors.models import ChangeNotice

from ..conftest import api_for
from ..factories import PlatformSectorFactory
from .conftest import co_coordinator_body, co_lead_body, send, snapshot

BAD_INPUT = [
    # (id, method, url(world), body(world), fields named)
    (
        "unknown-platform-sector",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, platform_sector=999999),
        ["platform_sector"],
    ),
    (
        "unknown-organization",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, organization=999999),
        ["organization"],
    ),
    (
        "huge-id",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": w.regional_health.pk, "organization": 10**30},
        ["organization"],
    ),
    (
        "id-as-text",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": "health", "organization": w.iom.pk},
        ["platform_sector"],
    ),
    (
        "id-as-list",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": [w.regional_health.pk], "organization": w.iom.pk},
        ["platform_sector"],
    ),
    (
        "unknown-platform-code",
        "post",
        lambda w: "/api/v1/platform-sectors/",
        lambda w: {"platform": "atlantis", "sector": "health"},
        ["platform"],
    ),
    (
        "unknown-co-lead",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": 999999,
            "kind": "co_lead_stepping_down",
            "effective_on": "2026-12-01",
            "reason": "x",
        },
        ["co_lead"],
    ),
    (
        "missing-fields",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: {},
        ["platform_sector", "organization", "term_start"],
    ),
    (
        "date-as-words",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, term_start="next monday"),
        ["term_start"],
    ),
    (
        "impossible-date",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, term_start="2026-02-30"),
        ["term_start"],
    ),
    (
        "int-for-text",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": 42, "kind": "national_ngo"},
        ["name"],
    ),
    (
        "int-for-purpose",
        "patch",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/",
        lambda w: {"purpose_en": 42},
        ["purpose_en"],
    ),
    (
        "object-for-text",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": {"a": 1}},
        ["acronym"],
    ),
    (
        "text-for-int",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": "two", "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "interval-zero",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": 0, "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "interval-overflow",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {"procedure_en": "Vote", "interval_months": 70000, "last_selection_on": None},
        ["interval_months"],
    ),
    (
        "selection-in-the-future",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/selection-procedure/",
        lambda w: {
            "procedure_en": "Vote",
            "interval_months": 12,
            "last_selection_on": "2099-01-01",
        },
        ["last_selection_on"],
    ),
    (
        "unknown-choice",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Club", "kind": "club"},
        ["kind"],
    ),
    (
        "co-lead-term-end-before-start",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, term_end="2026-01-31"),
        ["term_end"],
    ),
    (
        "co-coordinator-term-end-before-start",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, term_end="2026-01-31"),
        ["term_end"],
    ),
    (
        "co-coordinator-before-co-lead-term",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, term_start="2025-12-31"),
        ["term_start"],
    ),
    (
        "co-coordinator-from-non-co-lead",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, organization=w.partner_org.pk),
        ["organization"],
    ),
    (
        "co-coordinator-twice",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, person_email="ANA.private@unhcr.example"),
        ["person_email"],
    ),
    (
        "co-coordinator-bad-e-mail",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, person_email="not-an-e-mail", contact_email="x@"),
        ["person_email", "contact_email"],
    ),
    (
        "duplicate-active-co-lead",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(w, platform_sector=w.regional_health.pk, organization=w.unhcr.pk),
        ["organization"],
    ),
    (
        "co-lead-on-inactive-sector",
        "post",
        lambda w: "/api/v1/co-leads/",
        lambda w: co_lead_body(
            w,
            platform_sector=PlatformSectorFactory(
                platform=w.colombia, sector=w.protection, is_active=False
            ).pk,
        ),
        ["platform_sector"],
    ),
    (
        "duplicate-partner",
        "post",
        lambda w: "/api/v1/partners/",
        lambda w: {"platform_sector": w.regional_health.pk, "organization": w.partner_org.pk},
        ["organization"],
    ),
    (
        "organization-name-201",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "x" * 201, "kind": "national_ngo"},
        ["name"],
    ),
    (
        "organization-acronym-31",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": "x" * 31},
        ["acronym"],
    ),
    (
        "purpose-4001",
        "patch",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/",
        lambda w: {"purpose_es": "x" * 4001},
        ["purpose_es"],
    ),
    (
        "phone-41",
        "post",
        lambda w: "/api/v1/co-coordinators/",
        lambda w: co_coordinator_body(w, contact_phone="1" * 41),
        ["contact_phone"],
    ),
    (
        "reason-501",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.colombia_health.pk}/deactivate/",
        lambda w: {"reason": "x" * 501},
        ["reason"],
    ),
    (
        "null-character",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Nul\x00l", "kind": "national_ngo"},
        ["name"],
    ),
    (
        "duplicate-organization-name",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "caminos solidarios", "kind": "national_ngo"},
        ["name"],
    ),
    (
        "duplicate-organization-acronym",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"acronym": "unhcr"},
        ["acronym"],
    ),
    (
        "blank-organization-name",
        "patch",
        lambda w: f"/api/v1/organizations/{w.ngo.pk}/",
        lambda w: {"name": "   "},
        ["name"],
    ),
    (
        "bad-website",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {"name": "Web", "kind": "other", "website": "javascript:alert(1)"},
        ["website"],
    ),
    (
        "co-lead-ended-before-start",
        "post",
        lambda w: f"/api/v1/co-leads/{w.unhcr_health.pk}/end/",
        lambda w: {"ended_on": "2025-12-31"},
        ["ended_on"],
    ),
    (
        "co-coordinator-ended-before-start",
        "post",
        lambda w: f"/api/v1/co-coordinators/{w.unhcr_coordinator.pk}/end/",
        lambda w: {"ended_on": "2025-12-31"},
        ["ended_on"],
    ),
    (
        "partner-left-before-joined",
        "post",
        lambda w: f"/api/v1/partners/{w.regional_health.partners.get().pk}/remove/",
        lambda w: {"left_on": "2025-12-31"},
        ["left_on"],
    ),
    (
        "deactivate-with-co-leads",
        "post",
        lambda w: f"/api/v1/platform-sectors/{w.regional_health.pk}/deactivate/",
        lambda w: {},
        ["is_active"],
    ),
    (
        "notice-without-reason",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": w.ngo_health.pk,
            "kind": "co_lead_stepping_down",
            "effective_on": "2026-12-01",
            "reason": "  ",
        },
        ["reason"],
    ),
    (
        "notice-replacement-incomplete",
        "post",
        lambda w: "/api/v1/change-notices/",
        lambda w: {
            "co_lead": w.ngo_health.pk,
            "kind": "coordinator_replaced",
            "effective_on": "2026-12-01",
            "reason": "Leaving",
        },
        ["outgoing", "incoming_name", "incoming_email"],
    ),
    (
        "decline-without-comment",
        "post",
        lambda w: (
            f"/api/v1/change-notices/{ChangeNotice.objects.create(kind='co_lead_stepping_down', co_lead=w.ngo_health, effective_on=datetime.date(2026, 6, 1), reason='x', filed_by=w.ngo_coordinator.person).pk}/decline/"
        ),
        lambda w: {},
        ["comment"],
    ),
    (
        "list-for-object",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: [{"name": "A", "kind": "other"}],
        ["non_field_errors"],
    ),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "fields"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    world, personas, method, url, body, fields
):
    # given
    url, body = url(world), body(world)
    before = snapshot()
    # when
    response = send(personas["regional"], method, url, body)
    # then
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert sorted(response.json()["errors"]) == sorted(fields)
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    ["/api/v1/organizations/", "/api/v1/co-leads/", "/api/v1/platform-sectors/"],
    ids=["organizations", "co-leads", "platform-sectors"],
)
def test_a_malformed_json_body_answers_400(world, personas, url):
    # given
    before = snapshot()
    # when
    response = api_for(personas["regional"]).post(
        url, '{"name": "Half', content_type="application/json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert snapshot() == before

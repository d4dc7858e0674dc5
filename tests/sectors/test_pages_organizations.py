"""The organization pages (sectors/views/organizations.py): who may open and post them, adding,
editing and listing, bad input, and the organization's history page (r4v.history)."""

import pytest
from django.urls import reverse

from sectors.models import Organization

from ..conftest import REGIONAL, client_for
from ..factories import OrganizationFactory
from .conftest import (
    Case,
    action_succeeds_only_for_the_allowed,
    count_queries,
    form_errors,
    page_opens_only_for_the_allowed,
    snapshot,
)

# --- Permission matrix ----------------------------------------------------------------------------


PAGES = [
    Case(
        "organization-list", lambda w, c, p: reverse("sectors:organization-manage-list"), REGIONAL
    ),
    Case("organization-create", lambda w, c, p: reverse("sectors:organization-create"), REGIONAL),
    Case(
        "organization-edit",
        lambda w, c, p: reverse("sectors:organization-edit", args=[w.unhcr.pk]),
        REGIONAL,
    ),
    # The history page (r4v.history) is a global page like these; here a co-lead's.
    Case(
        "history",
        lambda w, c, p: reverse("history", args=["colead", w.unhcr_health.pk]),
        REGIONAL,
    ),
]

ACTIONS = [
    Case(
        "organization-create",
        lambda w, c, p: reverse("sectors:organization-create"),
        REGIONAL,
        lambda w, c, p: {"name": "Fundación Nueva", "acronym": "FN", "kind": "national_ngo"},
    ),
    Case(
        "organization-edit",
        lambda w, c, p: reverse("sectors:organization-edit", args=[w.ngo.pk]),
        REGIONAL,
        lambda w, c, p: {
            "name": "Caminos Solidarios Intl",
            "acronym": "CS",
            "kind": "international_ngo",
            "is_active": "on",
            "reason": "Renamed",
        },
    ),
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_each_management_page_opens_only_for_the_roles_the_policy_allows(
    subtests, world, colombia, personas, case
):
    page_opens_only_for_the_allowed(subtests, world, colombia, personas, case)


@pytest.mark.parametrize("case", ACTIONS, ids=str)
def test_each_management_action_succeeds_only_for_the_roles_the_policy_allows_and_changes_nothing_otherwise(
    subtests, world, colombia, personas, case
):
    action_succeeds_only_for_the_allowed(subtests, world, colombia, personas, case)


def test_unknown_history_model_or_record_is_404_for_the_regional_team(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    unknown_model = client.get(reverse("history", args=["country", world.unhcr.pk]))
    unknown_record = client.get(reverse("history", args=["organization", 999999]))
    # then
    assert unknown_model.status_code == 404
    assert unknown_record.status_code == 404


# --- Flows ----------------------------------------------------------------------------------------


def test_the_regional_team_adds_an_organization_and_finds_it_in_the_filtered_list(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:organization-create"),
        {
            "name": "Alas de Esperanza",
            "acronym": "ADE",
            "kind": "refugee_migrant_led",
            "website": "ade.example",
        },
    )
    listing = client.get(
        reverse("sectors:organization-manage-list"), {"kind": "refugee_migrant_led", "q": "alas"}
    )
    # then
    assert response.status_code == 302
    org = Organization.objects.get(acronym="ADE")
    assert org.website == "https://ade.example"
    assert org.history.get().history_user == personas["regional"]
    assert list(listing.context["page"]) == [org]


def test_the_organization_list_answers_htmx_with_the_table_only(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    # when
    response = client.get(
        reverse("sectors:organization-manage-list"), {"q": "unhcr"}, HTTP_HX_REQUEST="true"
    )
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert "UN Refugee Agency" in html
    assert "Caminos Solidarios" not in html


def test_the_history_page_shows_who_changed_what_and_why(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {
            "name": "Caminos Solidarios Internacional",
            "acronym": "CS",
            "kind": "national_ngo",
            "is_active": "on",
            "reason": "Renamed after the merger",
        },
    )
    # when
    response = client.get(reverse("history", args=["organization", world.ngo.pk]))
    # then
    records = response.context["records"]
    assert [r.history_type for r in records] == ["~", "+"]
    assert records[0].history_user == personas["regional"]
    assert records[0].history_change_reason == "Renamed after the merger"
    assert [(c.label, c.old, c.new) for c in records[0].changes] == [
        ("name", "Caminos Solidarios", "Caminos Solidarios Internacional")
    ]
    html = response.content.decode()
    assert "Team" in html and "Renamed after the merger" in html


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": "N" * 201, "kind": "un_agency"}, "name", id="over-long-name"),
        pytest.param(
            {"name": "un refugee agency", "kind": "un_agency"}, "name", id="duplicate-name"
        ),
        pytest.param(
            {"name": "New", "acronym": "iom", "kind": "un_agency"},
            "acronym",
            id="duplicate-acronym",
        ),
        pytest.param({"name": "New", "kind": "bank"}, "kind", id="unknown-kind"),
        pytest.param(
            {"name": "New", "kind": "un_agency", "website": "not a url"},
            "website",
            id="bad-website",
        ),
        pytest.param({"name": "", "kind": "un_agency"}, "name", id="missing-name"),
    ],
)
def test_bad_input_on_the_organization_form_is_a_form_error_naming_the_field(
    client, world, personas, data, field
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(reverse("sectors:organization-create"), data)
    # then
    assert response.status_code == 200
    assert field in form_errors(response)
    assert snapshot() == before


def test_renaming_an_organization_to_another_ones_name_is_refused_and_the_stored_name_kept(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    before = snapshot()
    # when
    response = client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {"name": "UN Refugee Agency", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
    )
    # then
    assert "name" in form_errors(response)
    world.ngo.refresh_from_db()
    assert world.ngo.name == "Caminos Solidarios"
    assert snapshot() == before


def test_html_in_an_organization_name_is_escaped_in_the_list(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    OrganizationFactory(name="<img src=x onerror=alert(1)>", acronym="")
    # when
    response = client.get(reverse("sectors:organization-manage-list"))
    # then
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


# --- Query counts ---------------------------------------------------------------------------------


def test_the_organization_list_takes_the_same_number_of_queries_as_organizations_grow(
    client, world, personas
):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("sectors:organization-manage-list")
    small = count_queries(client, url)
    OrganizationFactory.create_batch(40)
    # when
    large = count_queries(client, url)
    # then
    assert large == small


def test_the_history_page_takes_the_same_number_of_queries_as_changes_grow(client, world, personas):
    # given
    client = client_for(client, personas["regional"])
    url = reverse("history", args=["organization", world.ngo.pk])
    client.post(
        reverse("sectors:organization-edit", args=[world.ngo.pk]),
        {"name": "CS 0", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
    )
    small = count_queries(client, url)
    for i in range(1, 60):
        client.post(
            reverse("sectors:organization-edit", args=[world.ngo.pk]),
            {"name": f"CS {i}", "acronym": "CS", "kind": "national_ngo", "is_active": "on"},
        )
    # when
    large = count_queries(client, url)
    older = client.get(url, {"page": 2})
    # then
    assert large == small
    assert len(older.context["records"]) == 11
    assert older.context["page"].has_next() is False

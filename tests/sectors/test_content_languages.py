"""Texts written for the public in the reader's language (sectors.languages): a sector's purpose
and selection procedure, a platform's description, an organization's name."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext

from r4v.audit import save_audited
from r4v.services import system_user
from sectors import services
from sectors.languages import shown
from sectors.models import Organization, PlatformSector

from ..conftest import api_for, client_for

SALUD = "Coordina la respuesta de salud en la región."
HEALTH = "Coordinates the health response in the region."


def _note(language: str, msgid: str) -> str:
    # As the catalogue has it: the note is in the reader's language once translated.
    with translation.override(language):
        return gettext(msgid)


NOTE_ES = _note("es", "Not yet available in Spanish; shown in English.")
NOTE_EN = _note("en", "Not yet available in English; shown in Spanish.")


def _page(client, url, language):
    # Pages carry their language in the URL (/en/, /es/).
    return client.get(translate_url(url, language), HTTP_ACCEPT_LANGUAGE=language).text


def _write(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    save_audited(obj, by=system_user(), reason="test", update_fields=list(fields))


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("versions", "language", "expected"),
    [
        ({"en": "Health", "es": "Salud"}, "es", ("Salud", "es", False)),
        ({"en": "Health", "es": "Salud"}, "en", ("Health", "en", False)),
        ({"en": "Health", "es": ""}, "es", ("Health", "en", True)),
        ({"en": "", "es": "Salud"}, "en", ("Salud", "es", True)),
        # whitespace is not a version; a regional variant reads its language's version
        ({"en": "Health", "es": "  \n"}, "es", ("Health", "en", True)),
        ({"en": "Health", "es": "Salud"}, "es-419", ("Salud", "es", False)),
        # nothing written: nothing shown, and nothing to apologize for
        ({"en": "", "es": ""}, "es", ("", "es", False)),
    ],
)
def test_a_reader_gets_their_languages_version_else_the_other_marked_as_a_fallback(
    versions, language, expected
):
    # when
    text = shown(versions, language)
    # then
    assert (str(text), text.language, text.is_fallback) == expected


# --- Public pages ----------------------------------------------------------------------------


def test_a_spanish_reader_sees_the_spanish_purpose_and_procedure_without_a_note(client, world):
    # given
    _write(
        world.regional_health,
        purpose_en=HEALTH,
        purpose_es=SALUD,
        selection_procedure_en="Partners vote.",
        selection_procedure_es="Los socios votan.",
    )
    url = world.regional_health.get_absolute_url()
    # when
    spanish = _page(client, url, "es")
    english = _page(client, url, "en")
    # then
    assert SALUD in spanish and HEALTH not in spanish
    assert "Los socios votan." in spanish and "Partners vote." not in spanish
    assert HEALTH in english and SALUD not in english
    assert "fallback-note" not in spanish + english


def test_a_text_written_only_in_english_is_shown_to_a_spanish_reader_with_a_note_and_its_lang(
    client, world
):
    # given: the factory's purpose is English only
    url = world.regional_health.get_absolute_url()
    # when
    html = _page(client, url, "es")
    # then: the note, and the English text marked as English for screen readers
    purpose = _section(html, "sector-purpose")
    assert f'<p class="small text-body-secondary fallback-note">{NOTE_ES}</p>' in purpose
    assert re.search(r'<div class="break-anywhere" lang="en"><p>Coordinates the response.', purpose)
    # and an English reader reads it as it is, with no note and no language of its own
    english = _section(_page(client, url, "en"), "sector-purpose")
    assert "fallback-note" not in english and 'lang="en"' not in english


def test_a_text_written_only_in_spanish_is_shown_to_an_english_reader_with_a_note(client, world):
    # given
    _write(world.regional_protection, selection_procedure_es="Los socios votan cada dos años.")
    # when
    html = _page(client, world.regional_protection.get_absolute_url(), "en")
    # then
    selection = _section(html, "sector-selection")
    assert NOTE_EN in selection
    assert '<div class="break-anywhere" lang="es"><p>Los socios votan cada dos años.' in selection
    assert "Documented procedure" in selection


def test_a_platform_description_is_shown_in_the_readers_language_else_with_a_note(client, world):
    # given
    _write(world.regional, description_en="The regional coordination platform.")
    _write(world.colombia, description_en="GIFMM.", description_es="El GIFMM de Colombia.")
    regional = reverse("sectors:platform-detail", kwargs={"code": "regional"})
    colombia = reverse("sectors:platform-detail", kwargs={"code": "colombia"})
    # when
    regional_es = _page(client, regional, "es")
    colombia_es = _page(client, colombia, "es")
    # then
    assert NOTE_ES in regional_es and "The regional coordination platform." in regional_es
    assert "El GIFMM de Colombia." in colombia_es and NOTE_ES not in colombia_es


def test_a_new_spanish_version_shows_on_the_next_anonymous_request_despite_the_cache(
    client, world, personas, django_capture_on_commit_callbacks
):
    # given: the Spanish page read once (and stored in the public cache) with the fallback
    url = world.regional_health.get_absolute_url()
    assert NOTE_ES in _page(client, url, "es")
    # when: a co-coordinator writes the Spanish version
    editor = client_for(type(client)(), personas["co_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("sectors:sector-page-edit", args=[world.regional_health.pk]),
            {"purpose_en": "Coordinates the response.", "purpose_es": SALUD},
        )
    # then
    html = _page(client, url, "es")
    assert SALUD in html and NOTE_ES not in html


# --- Organization names ----------------------------------------------------------------------


def test_an_organizations_spanish_name_and_acronym_are_shown_to_spanish_readers(client, world):
    # given: UNHCR has a Spanish form; the NGO does not
    _write(world.unhcr, name_es="Agencia de la ONU para los Refugiados", acronym_es="ACNUR")
    sector = world.regional_health.get_absolute_url()
    # when
    spanish = _page(client, sector, "es")
    english = _page(client, sector, "en")
    organization_es = _page(client, world.unhcr.get_absolute_url(), "es")
    # then
    co_leads = _section(spanish, "sector-co-leads")
    assert "Agencia de la ONU para los Refugiados</a> (ACNUR)" in co_leads
    assert "Caminos Solidarios</a> (CS)" in co_leads
    assert "ACNUR" in _section(spanish, "sector-co-coordinators")  # "designated by ACNUR"
    assert "UN Refugee Agency</a> (UNHCR)" in _section(english, "sector-co-leads")
    assert "ACNUR" not in english
    assert "<title>Agencia de la ONU para los Refugiados" in organization_es


def test_with_no_spanish_form_an_organization_keeps_its_name_for_spanish_readers(world):
    # when
    with translation.override("es"):
        # then
        assert (world.ngo.display_name, world.ngo.display_acronym, str(world.ngo)) == (
            "Caminos Solidarios",
            "CS",
            "CS",
        )


# --- Management forms ------------------------------------------------------------------------


def test_the_sector_page_form_edits_both_languages_side_by_side_with_history(
    client, world, personas
):
    # given
    client_for(client, personas["co_coordinator"])
    url = reverse("sectors:sector-page-edit", args=[world.regional_health.pk])
    # when
    form = client.get(url).content.decode()
    response = client.post(url, {"purpose_en": HEALTH, "purpose_es": SALUD, "reason": "Both"})
    # then: the two versions on one row, each textarea in its own language
    row = form[form.index("language-versions") :]
    row = row[: row.index('name="reason"')]
    assert re.search(r'<textarea name="purpose_en"[^>]* lang="en"', row)
    assert re.search(r'<textarea name="purpose_es"[^>]* lang="es"', row)
    assert response.status_code == 302
    stored = PlatformSector.objects.get(pk=world.regional_health.pk)
    assert (stored.purpose_en, stored.purpose_es) == (HEALTH, SALUD)
    # and the history records both versions, old and new
    latest, previous = stored.history.all()[:2]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes == {
        "purpose_en": ("Coordinates the response.", HEALTH),
        "purpose_es": ("", SALUD),
    }
    assert latest.history_change_reason == "Both"


def test_the_sector_manage_page_shows_both_versions_for_the_people_who_keep_them(
    client, world, personas
):
    # given
    _write(world.regional_health, purpose_es=SALUD)
    client_for(client, personas["co_coordinator"])
    # when
    html = client.get(reverse("sectors:sector-manage", args=[world.regional_health.pk])).text
    # then
    purpose = html[html.index('id="purpose"') : html.index('id="co-leads-heading"')]
    assert '<div lang="en" class="break-anywhere">Coordinates the response.</div>' in purpose
    assert f'<div lang="es" class="break-anywhere">{SALUD}</div>' in purpose


def test_the_selection_procedure_form_edits_both_languages(client, world, personas):
    # given
    client_for(client, personas["regional"])
    url = reverse("sectors:selection-procedure-edit", args=[world.regional_health.pk])
    # when
    response = client.post(
        url,
        {
            "procedure_en": "Partners vote every two years.",
            "procedure_es": "Los socios votan cada dos años.",
            "interval_months": "24",
            "last_selection_on": "2025-06-01",
        },
    )
    # then
    assert response.status_code == 302
    stored = PlatformSector.objects.get(pk=world.regional_health.pk)
    assert (stored.selection_procedure_en, stored.selection_procedure_es) == (
        "Partners vote every two years.",
        "Los socios votan cada dos años.",
    )
    assert 'name="procedure_es"' in client.get(url).text


def test_an_over_long_spanish_procedure_is_refused_at_its_field_and_nothing_saved(
    client, world, personas
):
    # given
    client_for(client, personas["regional"])
    before = world.regional_health.history.count()
    # when
    response = client.post(
        reverse("sectors:selection-procedure-edit", args=[world.regional_health.pk]),
        {"procedure_en": "Vote.", "procedure_es": "x" * 8001, "interval_months": "24"},
    )
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"procedure_es"}
    assert world.regional_health.history.count() == before


def test_the_platform_team_writes_the_platform_description_in_both_languages(
    client, world, personas
):
    # given
    client_for(client, personas["platform_team"])
    url = reverse("sectors:platform-manage", kwargs={"code": "colombia"})
    # when
    response = client.post(
        url,
        {
            "form": "contacts",
            "local_name": "GIFMM",
            "description_en": "The Colombian platform.",
            "description_es": "La plataforma de Colombia.",
        },
    )
    # then
    assert response.status_code == 302
    world.colombia.refresh_from_db()
    assert (world.colombia.description_en, world.colombia.description_es) == (
        "The Colombian platform.",
        "La plataforma de Colombia.",
    )
    assert world.colombia.history.first().description_es == "La plataforma de Colombia."
    assert 'name="description_es"' in client.get(url).text


def test_the_organization_form_edits_the_spanish_name_and_acronym(client, world, personas):
    # given
    client_for(client, personas["regional"])
    # when
    response = client.post(
        reverse("sectors:organization-edit", args=[world.unhcr.pk]),
        {
            "name": "UN Refugee Agency",
            "name_es": "Agencia de la ONU para los Refugiados",
            "acronym": "UNHCR",
            "acronym_es": "ACNUR",
            "kind": "un_agency",
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302
    world.unhcr.refresh_from_db()
    assert (world.unhcr.name_es, world.unhcr.acronym_es) == (
        "Agencia de la ONU para los Refugiados",
        "ACNUR",
    )


# --- API -------------------------------------------------------------------------------------


def test_the_api_writes_each_language_version_and_reads_both_with_the_readers_one(world, personas):
    # given
    api = api_for(personas["co_coordinator"])
    url = f"/api/v1/platform-sectors/{world.regional_health.pk}/"
    # when: both versions, then the Spanish one alone
    api.patch(url, {"purpose_en": HEALTH, "purpose_es": "Salud."}, format="json")
    written = api.patch(url, {"purpose_es": SALUD}, format="json")
    spanish = api_for(None).get(url, HTTP_ACCEPT_LANGUAGE="es").json()
    # then: a version not sent is kept
    assert written.status_code == 200
    assert (written.json()["purpose_en"], written.json()["purpose_es"]) == (HEALTH, SALUD)
    assert (spanish["purpose"], spanish["purpose_en"], spanish["purpose_es"]) == (
        SALUD,
        HEALTH,
        SALUD,
    )


def test_the_api_list_gives_each_reader_the_fallback_the_pages_give(world):
    # given: Health in both languages, Protection in English only
    _write(world.regional_health, purpose_es=SALUD)
    # when
    rows = api_for(None).get("/api/v1/platform-sectors/", HTTP_ACCEPT_LANGUAGE="es").json()
    # then
    purposes = {row["id"]: row["purpose"] for row in rows["results"]}
    assert purposes[world.regional_health.pk] == SALUD
    assert purposes[world.regional_protection.pk] == "Coordinates the response."


def test_the_api_selection_procedure_keeps_the_version_not_sent(world, personas):
    # given
    _write(world.regional_health, selection_procedure_en="Partners vote.")
    # when
    response = api_for(personas["regional"]).post(
        f"/api/v1/platform-sectors/{world.regional_health.pk}/selection-procedure/",
        {"procedure_es": "Los socios votan.", "interval_months": 24, "last_selection_on": None},
        format="json",
    )
    # then
    assert response.status_code == 200
    procedure = response.json()["selection_procedure"]
    assert (procedure["procedure"], procedure["procedure_en"], procedure["procedure_es"]) == (
        "Partners vote.",
        "Partners vote.",
        "Los socios votan.",
    )


def test_the_api_refuses_the_single_text_field_by_name_and_changes_nothing(world, personas):
    # given
    before = world.regional_health.history.count()
    # when
    response = api_for(personas["co_coordinator"]).patch(
        f"/api/v1/platform-sectors/{world.regional_health.pk}/",
        {"purpose": "Written the old way."},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "purpose_en, purpose_es" in str(response.json())
    assert world.regional_health.history.count() == before


def test_the_api_creates_and_reads_an_organizations_spanish_name(world, personas):
    # when
    created = api_for(personas["admin"]).post(
        "/api/v1/organizations/",
        {
            "name": "Pan American Health Organization",
            "acronym": "PAHO",
            "name_es": "Organización Panamericana de la Salud",
            "acronym_es": "OPS",
            "kind": "un_agency",
        },
        format="json",
    )
    # then
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["name_es"], body["acronym"], body["acronym_es"]) == (
        "Pan American Health Organization",
        "Organización Panamericana de la Salud",
        "PAHO",
        "OPS",
    )
    assert Organization.objects.get(pk=body["id"]).name_es == body["name_es"]


def test_the_api_list_counts_the_same_queries_in_both_languages(world):
    # given
    _write(world.regional_health, purpose_es=SALUD)
    api = api_for(None)
    fresh = {"HTTP_CACHE_CONTROL": "no-cache"}  # rendered, not served from the public cache
    api.get("/api/v1/platform-sectors/", **fresh)  # warms the process caches
    # when
    counts = []
    for language in ("en", "es"):
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/v1/platform-sectors/", HTTP_ACCEPT_LANGUAGE=language, **fresh)
        counts.append(len(queries))
    # then
    assert counts[0] == counts[1] > 1


def test_services_keep_a_version_left_out(world, personas):
    # given
    _write(world.regional_health, purpose_es=SALUD)
    # when
    services.platform_sector_update_page(
        platform_sector=world.regional_health, purpose_en=HEALTH, by=personas["regional"]
    )
    # then
    stored = PlatformSector.objects.get(pk=world.regional_health.pk)
    assert (stored.purpose_en, stored.purpose_es) == (HEALTH, SALUD)

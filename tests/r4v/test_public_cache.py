"""Public reads from the cache: every write shows on the next request, nothing personal is ever
stored or served, and a browser revalidates with the ETag (r4v/public_cache.py)."""

import gzip
import re
import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from r4v.audit import save_audited
from r4v.models import ContentVersion
from r4v.public_cache import content_changed, content_version_row, version_reads_the_database
from r4v.services import system_user
from sectors import services

from ..conftest import VERSION, client_for


def _queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return len(queries), response


def _replace_co_coordinator(world) -> None:
    """The Regional Platform records that CS replaced Luis Gómez with Marta Ríos."""
    by = system_user()
    today = timezone.localdate()
    with transaction.atomic():
        services.co_coordinator_end(
            designation=world.ngo_coordinator, ended_on=today, by=by, reason="Replaced"
        )
        services.co_coordinator_designate_by_email(
            email="marta.private@cs.example",
            full_name="Marta Ríos",
            platform_sector=world.regional_health,
            organization=world.ngo,
            contact_email="marta.salud@cs.example",
            contact_phone="",
            term_start=today,
            term_end=None,
            by=by,
            reason="Replacement",
        )


def _rename_organization(world) -> None:
    """A write through save_audited outside any service transaction."""
    world.ngo.name = "Caminos Solidarios Internacional"
    save_audited(world.ngo, by=system_user(), reason="Renamed", update_fields=["name"])


def _add_country(world) -> None:
    """A many-to-many write, which saves no row of the platform itself."""
    from ..factories import CountryFactory

    world.regional.countries.add(CountryFactory(iso_code="EC", name_en="Ecuador"))


def _rename_person(world) -> None:
    """A plain save of a user (as the admin does): the published name changes."""
    person = world.ngo_coordinator.person
    person.full_name = "Luis Alberto Gómez"
    person.save()


def _end_partner(world) -> None:
    """A delete (the admin's), for good measure."""
    membership = world.regional_health.partners.get()
    membership.history.all().delete()
    membership.delete()


WRITES = {
    "co-coordinator replaced": (_replace_co_coordinator, "Luis Gómez", "Marta Ríos"),
    "organization renamed": (_rename_organization, None, "Caminos Solidarios Internacional"),
    "country added to a platform": (_add_country, None, "Ecuador"),
    "person renamed": (_rename_person, "Luis Gómez", "Luis Alberto Gómez"),
    "partner deleted": (_end_partner, "Red de Apoyo", None),
}


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize("read", ["page", "api"])
def test_every_kind_of_write_shows_on_the_next_public_request(world, kind, read):
    # given: the public read, cached
    write, gone, shown = WRITES[kind]
    url = (
        reverse("sectors:platform-detail", kwargs={"code": "regional"})
        if kind == "country added to a platform" and read == "page"
        else world.regional_health.get_absolute_url()
        if read == "page"
        else "/api/v1/platform-sectors/?limit=500"
        if kind != "country added to a platform"
        else "/api/v1/platforms/"
    )
    client = Client()
    client.get(url)
    queries, cached = _queries(client, url)
    assert queries == VERSION  # the page itself came from the cache
    # when
    write(world)
    # then
    after = client.get(url).text
    if gone:
        assert gone in cached.text and gone not in after
    if shown:
        assert shown not in cached.text and shown in after


def test_a_write_that_rolls_back_leaves_the_version_and_the_page_as_they_were(world):
    # given
    client = Client()
    url = world.regional_health.get_absolute_url()
    name = world.ngo.name
    assert name in client.get(url).text
    before = content_version_row()
    # when: the service refuses halfway (the co-lead ended, its co-coordinator not designated)
    with pytest.raises(RuntimeError), transaction.atomic():
        _rename_organization(world)
        raise RuntimeError("refused")
    # then
    # then: the row as it was; with Redis the page may be rendered again (the number was raised
    # inside the transaction), the same page
    assert content_version_row() == before
    again = client.get(url)
    assert name in again.text and "Caminos Solidarios Internacional" not in again.text


def test_an_unchanged_page_answers_304_to_its_etag_and_200_after_a_write(world):
    # given
    client = Client()
    url = world.regional_health.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"') and first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    # when
    queries, again = _queries(client, url, HTTP_IF_NONE_MATCH=etag)
    # then: no body, and no query beyond the version
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and queries == VERSION
    # when: something changes
    _replace_co_coordinator(world)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    # then
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Marta Ríos" in changed.text


def test_the_api_answers_304_to_its_etag(world):
    # given
    api = APIClient()
    first = api.get("/api/v1/platforms/")
    # when
    again = api.get("/api/v1/platforms/", HTTP_IF_NONE_MATCH=first["ETag"])
    # then
    assert again.status_code == 304


def test_a_logged_in_user_is_never_served_the_anonymous_page(client, world, personas):
    # given: the anonymous page in the cache
    url = world.regional_health.get_absolute_url()
    anonymous = Client().get(url).text
    assert "Log out" not in anonymous
    # when
    client_for(client, personas["regional"])
    queries, response = _queries(client, url)
    # then: rendered for them, with their name and their management link
    assert queries > 1
    assert "Log out" in response.text and personas["regional"].full_name in response.text
    assert "Manage this sector" in response.text
    assert "ETag" not in response


def test_a_logged_in_users_page_is_never_stored_for_anonymous_visitors(client, world, personas):
    # given: a logged-in user opens the page first
    url = world.regional_health.get_absolute_url()
    client_for(client, personas["regional"]).get(url)
    # when
    page = Client().get(url).text
    # then
    assert personas["regional"].full_name not in page
    assert "Manage this sector" not in page and "Log out" not in page
    assert "csrfmiddlewaretoken" not in page


def test_an_editor_sees_inactive_sectors_in_the_api_that_anonymous_clients_never_get(
    world, personas
):
    # given: a sector an editor may still see, though it is no longer active
    world.colombia_health.is_active = False
    save_audited(
        world.colombia_health, by=system_user(), reason="Test", update_fields=["is_active"]
    )
    editor = APIClient()
    editor.force_authenticate(personas["platform_team"])
    url = "/api/v1/platform-sectors/?limit=500"
    ids = lambda response: {row["id"] for row in response.json()["results"]}  # noqa: E731
    assert world.colombia_health.pk in ids(editor.get(url))
    # when
    anonymous = APIClient().get(url)
    # then
    assert world.colombia_health.pk not in ids(anonymous)


def test_cached_responses_hold_no_login_email_no_csrf_token_and_no_session(world):
    # given: every public page and API list read anonymously, twice
    client = Client()
    urls = [
        reverse("home"),
        reverse("sectors:platform-list"),
        reverse("sectors:sector-list"),
        world.regional_health.get_absolute_url(),
        world.ngo.get_absolute_url(),
        reverse("sectors:contact-directory"),
        "/api/v1/platform-sectors/",
        "/api/v1/platforms/",
    ]
    for url in urls:
        client.get(url)
        queries, response = _queries(client, url)
        # then: served from the cache, and nothing in it is anyone's own
        assert queries == VERSION, url
        assert "ana.private@unhcr.example" not in response.text
        assert "luis.private@cs.example" not in response.text
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies, url


def test_the_login_page_is_never_cached(world):
    # given
    client = Client()
    url = reverse("login")
    client.get(url)
    # when
    queries, response = _queries(Client(), url)
    # then: rendered again, with a token of its own
    assert "csrfmiddlewaretoken" in response.text
    assert "csrftoken" in response.cookies
    assert "ETag" not in response


def test_each_response_from_the_cache_has_a_fresh_csp_nonce(world):
    # given
    client = Client()
    url = reverse("sectors:platform-list")
    client.get(url)
    # when
    first, second = client.get(url), client.get(url)
    # then: a nonce in the page matches its own header, and the two differ
    nonces = []
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.text).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_languages_are_cached_apart(world):
    # given
    client = Client()
    with translation.override("es"):
        spanish_url = world.regional_health.get_absolute_url()
    english_url = world.regional_health.get_absolute_url()
    client.get(english_url)
    client.get(spanish_url)
    # when
    english, spanish = client.get(english_url).text, client.get(spanish_url).text
    # then
    assert '<html lang="en">' in english and "Health" in english
    assert '<html lang="es">' in spanish and "Salud" in spanish
    # and the API, which takes its language from the request headers
    api = APIClient()
    for language, name in (("en", "Health"), ("es", "Salud"), ("en", "Health")):
        response = api.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.json()["results"][0]["name"] == name


def test_public_pages_and_api_lists_are_gzipped_and_pages_with_a_token_are_not(world):
    # given
    client = Client()
    # when
    page = client.get(reverse("sectors:platform-list"), HTTP_ACCEPT_ENCODING="gzip")
    listing = client.get("/api/v1/platform-sectors/", HTTP_ACCEPT_ENCODING="gzip")
    login = client.get(reverse("login"), HTTP_ACCEPT_ENCODING="gzip")
    # then
    assert page["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.content)
    assert listing["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in login
    assert "csrfmiddlewaretoken" in login.text


def test_the_version_row_is_created_again_when_it_is_missing(db):
    # given: a database emptied without the migration's row (a test flush, a partial restore)
    ContentVersion.objects.all().delete()
    assert content_version_row()[0] == 0
    # when
    with transaction.atomic():
        content_changed()
    # then
    assert content_version_row()[0] == 1


# --- Where the version lives ------------------------------------------------------------------

redis_only = pytest.mark.skipif(
    version_reads_the_database(), reason="the version lives in Redis only with REDIS_URL"
)


def _cached_number() -> int:
    return caches["public"].get("content-version")


@redis_only
def test_the_number_in_redis_only_rises(db):
    # given: a number ahead of the clock (another machine's, a clock set back since)
    cache = caches["public"]
    ahead = time.time_ns() // 1000 + 3_600_000_000
    cache.set("content-version", ahead, timeout=None)
    # when: two writes
    with transaction.atomic():
        content_changed()
        content_changed()
    # then: raised by one each time, never lowered to now
    assert _cached_number() == ahead + 2


@redis_only
def test_a_version_lost_from_redis_starts_afresh_and_serves_no_old_page(world):
    # given: a page cached under the number in Redis
    client = Client()
    url = world.regional_health.get_absolute_url()
    first = client.get(url)
    assert _queries(client, url)[0] == 0
    # when: Redis loses the number (evicted, restarted)
    caches["public"].delete("content-version")
    queries, again = _queries(client, url)
    # then: a new number, so the page is rendered again rather than served from before
    assert again.status_code == 200 and again["ETag"] != first["ETag"] and queries > 0


@redis_only
@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_while_a_write_commits_is_not_served_after_it(world):
    # given: the page cached
    url = world.regional_health.get_absolute_url()
    Client().get(url)
    rendered: dict[str, str] = {}

    def visit(name: str) -> None:
        # Another thread: another database connection, which sees only committed rows.
        rendered[name] = Client().get(url).text
        connection.close()

    # when: a visitor's page is rendered between the write and its commit
    with transaction.atomic():
        _rename_organization(world)
        during = threading.Thread(target=visit, args=("during",))
        during.start()
        during.join()
    after = threading.Thread(target=visit, args=("after",))
    after.start()
    after.join()
    # then: that page held the data before the commit; the next one the data after it
    assert "Caminos Solidarios Internacional" not in rendered["during"]
    assert "Caminos Solidarios Internacional" in rendered["after"]


def test_on_the_file_cache_a_hit_reads_the_version_row(world, tmp_path, settings):
    # given: the embedded default's cache (files), where processes share no atomic number
    settings.CACHES = {
        **settings.CACHES,
        "public": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    client = Client()
    url = world.regional_health.get_absolute_url()
    client.get(url)
    # when / then: a hit is one query, the row
    assert version_reads_the_database() and _queries(client, url)[0] == 1
    # and a write shows on the next request
    _rename_organization(world)
    assert "Caminos Solidarios Internacional" in client.get(url).text


@redis_only
def test_the_redis_cache_keeps_one_client_per_pool(db):
    # r4v.cache: Django builds a redis-py client per call, whose constructor is slow.
    cache = caches["public"]
    client = cache._cache.get_client(write=True)
    cache.set("a-key", {"a": 1})
    # then: the same client serves every call, and the cache works through it
    assert cache._cache.get_client() is client and cache.get("a-key") == {"a": 1}


@redis_only
def test_a_workers_copy_serves_a_page_gone_from_redis_until_the_next_write(world):
    # given: a page served once, then gone from Redis (evicted) while the version holds
    client = Client()
    url = world.regional_health.get_absolute_url()
    first = client.get(url).text
    redis = caches["public"]._cache.get_client()
    pages = redis.keys("*page:*")
    assert pages
    redis.delete(*pages)
    # when
    queries, again = _queries(client, url)
    # then: this worker's copy, under the same version; no render
    assert queries == 0 and again.text.split('nonce="')[0] == first.split('nonce="')[0]
    # and a write shows on the next request all the same
    _rename_organization(world)
    assert "Caminos Solidarios Internacional" in client.get(url).text

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

from r4v import public_cache
from r4v.audit import locked, save_audited
from r4v.models import Notification
from r4v.public_cache import content_version
from r4v.services import system_user
from sectors import services
from sectors.models import RoleAssignment

from ..conftest import client_for


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


def _version() -> int:
    return content_version()[0]


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize("read", ["page", "api"])
def test_every_kind_of_write_shows_on_the_next_public_request(
    world, kind, read, django_capture_on_commit_callbacks
):
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
    assert queries == 0  # the page itself came from the cache
    # when: the write commits
    with django_capture_on_commit_callbacks(execute=True):
        write(world)
    # then
    after = client.get(url).text
    if gone:
        assert gone in cached.text and gone not in after
    if shown:
        assert shown not in cached.text and shown in after


def test_a_write_is_not_shown_before_it_commits_and_a_rollback_raises_nothing(
    world, django_capture_on_commit_callbacks
):
    # given
    client = Client()
    url = world.regional_health.get_absolute_url()
    name = world.ngo.name
    assert name in client.get(url).text
    before = _version()
    # when: the service refuses halfway
    with django_capture_on_commit_callbacks(execute=True) as raised:
        with pytest.raises(RuntimeError), transaction.atomic():
            _rename_organization(world)
            raise RuntimeError("refused")
    # then: nothing to run after a commit, the version and the page as they were
    assert raised == [] and _version() == before
    again = client.get(url)
    assert name in again.text and "Caminos Solidarios Internacional" not in again.text


def test_one_transaction_raises_the_version_once_however_many_rows_it_writes(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the cache's writes counted
    cache = caches["public"]
    sets = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, *args, **kw: (sets.append(key), real_set(key, *args, **kw))
    )
    # when: three public rows written in one transaction, then one in another
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _rename_organization(world)
            _rename_person(world)
            _add_country(world)
    with django_capture_on_commit_callbacks(execute=True):
        _rename_organization(world)
    # then
    assert sets.count(public_cache.VERSION_KEY) == 2


def test_private_writes_leave_the_public_cache_alone(
    world, personas, django_capture_on_commit_callbacks
):
    # given: a public page cached
    client = Client()
    url = world.regional_health.get_absolute_url()
    client.get(url)
    before = _version()
    # when: private work: a notification, a role, a log-in's timestamp
    with django_capture_on_commit_callbacks(execute=True) as raised:
        Notification.objects.create(recipient=personas["partner"], subject="x", body="y")
        RoleAssignment.objects.filter(user=personas["partner"]).delete()
        personas["partner"].last_login = timezone.now()
        personas["partner"].save(update_fields=["last_login"])
    # then
    assert not [callback for callback in raised if public_cache.is_version_raise(callback)]
    assert _version() == before and _queries(client, url)[0] == 0


def test_the_write_kernel_locks_only_the_row_it_loads(world):
    # given / when
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked(type(world.ngo), world.ngo.pk)
    # then: one statement, on the organization's own table
    (query,) = queries.captured_queries
    assert world.ngo._meta.db_table in query["sql"]


def test_an_unchanged_page_answers_304_to_its_etag_and_200_after_a_write(
    world, django_capture_on_commit_callbacks
):
    # given
    client = Client()
    url = world.regional_health.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"') and first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    # when
    queries, again = _queries(client, url, HTTP_IF_NONE_MATCH=etag)
    # then: no body, and no query
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and queries == 0
    # when: something changes
    with django_capture_on_commit_callbacks(execute=True):
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
        reverse("sectors:contact-directory") + "?q=Health",
        "/api/v1/platform-sectors/",
        "/api/v1/platforms/?limit=1&offset=1",
    ]
    for url in urls:
        client.get(url)
        queries, response = _queries(client, url)
        # then: served from the cache, and nothing in it is anyone's own
        assert queries == 0, url
        assert "ana.private@unhcr.example" not in response.text
        assert "luis.private@cs.example" not in response.text
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies, url


def test_query_parameters_a_view_does_not_read_are_never_stored(world):
    # given: made-up query strings, as a visitor filling the cache would send
    client = Client()
    urls = [
        world.regional_health.get_absolute_url() + "?utm=1",
        "/api/v1/platforms/?nothing=2",
        reverse("sectors:contact-directory") + "?q=Health&junk=3",
    ]
    for url in urls:
        first = client.get(url)
        # when
        queries, again = _queries(client, url)
        # then: answered, rendered each time, not stored
        assert first.status_code == again.status_code == 200, url
        assert queries > 0, url


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


def test_pages_allow_only_our_own_scripts_and_carry_no_nonce(world):
    # given
    client = Client()
    url = reverse("sectors:platform-list")
    client.get(url)
    # when
    response = client.get(url)
    # then: a page from the cache is the page as rendered, and no inline script could run
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "nonce" not in policy
    assert "nonce=" not in response.text and "<script src=" in response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)


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


def test_a_version_lost_from_the_cache_starts_afresh_and_serves_no_old_page(world):
    # given: a page cached under the version
    client = Client()
    url = world.regional_health.get_absolute_url()
    first = client.get(url)
    assert _queries(client, url)[0] == 0
    # when: the cache loses the version (evicted, Redis restarted)
    time.sleep(0.001)
    caches["public"].delete(public_cache.VERSION_KEY)
    queries, again = _queries(client, url)
    # then: a new version, so the page is rendered again rather than served from before
    assert again.status_code == 200 and again["ETag"] != first["ETag"] and queries > 0


def test_an_unreachable_cache_serves_pages_and_takes_writes(
    world, settings, django_capture_on_commit_callbacks
):
    # given: Redis gone (a port nothing listens on)
    settings.CACHES = {
        **settings.CACHES,
        "public": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    url = world.regional_health.get_absolute_url()
    # when
    page = Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        _rename_organization(world)
    # then: rendered without the cache, and the write went through
    assert page.status_code == 200 and "ETag" not in page
    world.ngo.refresh_from_db()
    assert world.ngo.name == "Caminos Solidarios Internacional"


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

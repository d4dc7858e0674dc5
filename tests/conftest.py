"""Personas and a small coordination world shared by every test folder.

Personas (Healthchecks style): one user per role, plus an outsider with an account and no role.
The world: the Regional Platform and Colombia; Health (regional and Colombia), Protection with
its Child Protection sub-sector; UNHCR and an NGO co-leading Regional Health, each with a
co-coordinator.
"""

import copy
import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu import pools
from rest_framework.test import APIClient

from r4v import mfa, public_cache
from r4v.celery import app as celery_app
from r4v.services import system_user
from sectors.models import Organization, Platform, RoleAssignment, Sector
from sectors.services import _role_grant

from .factories import (
    PASSWORD,
    CoCoordinatorFactory,
    CoLeadFactory,
    CountryFactory,
    OrganizationFactory,
    PartnerFactory,
    PlatformFactory,
    PlatformSectorFactory,
    SectorFactory,
    UserFactory,
)

Role = RoleAssignment.Role

# The personas fixture's keys, from no account at all to the administrator.
PERSONAS = [
    "anonymous",
    "outsider",
    "partner",
    "focal_point",
    "co_coordinator",
    "platform_team",
    "regional",
    "admin",
]
# Who acts for the Regional Platform: its team and the administrator.
REGIONAL = frozenset({"regional", "admin"})


def _isolate_xdist_worker(worker: str) -> None:
    """Give each pytest-xdist worker (`make test` runs two) a cache and a Redis of its own.

    Tests clear the cache (`fresh_cache`), which empties the whole Redis database or cache
    folder; the worker tests publish to the Redis that REDIS_URL names. Two workers sharing one
    would wipe each other's lockout counts and cached pages, or consume each other's messages.
    The databases are already apart: pytest-django suffixes the test database per worker.
    """
    index = int(worker.removeprefix("gw")) + 1
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        base, _, db = redis_url.rpartition("/")
        own = f"{base}/{(int(db or 0) + index) % 16}"
        os.environ["REDIS_URL"] = own
    for cache_settings in settings.CACHES.values():
        if "redis" in cache_settings["BACKEND"].lower():
            cache_settings["LOCATION"] = own
        elif "filebased" in cache_settings["BACKEND"]:
            cache_settings["LOCATION"] = f"{cache_settings['LOCATION']}-{worker}"


if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    _isolate_xdist_worker(worker)


def own_callbacks(callbacks: list) -> list:
    """The after-commit work a test looks for: without the public cache's version raise, which
    a write to public content adds (r4v/public_cache.py)."""
    return [callback for callback in callbacks if not public_cache.is_version_raise(callback)]


def reset_celery_producer() -> None:
    """Make the next `.delay()` connect afresh, to whatever broker the config now names."""
    # The connection pool and the routing tables are built once from the config and cached,
    # and kombu keeps producer pools in a global registry keyed by broker URL.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)
    pools.reset()


@pytest.fixture(autouse=True, scope="session")
def tasks_stay_in_this_process():
    """Tasks that the code under test enqueues go to kombu's in-memory transport.

    Otherwise they would land in the developer's var/broker, where `make run`'s worker would
    run them against the demo database, or in a shared Redis. The worker tests publish to a
    real broker of their own (tests/r4v/test_celery_worker.py).
    """
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    celery_app.conf.update(broker_url="memory://", broker_transport_options={})
    reset_celery_producer()
    yield
    celery_app.conf.update(saved)
    reset_celery_producer()


@pytest.fixture(autouse=True, scope="session")
def static_files_collected(request, tmp_path_factory):
    """The static files, collected once per run into a temporary folder and hashed as in production.

    Pages name static files through the manifest (`{% static %}` answers the hashed name), so every
    test that renders a page needs one. Collecting here lets a plain `pytest` run in a fresh
    checkout, and no test reads a stale `staticfiles/`. Django's manifest storage gives the same
    names and manifest as WhiteNoise's. WhiteNoise's compressed copies cost about ten seconds and
    only the browser tests read them (tests/browser/test_phone.py weighs the page on the wire), so
    they are written only when a browser test runs. Subprocesses that serve static files get this
    folder as STATIC_ROOT.
    """
    root = tmp_path_factory.mktemp("staticfiles")
    browser = any(item.get_closest_marker("browser") for item in request.session.items)
    backend = (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if browser
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    )
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def _language_back_to_default(**kwargs):
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def each_request_leaves_the_language_as_it_found_it():
    # The test client runs a request in the test's own thread, and LocaleMiddleware activates
    # the request's language there; a test's next reverse() would then build that language's
    # URL (pages carry the language in the path). A server thread starts each request afresh.
    request_finished.connect(_language_back_to_default, dispatch_uid="tests.language")
    yield
    request_finished.disconnect(dispatch_uid="tests.language")


@pytest.fixture(autouse=True)
def fresh_cache():
    # Log-in lockouts and API throttles count in the shared cache (Redis, or files in var/),
    # which outlives a test; so do the public pages (r4v/public_cache.py).
    cache.clear()
    public_cache.clear()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    # Every persona hashes a password; full-strength PBKDF2 would be most of the suite's time,
    # and no test here is about password storage. Session-wide: the shared world's users
    # (below) are made before any function-scoped fixture runs.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@dataclass
class World:
    regional: Platform
    colombia: Platform
    health: Sector
    protection: Sector
    child_protection: Sector
    unhcr: Organization
    iom: Organization
    ngo: Organization
    partner_org: Organization
    regional_health: object
    colombia_health: object
    regional_protection: object
    regional_child_protection: object
    unhcr_health: object
    ngo_health: object
    unhcr_coordinator: object
    ngo_coordinator: object


def _build_world() -> World:
    colombia_country = CountryFactory(iso_code="CO", name_en="Colombia", name_es="Colombia")
    panama = CountryFactory(
        iso_code="PA", name_en="Panama", name_es="Panamá", time_zone="America/Panama"
    )
    regional = PlatformFactory(
        code="regional",
        kind=Platform.Kind.REGIONAL,
        name_en="Regional Platform",
        name_es="Plataforma Regional",
    )
    colombia = PlatformFactory(
        code="colombia", kind=Platform.Kind.NATIONAL, name_en="Colombia", name_es="Colombia"
    )
    regional.countries.add(colombia_country, panama)
    colombia.countries.add(colombia_country)
    health = SectorFactory(code="health", name_en="Health", name_es="Salud", position=3)
    protection = SectorFactory(
        code="protection", name_en="Protection", name_es="Protección", position=7
    )
    child_protection = SectorFactory(
        code="child-protection",
        kind=Sector.Kind.SUB_SECTOR,
        parent=protection,
        name_en="Child Protection",
        name_es="Protección de la Niñez",
        position=8,
    )
    unhcr = OrganizationFactory(
        name="UN Refugee Agency", acronym="UNHCR", kind=Organization.Kind.UN_AGENCY
    )
    iom = OrganizationFactory(
        name="International Organization for Migration",
        acronym="IOM",
        kind=Organization.Kind.UN_AGENCY,
    )
    ngo = OrganizationFactory(
        name="Caminos Solidarios", acronym="CS", kind=Organization.Kind.NATIONAL_NGO
    )
    partner_org = OrganizationFactory(
        name="Red de Apoyo", acronym="RDA", kind=Organization.Kind.CIVIL_SOCIETY
    )
    regional.co_leads.add(iom, unhcr)
    colombia.co_leads.add(iom, unhcr)
    regional_health = PlatformSectorFactory(platform=regional, sector=health)
    colombia_health = PlatformSectorFactory(platform=colombia, sector=health)
    regional_protection = PlatformSectorFactory(platform=regional, sector=protection)
    regional_child_protection = PlatformSectorFactory(platform=regional, sector=child_protection)
    unhcr_health = CoLeadFactory(platform_sector=regional_health, organization=unhcr)
    ngo_health = CoLeadFactory(platform_sector=regional_health, organization=ngo)
    unhcr_coordinator = CoCoordinatorFactory(
        co_lead=unhcr_health,
        person=UserFactory(full_name="Ana Pérez", email="ana.private@unhcr.example"),
        contact_email="health.regional@unhcr.example",
    )
    ngo_coordinator = CoCoordinatorFactory(
        co_lead=ngo_health,
        person=UserFactory(full_name="Luis Gómez", email="luis.private@cs.example", gender="man"),
        contact_email="salud@cs.example",
    )
    PartnerFactory(platform_sector=regional_health, organization=partner_org)
    return World(
        regional,
        colombia,
        health,
        protection,
        child_protection,
        unhcr,
        iom,
        ngo,
        partner_org,
        regional_health,
        colombia_health,
        regional_protection,
        regional_child_protection,
        unhcr_health,
        ngo_health,
        unhcr_coordinator,
        ngo_coordinator,
    )


def _persona(email, role=None, **scope):
    user = UserFactory(email=email, full_name=email.split("@")[0].replace(".", " ").title())
    if role:
        _role_grant(user=user, role=role, by=system_user(), **scope)
    return user


def _build_personas(world: World) -> dict:
    """One user per role, keyed by a short name; `anonymous` is None."""
    # Factories bypass the designation service, so grant the role it would have granted.
    _role_grant(
        user=world.ngo_coordinator.person,
        role=Role.CO_COORDINATOR,
        platform_sector=world.regional_health,
        by=system_user(),
    )
    return {
        "anonymous": None,
        "outsider": _persona("outsider@example.org"),
        "partner": _persona(
            "partner@rda.example", Role.PARTNER_MEMBER, organization=world.partner_org
        ),
        "focal_point": _persona(
            "focal@cs.example", Role.CO_LEAD_FOCAL_POINT, organization=world.ngo
        ),
        "co_coordinator": world.ngo_coordinator.person,
        "platform_team": _persona(
            "imo@colombia.example", Role.PLATFORM_TEAM, platform=world.colombia
        ),
        "regional": _persona("team@regional.example", Role.REGIONAL_TEAM, platform=world.regional),
        "admin": _persona("admin@example.org", Role.ADMINISTRATOR),
    }


def _transactional(item: pytest.Item) -> bool:
    # As pytest-django decides it (and orders these tests after all the others).
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


class _SharedWorld:
    """The world and the personas, built once per test module inside a transaction.

    Building them is most of a short test's time (six role grants, their permissions and
    history). Django's `TestCase.setUpTestData` does the same: the rows are made once, each
    test's own transaction is a savepoint inside this one (its writes roll back at its end),
    and each test gets deep copies of the instances, so changing one in a test changes nothing
    for the next. The module's end rolls everything back. A transactional test (a live server,
    a real worker: its rows must be committed) closes the shared transaction first and builds
    its own world.
    """

    def __init__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.world = _build_world()
        self.personas = _build_personas(self.world)

    @property
    def open(self) -> bool:
        return self._atomic is not None

    def close(self):
        if self._atomic is not None:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self._atomic = None


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        shared = _SharedWorld()
    yield shared
    with django_db_blocker.unblock():
        shared.close()


@pytest.fixture
def _world_and_personas(request, _shared_world, db) -> list:
    """This test's world and personas: deep copies of the module's, or its own."""
    if _transactional(request.node):
        _shared_world.close()
    if not _shared_world.open:
        # A transactional test, or (should the order ever mix) one after it in the module.
        return [_build_world(), None]
    # One copy for both, so personas["co_coordinator"] is world.ngo_coordinator.person.
    return list(copy.deepcopy((_shared_world.world, _shared_world.personas)))


@pytest.fixture
def world(_world_and_personas) -> World:
    return _world_and_personas[0]


@pytest.fixture
def personas(_world_and_personas) -> dict:
    if _world_and_personas[1] is None:
        _world_and_personas[1] = _build_personas(_world_and_personas[0])
    return _world_and_personas[1]


@pytest.fixture
def api():
    return APIClient()


def client_for(client, user):
    """Log `user` into a Django test client (None stays anonymous).

    Someone who must have a second factor (r4v.mfa) gets a confirmed app, and the session is
    marked verified by it, as the code page does (django-otp's `login(request, device)`).
    """
    if user is not None:
        client.force_login(user)
        if mfa.mfa_required(user):
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="test app", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def api_for(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def chromium_path():
    """Debian's chromium, or a skip; in CI (R4V_REQUIRE_BROWSER=1) a missing browser fails."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("R4V_REQUIRE_BROWSER"):
            pytest.fail("R4V_REQUIRE_BROWSER is set but chromium is not installed")
        pytest.skip("chromium is not installed (scripts/install-debian.sh chromium)")
    return path


__all__ = ["PASSWORD", "PERSONAS", "REGIONAL", "api_for", "client_for"]


@pytest.fixture
def tasks_run_inline():
    """Run tasks where they are enqueued (Celery's eager mode), so their e-mails land in the
    test's outbox."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False

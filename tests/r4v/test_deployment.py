"""The production shape: gunicorn with DEBUG off, and the compose file that runs it."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, *, via_tls_proxy: bool = True):
    """GET `url`, as the TLS-terminating proxy in front of gunicorn forwards a browser's request."""
    request = urllib.request.Request(url)
    if via_tls_proxy:
        request.add_header("X-Forwarded-Proto", "https")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as response:
        return response


def env_example() -> dict[str, str]:
    """The variables `.env.example` sets, as docker compose's env_file reads them."""
    found = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            found[name.strip()] = value.strip()
    return found


# What the README asks a deployment to replace in `.env.example`.
REPLACED_PLACEHOLDERS = {
    "SECRET_KEY": "production-like-key-for-the-deploy-check-0123456789-abcdefghijklmnop",
    "SMTP_HOST": "smtp.example.org",
}


@pytest.fixture
def gunicorn(world):
    """gunicorn serving the test database, configured only by environment, as in compose."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the test database is in-memory SQLite; CI runs this on PostgreSQL")
    port = _free_port()
    # The documented production example (HTTPS redirect, trusted X-Forwarded-Proto), served on
    # the test database and the static files that the suite collected.
    env = {
        **os.environ,
        **env_example(),
        **REPLACED_PLACEHOLDERS,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "STATIC_ROOT": str(settings.STATIC_ROOT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "r4v.wsgi:application", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(base + "/en/sectors/")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_static_files_and_the_api_with_debug_off(gunicorn):
    # when
    home = _get(gunicorn + "/en/")
    html = home.read().decode()
    # then: the page, with its security headers
    assert home.status == 200
    assert "Regional Platform" in html
    assert "script-src" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    # the hashed stylesheet, served by WhiteNoise and cacheable for good
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w+\.css)"', html)
    css = _get(gunicorn + stylesheet.group(1))
    assert css.status == 200
    assert "immutable" in css.headers["Cache-Control"]
    # the public API, and a management page that asks for a login
    assert _get(gunicorn + "/api/v1/platforms/").status == 200
    manage = _get(gunicorn + "/en/my-work/")
    assert manage.status == 302
    assert manage.headers["Location"].startswith("/en/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_behind_the_tls_proxy_plain_http_is_redirected_to_https(gunicorn):
    # when: a request that reached the proxy over plain HTTP (it forwards no https claim)
    response = _get(gunicorn + "/en/sectors/", via_tls_proxy=False)
    # then
    assert response.status == 301
    assert response.headers["Location"] == "https://127.0.0.1:{}/en/sectors/".format(
        gunicorn.rsplit(":", 1)[1]
    )
    # and over HTTPS the browser is told to stay on it for a year
    secure = _get(gunicorn + "/en/sectors/")
    assert secure.status == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_compose_runs_web_worker_and_beat_from_one_image_on_postgres_and_redis():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    # then
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    apps = [services[name] for name in ("migrate", "web", "worker", "beat")]
    assert {app["image"] for app in apps} == {"r4v-coordination"}
    for app in apps:
        assert app["environment"]["DATABASE_URL"].startswith("postgres://")
        assert app["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "gunicorn" in (BASE_DIR / "Dockerfile").read_text().splitlines()[-1]
    assert services["worker"]["command"].startswith("celery -A r4v worker")
    assert services["beat"]["command"].startswith("celery -A r4v beat")
    assert "deploy" not in services["beat"]  # one beat: never scaled
    # Redis is bounded, so anonymous visitors cannot grow the public cache without limit.
    redis = services["redis"]["command"]
    assert redis[redis.index("--maxmemory") + 1] == "256mb"
    assert redis[redis.index("--maxmemory-policy") + 1] == "allkeys-lru"


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "production-like-key-for-the-deploy-check-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "coordination.example.org",
    "SMTP_HOST": "smtp.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}


def _check_deploy(**overrides) -> subprocess.CompletedProcess:
    # The browser tests' conftest allows async-unsafe ORM calls in this process; a deployment
    # must not inherit that.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**env, **PRODUCTION, **overrides},
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _check_deploy()
    assert result.returncode == 0, result.stderr


def _check_deploy_with_env_example(**replaced) -> subprocess.CompletedProcess:
    example = env_example()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in example and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**env, **example, **replaced},
        capture_output=True,
        text=True,
    )


def test_the_env_example_passes_check_deploy_once_its_placeholders_are_replaced():
    result = _check_deploy_with_env_example(**REPLACED_PLACEHOLDERS)
    assert result.returncode == 0, result.stderr


def test_the_env_example_as_shipped_fails_check_deploy_only_on_its_placeholders():
    result = _check_deploy_with_env_example()
    # then: the placeholder key and the missing SMTP host, and nothing else
    assert result.returncode != 0
    found = set(re.findall(r"\(([a-z0-9_]+\.[EW]\d{3})\)", result.stderr))
    assert found == {"security.W009", "mail.E001"}, result.stderr


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SESSION_COOKIE_AGE": str(14 * 24 * 3600)}, "r4v.W002"),
        ({"SECURE_HSTS_SECONDS": "3600"}, "r4v.W001"),
        ({"SMTP_HOST": ""}, "mail.E001"),
    ],
)
def test_check_deploy_fails_on_a_weak_production_setting(overrides, check_id):
    result = _check_deploy(**overrides)
    assert result.returncode != 0
    assert check_id in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "check", "check_id"),
    [
        ("SECURE_CSP", {"default-src": ["'self'"]}, "check_content_security_policy", "r4v.W003"),
        (
            "AUTH_PASSWORD_VALIDATORS",
            [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}],
            "check_password_policy",
            "r4v.W004",
        ),
        (
            "REST_FRAMEWORK",
            {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"]},
            "check_rest_framework_defaults",
            "r4v.W005",
        ),
    ],
)
def test_each_custom_deploy_check_names_what_is_missing(settings, setting, value, check, check_id):
    from r4v import checks

    # given: the settings as they are pass
    assert getattr(checks, check)(None) == []
    # when
    setattr(settings, setting, value)
    # then
    assert {warning.id for warning in getattr(checks, check)(None)} == {check_id}

"""Public reads from a cache: anonymous pages and API reads, keyed by the structure version.

Donors open the public pages from slow connections and scripts pull the sector data again and
again; both read a structure that changes a few times a day. So a public read is rendered once
per structure version and language, and served from the cache (`CACHES["public"]`: Redis, or
files in var/ on the embedded default) until the next write.

- The version is one row (`r4v.ContentVersion`), bumped by every write inside the writer's
  transaction (`content_changed`, called by `save_audited` and by the signals below), so a
  change shows on the next request and a rolled-back write changes nothing.
- With Redis, public reads do not ask the database for it: the version they read is a number
  in Redis (microseconds since 1970 at the last change, bumped atomically and never lowered)
  that `content_changed` raises in the writer's transaction and again once it commits, so a
  cache hit costs one Redis round trip (the number and the page) and no query. The file cache
  of the embedded default has no atomic operation shared by processes, so there public reads
  read the row (one query).
- Only requests that cannot be personal are served or stored: GET, no session cookie, no
  messages cookie, no `Authorization` header, a view named in `PUBLIC_VIEWS`. A logged-in
  user always carries a session cookie, so is never served a cached page.
- A response is stored only if it is a 200 that set no cookie, used no CSRF token (a cached
  page would carry another visitor's token), touched no session and is not marked private.
- A page's CSP nonce is not frozen into the cache: it is stored as a placeholder, in the page
  and in its CSP header, and every response served from the cache gets a fresh one.
- Hits and 304s are answered before the session, language, CSRF, authentication and CSP
  middleware (`PublicCacheMiddleware`); which views are public reads is decided inside, where
  the view is known (`PublicViewMiddleware`).
- A request with `Cache-Control: no-cache` is rendered afresh and not stored.
- Public responses carry an ETag and Last-Modified from the version (304 when unchanged) and
  `Cache-Control: private, no-cache`: browsers revalidate, shared proxies store nothing.
"""

import datetime
import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.csp import generate_nonce
from django.utils.http import http_date
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "public"
# An entry is replaced by the next render after a write, or expires.
TIMEOUT = 6 * 60 * 60
_NONCE_PLACEHOLDER = b"\x00r4v-csp-nonce\x00"

# URL names of the reads anyone may see; every other view is left alone.
PUBLIC_VIEWS = frozenset(
    {
        # Pages
        "home",
        "sectors:platform-list",
        "sectors:platform-detail",
        "sectors:sector-list",
        "sectors:sector-page",
        "sectors:organization-detail",
        "sectors:contact-directory",
        # Public calendars, which calendar programs poll (meetings.feeds)
        "meetings:feed-public",
        "meetings:feed-sector",
        # API reads (DRF router names; writes are POST/PATCH and never cached)
        "api-root",
        "country-list",
        "country-detail",
        "platform-list",
        "platform-detail",
        "sector-list",
        "sector-detail",
        "platform-sector-list",
        "platform-sector-detail",
        "organization-list",
        "organization-detail",
    }
)
# Writes to these apps' models change what public reads show (history rows included: they
# are written in the same transaction, so they bump nothing new).
_STRUCTURE_APPS = frozenset({"sectors", "program_cycle", "meetings", "reports"})
# The user fields public reads show (a co-coordinator's name); a log-in's `last_login` is not.
_PUBLIC_USER_FIELDS = frozenset({"full_name", "is_active"})


# --- The structure version --------------------------------------------------------------------


def content_changed() -> None:
    """Bump the structure version, inside the caller's transaction.

    The row is locked until the writer's transaction ends, so writes to the structure queue on
    it: they are a few a day, and `save_audited` and `locked` bump before touching any other
    row, so every writer takes this lock first and two writers cannot deadlock on it.
    """
    from .models import ContentVersion

    now = timezone.now()
    updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        # A database emptied by a test flush or restored without the migration's row.
        with transaction.atomic():
            ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    cache = caches[CACHE_ALIAS]
    if _version_in(cache):
        # Now, so that reads inside the writer's transaction see the change (the suite's
        # tests run in a transaction that never commits); and after the commit, so that a
        # page rendered meanwhile from the data before it is never served again.
        _cached_version_raise(cache)
        # Once per transaction, however many rows it writes.
        pending = transaction.get_connection().run_on_commit
        if not any(func is raise_after_commit for _ids, func, _robust in pending):
            transaction.on_commit(raise_after_commit)


def raise_after_commit() -> None:
    _cached_version_raise(caches[CACHE_ALIAS])


def content_version(entry_key: str | None = None) -> tuple[str, float, dict | None]:
    """The structure version as a stamp for keys and ETags, when it changed (seconds), and
    the cache's entry at `entry_key`, fetched with the version in one round trip."""
    cache = caches[CACHE_ALIAS]
    if not _version_in(cache):
        version, changed_at = content_version_row()
        stamp = f"{version}.{int(changed_at.timestamp() * 1_000_000):x}"
        return stamp, changed_at.timestamp(), entry_key and cache.get(entry_key)
    if entry_key:
        values = cache.get_many([_CACHED_VERSION_KEY, entry_key])
        micros, entry = values.get(_CACHED_VERSION_KEY), values.get(entry_key)
    else:
        micros, entry = cache.get(_CACHED_VERSION_KEY), None
    if micros is None:
        # Evicted, or Redis restarted: start afresh from now, which is above every number
        # an older page was stored under.
        cache.add(_CACHED_VERSION_KEY, time.time_ns() // 1000, timeout=None)
        micros = cache.get(_CACHED_VERSION_KEY)
    return f"{micros:x}", micros / 1_000_000, entry


# max(the number + 1, now): atomic in Redis, so two writers committing at once, or a write
# beside a read starting afresh, never lower it. Kept as text (SET), raised by INCR.
_RAISE_SCRIPT = """
local now = tonumber(ARGV[1])
if (tonumber(redis.call('GET', KEYS[1])) or 0) < now then
  redis.call('SET', KEYS[1], ARGV[1])
  return now
end
return redis.call('INCR', KEYS[1])
"""
_CACHED_VERSION_KEY = "content-version"


def _version_in(cache) -> bool:
    return isinstance(cache, RedisCache)


def version_reads_the_database() -> bool:
    """Whether a public read asks the database for the version (one query) or Redis (none)."""
    return not _version_in(caches[CACHE_ALIAS])


def _cached_version_raise(cache: RedisCache) -> None:
    key = cache.make_and_validate_key(_CACHED_VERSION_KEY)
    client = cache._cache.get_client(key, write=True)
    try:
        client.eval(_RAISE_SCRIPT, 1, key, time.time_ns() // 1000)
    except RedisError:
        # A write is never refused for the cache's sake. While Redis is unreachable no page
        # is served from it either, and a restarted Redis starts afresh (content_version); a
        # Redis that was only out of reach keeps its older pages until the next write or
        # until they expire (TIMEOUT).
        logger.warning("The public cache's version could not be raised", exc_info=True)


def content_version_row() -> tuple[int, datetime.datetime]:
    """The version row and when it changed: one indexed row.

    Plain SQL: the ORM would compile the same statement on every request, which costs more
    than the query itself on a cache hit.
    """
    from .models import ContentVersion

    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL.format(table=ContentVersion._meta.db_table))
        row = cursor.fetchone()
    if row is None:
        return 0, _EPOCH
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite returns the text it stored
        changed_at = datetime.datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return version, changed_at


_VERSION_SQL = "SELECT version, changed_at FROM {table} WHERE id = 1"
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _from_a_migration(sender) -> bool:
    # Data migrations save through historical models, maybe before this table exists.
    return sender.__module__ == "__fake__"


def _on_save(sender, update_fields=None, **kwargs):
    if _from_a_migration(sender):
        return
    if sender._meta.app_label in _STRUCTURE_APPS:
        content_changed()
    elif sender is _user_model() and (
        update_fields is None or _PUBLIC_USER_FIELDS & set(update_fields)
    ):
        content_changed()


def _on_delete(sender, **kwargs):
    if _from_a_migration(sender):
        return
    if sender._meta.app_label in _STRUCTURE_APPS or sender is _user_model():
        content_changed()


def _on_m2m(sender, action, **kwargs):
    # A platform's countries and co-leads are many-to-many: `.add()` saves nothing.
    if action in ("post_add", "post_remove", "post_clear") and not _from_a_migration(sender):
        content_changed()


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def connect_signals() -> None:
    """Writes that do not pass through `save_audited` (the admin, factories, m2m `.add()`)."""
    post_save.connect(_on_save, dispatch_uid="r4v.public_cache.save")
    post_delete.connect(_on_delete, dispatch_uid="r4v.public_cache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="r4v.public_cache.m2m")


# --- The middleware ---------------------------------------------------------------------------


def _may_be_personal(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


# The paths this process has seen a public view answer with a page (not a 404): a few
# thousand at most (platforms, sectors, organizations); emptied if something floods it.
_public_paths: set[str] = set()
_PUBLIC_PATHS_MAX = 20_000


def _learn_public_path(path: str) -> None:
    if len(_public_paths) >= _PUBLIC_PATHS_MAX:
        _public_paths.clear()
    _public_paths.add(path)


# This worker's copies of the entries it served or stored lately. A hit on one asks the cache
# for the version alone (a few bytes) instead of the version and the page (137 KB for the
# largest API page), and serves it only under the version it was stored with, as a shared
# entry is; a copy is kept no longer than the shared entry (TIMEOUT), so a write whose version
# raise failed while Redis was out of reach is not outlived here either.
_recent: OrderedDict[str, tuple[float, dict]] = OrderedDict()
_RECENT_MAX = 256
_RECENT_ENTRY_MAX_BYTES = 512 * 1024
_recent_lock = threading.Lock()  # `make run` serves requests from threads


def _remember(key: str, entry: dict) -> None:
    if len(entry["content"]) > _RECENT_ENTRY_MAX_BYTES:
        return
    with _recent_lock:
        _recent[key] = (time.monotonic() + TIMEOUT, entry)
        _recent.move_to_end(key)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def _lookup(key: str) -> tuple[str, float, dict | None]:
    """The version (stamp, changed) and the entry at `key`: this worker's copy when it was
    stored under the current version, else the shared one (kept here when it is current)."""
    with _recent_lock:
        kept_until, entry = _recent.get(key, (0.0, None))
    if entry is not None and kept_until > time.monotonic():
        stamp, changed, _none = content_version()
        if entry["stamp"] == stamp:
            return stamp, changed, entry
    stamp, changed, entry = content_version(key)
    if entry is not None and entry["stamp"] == stamp:
        _remember(key, entry)
    return stamp, changed, entry


def clear() -> None:
    """Empty the public cache, this worker's copies included (the tests, between two)."""
    caches[CACHE_ALIAS].clear()
    with _recent_lock:
        _recent.clear()


def _validators(stamp: str, changed: float, digest: str) -> tuple[str, str]:
    """The ETag and Last-Modified of a public read: its request shape at this version."""
    return f'W/"{stamp}.{digest}"', http_date(changed)


def _with_validators(response, etag: str, last_modified: str):
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = last_modified
    # Browsers revalidate every time; shared proxies store nothing.
    response.headers["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


def _request_key(request) -> tuple[str, str]:
    """The cache key of a request's shape, and its digest (also in the ETag).

    The language is the URL's prefix (pages) or `Accept-Language` and the language cookie (the
    API), so the raw header and cookie stand in for the language that LocaleMiddleware will
    pick: the key is known before it runs.
    """
    meta = request.META
    parts = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            meta.get("HTTP_ACCEPT_LANGUAGE", ""),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            meta.get("HTTP_ACCEPT", ""),
            meta.get("HTTP_HX_REQUEST", ""),
        ]
    )
    digest = hashlib.blake2b(parts.encode(), digest_size=12).hexdigest()
    return f"page:{digest}", digest


class PublicCacheMiddleware:
    """Serve public reads from the cache, and store them: just inside gzip and WhiteNoise,
    before sessions, languages, CSRF, authentication and CSP, none of which a page from the
    cache needs (it holds no token and no cookie; its language is in its key). So a hit
    costs one Redis round trip and the outermost middleware, not the whole stack.

    What may be stored is decided inside, where the view is known (`PublicViewMiddleware`);
    the response is stored here, once every middleware has added its headers. The CSP nonce
    in the page and in its header is stored as a placeholder and every hit gets a fresh one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[CACHE_ALIAS]

    def __call__(self, request):
        if request.method == "GET" and not _may_be_personal(request):
            key, digest = _request_key(request)
            request._public_cache_key = (key, digest)
            meta = request.META
            # Only paths this process has seen answered by a public view are looked up, so
            # other reads (the log-in page, static files' misses) cost no round trip. A fresh
            # render asked for (a hard reload, the load harness) goes through.
            if request.path_info in _public_paths and "no-cache" not in meta.get(
                "HTTP_CACHE_CONTROL", ""
            ):
                if "HTTP_IF_NONE_MATCH" in meta:
                    # A revalidation: the version alone answers it, no page fetched.
                    stamp, changed, _entry = content_version()
                    request._public_cache_version = (stamp, changed)
                    etag, last_modified = _validators(stamp, changed, digest)
                    unchanged = get_conditional_response(
                        request, etag=etag, last_modified=last_modified
                    )
                    if unchanged is not None:
                        return _with_validators(unchanged, etag, last_modified)
                else:
                    stamp, changed, entry = _lookup(key)
                    if entry is not None and entry["stamp"] == stamp:
                        return self._rebuild(entry)
                    request._public_cache_version = (stamp, changed)
        response = self.get_response(request)
        state = getattr(request, "_public_cache", None)
        if state is not None and state["store"] and self._storable(request, response):
            self._store(request, response, state["key"], state["stamp"])
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
            and not (user is not None and user.is_authenticated)
        )

    def _store(self, request, response, key: str, stamp: str) -> None:
        nonce = getattr(request, "_csp_nonce", None)
        nonce = str(nonce).encode() if nonce else None

        def without_nonce(data: bytes) -> bytes:
            return data.replace(nonce, _NONCE_PLACEHOLDER) if nonce else data

        headers = [
            (name, without_nonce(value.encode()).decode())
            for name, value in response.headers.items()
            if name.lower() not in ("set-cookie", "content-length")
        ]
        content = without_nonce(response.content)
        entry = {
            "stamp": stamp,
            "status": response.status_code,
            "content": content,
            # JSON and feeds hold no nonce: a hit then skips a pass over the whole body.
            "nonce_in_content": _NONCE_PLACEHOLDER in content,
            "headers": headers,
        }
        self.cache.set(key, entry, TIMEOUT)
        _remember(key, entry)

    @staticmethod
    def _rebuild(hit: dict) -> HttpResponse:
        nonce = generate_nonce()
        placeholder = _NONCE_PLACEHOLDER.decode()
        content = hit["content"]
        if hit.get("nonce_in_content", True):
            content = content.replace(_NONCE_PLACEHOLDER, nonce.encode())
        response = HttpResponse(content, status=hit["status"])
        for name, value in hit["headers"]:
            response.headers[name] = value.replace(placeholder, nonce)
        return response


class PublicViewMiddleware:
    """Inside, where the view is known: marks the public reads (`PUBLIC_VIEWS`) for the cache,
    answers 304 to an unchanged ETag, and gives them their validators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "_public_cache", None)
        if state is None or response.status_code not in (200, 304):
            return response
        # What the view marked private stays out (the rest is judged outside, after the
        # middleware that may add cookies).
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            state["store"] = False
        elif response.status_code == 200:
            _learn_public_path(request.path_info)
        return _with_validators(response, state["etag"], state["last_modified"])

    def process_view(self, request, view_func, view_args, view_kwargs):
        shape = getattr(request, "_public_cache_key", None)
        match = request.resolver_match
        if shape is None or match is None or match.view_name not in PUBLIC_VIEWS:
            return None
        key, digest = shape
        # The version the cache was just asked under, if it was (a miss): read once.
        version = getattr(request, "_public_cache_version", None)
        stamp, changed = version or content_version()[:2]
        etag, last_modified = _validators(stamp, changed, digest)
        fresh = "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "")
        state = {"key": key, "stamp": stamp, "etag": etag, "last_modified": last_modified}
        # A fresh render asked for leaves the cache as it was.
        state["store"] = not fresh
        request._public_cache = state
        conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if conditional is not None:
            state["store"] = False
        return conditional


class CompressionMiddleware(GZipMiddleware):
    """gzip for HTML and JSON, except responses that carry a CSRF token.

    BREACH recovers a secret from a compressed response's length when the attacker can also
    put text of their own into it. Public reads hold no secret (their cached form holds no
    token, by the rule above), so they are compressed; a page that rendered a CSRF token (a
    form: the log-in, every management page) is sent as it is. Django masks the token anew on
    every response and GZipMiddleware pads each response with random bytes, which would mostly
    defeat the attack anyway; leaving those pages uncompressed costs little, as they are few
    and small.
    """

    def process_response(self, request, response):
        # A response that used the token renews the CSRF cookie (django.middleware.csrf).
        if settings.CSRF_COOKIE_NAME in response.cookies:
            return response
        return super().process_response(request, response)

"""Public reads from a cache: anonymous pages and API reads, keyed by the content version.

Donors open the public pages from slow connections and scripts pull the sector data again and
again; both read a structure that changes a few times a day. So a public read is rendered once
per content version and request shape, and served from the cache (`CACHES["public"]`: Redis,
or files in var/ on the embedded default) until public content changes.

- Apps declare what is public in `AppConfig.ready()`, as they register their histories:
  `watch(...)` names the models whose rows public reads show, `public_view(...)` the views that
  are public reads and the query parameters each reads. This module names no app.
- The version is a number in the cache (microseconds since 1970 at the last change). A write to
  a watched model raises it once per transaction, after the commit (`content_changed`); a write
  that rolls back, or a private one (a draft, a clearance), raises nothing. No writer waits on
  anything for the cache's sake.
- A request reads the version before the view reads any data, and its page is stored under
  that version. A page rendered from the data before a commit is therefore stored under the
  version before the commit's raise, and never served after it.
- Only requests that cannot be personal are served or stored: GET, no session cookie, no
  messages cookie, no `Authorization` header. A logged-in user always carries a session
  cookie, so is never served a cached page.
- A response is stored only if it is a 200 of a public view that set no cookie, used no CSRF
  token (a cached page would carry another visitor's token), touched no session, is not marked
  private, and was asked with no query parameter its view does not read: the cache holds one
  entry per page a visitor can reach, not one per made-up query string. Redis is bounded
  besides (`maxmemory` with LRU eviction in docker-compose.yml; the file cache's MAX_ENTRIES).
- Hits and 304s are answered before the session, language, CSRF, authentication and CSP
  middleware (`PublicCacheMiddleware`); which views are public reads is decided inside, where
  the view is known (`PublicViewMiddleware`). Pages carry no CSP nonce (every script is a file
  of ours, allowed by 'self'), so a stored page is served as it was rendered.
- A request with `Cache-Control: no-cache` is rendered afresh and not stored.
- Public responses carry an ETag and Last-Modified from the version (304 when unchanged) and
  `Cache-Control: private, no-cache`: browsers revalidate, shared proxies store nothing.
"""

import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "public"
# An entry is replaced by the next render after a change, or expires.
TIMEOUT = 6 * 60 * 60
VERSION_KEY = "content-version"
# What a cache that cannot be reached raises: Redis's errors, or the file cache's.
_CACHE_ERRORS = (RedisError, OSError)

# --- What the apps declare --------------------------------------------------------------------

# Watched model -> the fields public reads show (None: every field).
_watched: dict[type[models.Model], frozenset[str] | None] = {}
# Public view name -> the query parameters it reads (None: an API view, whose filters and
# paging say which).
_public_views: dict[str, frozenset[str] | None] = {}


def watch(*model_classes: type[models.Model], fields: tuple[str, ...] | None = None) -> None:
    """Writes to these models (saves, deletes, their many-to-many) change public reads.

    With `fields`, only a save that may have changed one of them does (a user's name is
    published, their last log-in is not).
    """
    for model in model_classes:
        _watched[model] = frozenset(fields) if fields is not None else None


def public_view(*view_names: str, params: tuple[str, ...] | None = ()) -> None:
    """These URL names are public reads; `params` are the query parameters they read.

    `params=None` for DRF views: their filter set, paginator and `format` are what they read.
    """
    for name in view_names:
        _public_views[name] = frozenset(params) if params is not None else None


# --- The content version ----------------------------------------------------------------------

_local = threading.local()


def content_changed() -> None:
    """Public content changes in the caller's transaction: raise the version once it commits.

    Once per transaction, however many rows it writes: every call registers a raise tagged
    with this thread's raise count, and the first to run after the commit moves the count on,
    so the others see theirs has been done. A rollback drops them all, leaving the count as it
    was for the next transaction. A bulk import that writes without signals calls this once.
    """
    transaction.on_commit(functools.partial(_raise_version, getattr(_local, "raises", 0)))


def _raise_version(raises: int) -> None:
    if getattr(_local, "raises", 0) != raises:
        return  # this commit's raise has run
    _local.raises = raises + 1
    try:
        caches[CACHE_ALIAS].set(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    except _CACHE_ERRORS:
        # A write is never refused for the cache's sake. While the cache is unreachable no
        # page is served from it either; one that was only out of reach keeps its older pages
        # until the next change or until they expire (TIMEOUT).
        logger.warning("The public cache's version could not be raised", exc_info=True)


def is_version_raise(callback) -> bool:
    """Whether an after-commit callback is the public cache's (tests that count their own)."""
    return getattr(callback, "func", None) is _raise_version


def content_version(entry_key: str | None = None) -> tuple[int, dict | None] | None:
    """The version, and the cache's entry at `entry_key` fetched in the same round trip; None
    when the cache cannot be reached (the request is then served without it)."""
    cache = caches[CACHE_ALIAS]
    try:
        values = cache.get_many([VERSION_KEY, entry_key] if entry_key else [VERSION_KEY])
        version = values.get(VERSION_KEY)
        if version is None:
            # Never set, evicted, or Redis restarted: start from now, which is above every
            # version an older page was stored under.
            cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
            version = cache.get(VERSION_KEY)
    except _CACHE_ERRORS:
        logger.warning("The public cache could not be read", exc_info=True)
        return None
    if version is None:
        return None
    return version, values.get(entry_key) if entry_key else None


def _on_save(sender, update_fields=None, **kwargs):
    if sender not in _watched:
        return
    fields = _watched[sender]
    if fields is None or update_fields is None or fields & set(update_fields):
        content_changed()


def _on_delete(sender, **kwargs):
    if sender in _watched:
        content_changed()


def _on_m2m(sender, instance, action, **kwargs):
    # A platform's countries and co-leads are many-to-many: `.add()` saves no row of either.
    if action in ("post_add", "post_remove", "post_clear") and type(instance) in _watched:
        content_changed()


def connect_signals() -> None:
    """Every write to a watched model: services, the admin, factories, m2m `.add()`."""
    post_save.connect(_on_save, dispatch_uid="r4v.public_cache.save")
    post_delete.connect(_on_delete, dispatch_uid="r4v.public_cache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="r4v.public_cache.m2m")


def clear() -> None:
    """Empty the public cache (the tests, between two)."""
    caches[CACHE_ALIAS].clear()


# --- The middleware ---------------------------------------------------------------------------


def _may_be_personal(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _validators(version: int, digest: str) -> tuple[str, str]:
    """The ETag and Last-Modified of a public read: its request shape at this version."""
    return f'W/"{version:x}.{digest}"', http_date(version / 1_000_000)


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
    costs one cache round trip and the outermost middleware, not the whole stack.

    What may be stored is decided inside, where the view is known (`PublicViewMiddleware`);
    the response is stored here, once every middleware has added its headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or _may_be_personal(request):
            return self.get_response(request)
        key, digest = _request_key(request)
        # A fresh render asked for (a hard reload, the load harness) goes through, and its
        # response is not stored.
        fresh = "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "")
        found = content_version(None if fresh else key)
        if found is None:
            return self.get_response(request)
        version, entry = found
        if entry is not None and entry["version"] == version:
            etag, last_modified = _validators(version, digest)
            unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if unchanged is not None:
                return _with_validators(unchanged, etag, last_modified)
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response.headers[name] = value
            return response
        # The version read before the view reads any data (see the module's account).
        request._public_cache = {"key": key, "digest": digest, "version": version, "store": False}
        response = self.get_response(request)
        if request._public_cache["store"] and not fresh and self._storable(request, response):
            self._store(response, key, version)
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

    @staticmethod
    def _store(response, key: str, version: int) -> None:
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in ("set-cookie", "content-length")
        ]
        entry = {
            "version": version,
            "status": response.status_code,
            "content": response.content,
            "headers": headers,
        }
        try:
            caches[CACHE_ALIAS].set(key, entry, TIMEOUT)
        except _CACHE_ERRORS:
            logger.warning("A public read could not be stored", exc_info=True)


def _reads(view_func, declared: frozenset[str] | None) -> frozenset[str]:
    """The query parameters a public view reads."""
    if declared is not None:
        return declared
    view = getattr(view_func, "cls", None)
    names = {"format"}
    paginator = getattr(view, "pagination_class", None)
    if paginator is not None:
        names |= {
            getattr(paginator, attribute)
            for attribute in ("limit_query_param", "offset_query_param", "page_query_param")
            if getattr(paginator, attribute, None)
        }
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    return frozenset(names)


class PublicViewMiddleware:
    """Inside, where the view is known: marks the public reads for the cache, answers 304 to
    an unchanged ETag, and gives them their validators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "_public_cache", None)
        if state is None or "etag" not in state or response.status_code not in (200, 304):
            return response
        # What the view marked private stays out (the rest is judged outside, after the
        # middleware that may add cookies).
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            state["store"] = False
            return response
        return _with_validators(response, state["etag"], state["last_modified"])

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = getattr(request, "_public_cache", None)
        match = request.resolver_match
        if state is None or match is None or match.view_name not in _public_views:
            return None
        etag, last_modified = _validators(state["version"], state["digest"])
        state.update(etag=etag, last_modified=last_modified)
        reads = _reads(view_func, _public_views[match.view_name])
        state["store"] = set(request.GET) <= reads
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

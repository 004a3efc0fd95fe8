"""The cache of anonymous public pages, and the catalog generation that invalidates it.

Every anonymous visitor of the catalog sees the same page for the same URL, so a rendered page
can be served again until something public changes. Instead of finding and deleting every page
a change touches, each key carries the *catalog generation*, a number the publishing services
bump after their transaction commits: the old pages are never read again and expire by
themselves. Django's cache framework stores them (Redis via ``REDIS_URL``, so that every app
server sees one generation; local memory otherwise).
"""

import hashlib
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

GENERATION_KEY = "catalog:generation"
SETTLING_KEY = "catalog:settling"  # present for a short while after a change (see _settled)
PAGE_TIMEOUT = 10 * 60  # a safety net for anything the generation misses (e.g. "today" moving)
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
_CACHEABLE = "_public_cache"  # attribute a view sets on a response it allows to be cached
# Headers set by the view and the middleware inside this one; the outer layers (security
# headers, request id) add theirs to the cached response as they do to any other.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options")


def generation():
    """The current catalog generation; a fresh one if the cache lost it (restart, eviction).

    A lost generation restarts from the clock, never from 0, so that pages stored under an
    earlier number can never be served again.
    """
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump_generation():
    """Make every cached public page stale: now, and again once the transaction has committed.

    The bump after the commit discards a page a visitor rendered from the old rows between the
    first bump and the commit; the first one makes the change visible at once to the code that
    made it (the rest of this request, and tests, whose transactions never commit).
    """
    _bump()
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored: the next read starts a new one from the clock
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    if _reads_from_replica():
        cache.set(SETTLING_KEY, 1, timeout=settings.REPLICA_PIN_SECONDS)


def _reads_from_replica():
    return "replica" in settings.DATABASES


def _settled():
    """False for ``REPLICA_PIN_SECONDS`` after a change when anonymous pages are read from a
    replica: a page rendered then may come from a replica that has not replayed the change yet,
    and stored under the new generation it would stay stale until it expires. Such pages are
    served but not kept (the same window as the pin cookie's, which assumes the same lag)."""
    return not (_reads_from_replica() and cache.get(SETTLING_KEY) is not None)


def cached_fragment(name, parts, render):
    """``render()``'s result, kept under ``name`` for the current generation and ``parts``."""
    key = _key(f"fragment:{name}", generation(), repr(parts))
    html = cache.get(key)
    if html is None:
        html = render()
        if _settled():
            cache.set(key, html, PAGE_TIMEOUT)
    return html


def public_cache(view=None, *, params=()):
    """Let :class:`AnonymousPageCacheMiddleware` keep this view's anonymous responses.

    ``params`` are the query parameters the view reads: pages are kept per their values, and any
    other parameter (``?from=timeline`` on a shared link, or a random one) leads to the same
    entry instead of taking a new one. The view must then render nothing from other parameters
    (links carry :func:`canonical_query`).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            setattr(response, _CACHEABLE, True)
            return response

        wrapped.public_cache_params = tuple(params)
        return wrapped

    return decorate(view) if view is not None else decorate


def canonical_query(query, params, *, without=()):
    """``query`` (a QueryDict) reduced to ``params`` in their order, empty values dropped."""
    return urlencode(
        [
            (name, value)
            for name in params
            if name not in without
            for value in query.getlist(name)
            if value != ""
        ]
    )


def _key(prefix, gen, text):
    return f"{prefix}:{gen}:{hashlib.sha256(text.encode()).hexdigest()}"


def _anonymous_read(request):
    """A GET/HEAD from someone without a session, flash messages or a pin to the primary."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or MESSAGES_COOKIE in cookies
        or settings.REPLICA_PIN_COOKIE in cookies
    )


def _storable(request, response):
    return (
        request.method == "GET"
        and getattr(response, _CACHEABLE, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies  # a Set-Cookie belongs to one visitor
        # A page that embeds a CSRF token carries this visitor's secret.
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _public_params(request):
    """The query parameters of the ``public_cache`` view this path leads to, else None."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return getattr(match.func, "public_cache_params", None)


class AnonymousPageCacheMiddleware:
    """Serve anonymous readers' pages from the cache before sessions, CSRF, auth and the view.

    Placed right after whitenoise and inside the security middlewares, so that a hit costs two
    cache reads and still gets every security header on the way out. Only responses of views
    wrapped in :func:`public_cache` are stored, so staff pages and the application form never
    are, whatever their URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = _public_params(request) if _anonymous_read(request) else None
        if params is None:
            return self.get_response(request)
        # The scheme and host are part of the page (absolute links of the API and the feed).
        url = f"{request.scheme}://{request.get_host()}{request.path}?{canonical_query(request.GET, params)}"
        key = _key("page", generation(), url)
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if _storable(request, response) and _settled():
            headers = [(name, response[name]) for name in _KEPT_HEADERS if name in response]
            cache.set(key, (response.status_code, headers, response.content), PAGE_TIMEOUT)
        return response

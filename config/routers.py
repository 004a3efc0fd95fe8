"""Primary/replica routing for scale-out: reads go to the replica, everything else to the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (settings then define the ``replica`` alias,
install :class:`PrimaryReplicaRouter` and :class:`ReplicaPinMiddleware`). A replica lags the
primary by a little, so a request is *pinned* to the primary — all its reads too — when:

- it is not a safe method (POST & co. validate against what they are about to change);
- it has already written something (read-your-own-writes for the rest of the request);
- a read happens inside a transaction (``select_for_update``, counters, services);
- the browser carries the short-lived pin cookie set after a write, so the redirect that
  follows a form (the application receipt, the admin change list) sees the new row.

A replica that stops answering must not take the site down with it: :data:`breaker` (a circuit
breaker, one per process) opens at the first failed connection, sends every read to the primary
for ``DJANGO_REPLICA_RETRY_SECONDS`` and then lets one request try the replica again. The
connection is made (or health-checked) when the router picks the replica, before the query, so
the request that finds the replica down is itself answered from the primary; only a query
already running on the replica when it dies fails.

Migrations run on the primary only; the replica receives them by replication.
"""

import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = settings.REPLICA_PIN_COOKIE
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class _Pin:
    pinned: bool = False
    wrote: bool = False


# A ContextVar, not a thread-local: correct under gunicorn's threads and under ASGI alike.
_pin = ContextVar("zwgk_replica_pin", default=None)


def replica_configured():
    return REPLICA_DB_ALIAS in settings.DATABASES


def pin_to_primary():
    """Send every further query of the current request (or command) to the primary."""
    state = _pin.get()
    if state is None:
        state = _Pin()
        _pin.set(state)
    state.pinned = True


def is_pinned():
    state = _pin.get()
    return state is not None and (state.pinned or state.wrote)


logger = logging.getLogger("zwgk.replica")


class ReplicaBreaker:
    """Closed while the replica answers; open (reads on the primary) for ``retry_seconds`` after
    a failed connection; then the next read tries the replica once more (and opens it again if
    that fails). State is per process: each gunicorn worker finds out on its own first attempt,
    which that worker's request survives."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since = None  # wall-clock time of the first failure, None while closed
        self.retry_at = 0.0  # monotonic time of the next attempt while open
        self.reason = ""

    @property
    def is_open(self):
        return self.down_since is not None

    def allows_attempt(self):
        return self.down_since is None or time.monotonic() >= self.retry_at

    def trip(self, exc):
        retry = settings.REPLICA_RETRY_SECONDS
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since = time.time()
            self.retry_at = time.monotonic() + retry
            self.reason = " ".join(str(exc).split())[:300]
        if first:
            logger.warning(
                "只读副本不可用，读请求改由主库处理，%s 秒后重试：%s", retry, self.reason
            )

    def close(self):
        with self._lock:
            if self.down_since is None:
                return
            outage = time.time() - self.down_since
            self.down_since, self.retry_at, self.reason = None, 0.0, ""
        logger.warning("只读副本已恢复，读请求回到副本（中断约 %.0f 秒）", outage)

    def status(self):
        """For /healthz: ``ok``, or ``unavailable`` with the reason and the next attempt."""
        if self.down_since is None:
            return {"replica": "ok"}
        return {
            "replica": "unavailable",
            "replica_error": self.reason,
            "replica_retry_in": max(0, round(self.retry_at - time.monotonic(), 1)),
        }


breaker = ReplicaBreaker()


def replica_usable():
    """Whether reads may go to the replica now: connects (or health-checks the open connection,
    once per request) unless the breaker is open; a failure opens it."""
    if not breaker.allows_attempt():
        return False
    connection = connections[REPLICA_DB_ALIAS]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error as exc:
        connection.close()
        breaker.trip(exc)
        return False
    if breaker.is_open:
        breaker.close()
    return True


class PrimaryReplicaRouter:
    """Reads to ``replica`` unless pinned; writes, relations and migrations on the primary."""

    def db_for_read(self, model, **hints):
        if not replica_configured() or is_pinned():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Inside a transaction the read must see the transaction's own writes and locks.
            return DEFAULT_DB_ALIAS
        if not replica_usable():
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _pin.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows, so objects read from either may be related.
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA_DB_ALIAS:
            return False
        return None


class ReplicaPinMiddleware:
    """Opens a pin scope per request and sets the pin cookie after a write.

    Sits before SessionMiddleware so that the session saved on the way out counts as a write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Pin(pinned=request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES)
        token = _pin.set(state)
        try:
            response = self.get_response(request)
        finally:
            _pin.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

"""Primary/replica routing for scale-out: reads go to the replica, everything else to the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (settings then define the ``replica`` alias,
install :class:`PrimaryReplicaRouter` and :class:`ReplicaPinMiddleware`). A replica lags the
primary by a little, so a request is *pinned* to the primary — all its reads too — when:

- it is not a safe method (POST & co. validate against what they are about to change);
- it has already written something (read-your-own-writes for the rest of the request);
- a read happens inside a transaction (``select_for_update``, counters, services);
- the browser carries the short-lived pin cookie set after a write, so the redirect that
  follows a form (the application receipt, the admin change list) sees the new row.

Migrations run on the primary only; the replica receives them by replication.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

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


class PrimaryReplicaRouter:
    """Reads to ``replica`` unless pinned; writes, relations and migrations on the primary."""

    def db_for_read(self, model, **hints):
        if not replica_configured() or is_pinned():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Inside a transaction the read must see the transaction's own writes and locks.
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

"""Per-client rate limits kept in the database, so every gunicorn worker sees the same count.

Fixed windows: the key holds the window number, so a new window starts a new row and old rows
are removed as new ones are created. Client addresses are stored only as keyed hashes.
"""

import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.network import client_ip
from applications import pii
from applications.models import Throttle

# scope → (allowed hits, window in seconds)
LIMITS = {
    "apply": (10, 3600),  # posts of the application form per client and hour
    "status": (10, 600),  # status look-ups per client in 10 minutes
    "status-number": (20, 3600),  # wrong codes for one tracking number, from anywhere, per hour
    "receipt-mail": (3, 86400),  # e-mails of one receipt per day
    "subscribe": (10, 3600),  # e-mail subscription requests per client and hour
    "subscribe-address": (3, 86400),  # confirmation mails to one address per day
}


def client_key(request):
    return pii.blind_index(client_ip(request) or "unknown", field="client")[:32]


def _key(scope, subject):
    window = LIMITS[scope][1]
    return f"{scope}:{subject}:{int(time.time() // window)}"[:120]


def count(scope, request):
    """How many requests the client made in ``scope`` in the current window, without counting one."""
    return (
        Throttle.objects.filter(key=_key(scope, client_key(request)))
        .values_list("count", flat=True)
        .first()
        or 0
    )


def record(scope, request):
    """Count one request of the client in ``scope``; the number so far in this window."""
    return _hit_count(scope, client_key(request))


def hit(scope, subject):
    """Count one request of ``subject`` in ``scope``; False when it is over the limit."""
    return _hit_count(scope, subject) <= LIMITS[scope][0]


def _hit_count(scope, subject):
    window = LIMITS[scope][1]
    key = _key(scope, subject)
    rows = Throttle.objects.filter(key=key)
    if not rows.update(count=F("count") + 1):
        expires = timezone.now() + timedelta(seconds=window)
        try:
            with transaction.atomic():
                Throttle.objects.create(key=key, count=1, expires_at=expires)
            Throttle.objects.filter(expires_at__lt=timezone.now()).delete()
        except IntegrityError:  # another worker created it first
            rows.update(count=F("count") + 1)
    return rows.values_list("count", flat=True).first()


def over_limit(scope, request, subject=None):
    return not hit(scope, subject or client_key(request))

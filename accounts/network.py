"""Where a request comes from: the client IP, trusting ``X-Forwarded-For`` only from our proxies."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=32)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def in_networks(ip, entries):
    """True when ``ip`` lies in one of ``entries`` (addresses or CIDR networks)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(entries)))


def client_ip(request):
    """The client's address.

    ``X-Forwarded-For`` is anyone's to forge, so it is read only when the direct peer is one of
    ``TRUSTED_PROXIES``; then the right-most address that is not itself a trusted proxy wins.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = tuple(settings.TRUSTED_PROXIES)
    if not trusted or not in_networks(peer, trusted):
        return _valid(peer)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for candidate in reversed([part for part in forwarded if part]):
        if not in_networks(candidate, trusted):
            return _valid(candidate)
    return _valid(peer)


def _valid(ip):
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None

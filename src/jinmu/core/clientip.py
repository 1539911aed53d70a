"""The real client address of a request: the one place that decides whether to believe
X-Forwarded-For (used by the sign-in lockout and the audit log)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse JINMU_TRUSTED_PROXIES entries (addresses or CIDR ranges)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _networks(tuple(getattr(settings, "JINMU_TRUSTED_PROXIES", ())))
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: REMOTE_ADDR, unless that is one of the configured proxies;
    then the right-most X-Forwarded-For entry that is not itself a trusted proxy. A client
    that talks to Django directly cannot choose its address by sending the header."""
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    if not _trusted(remote):
        return str(remote)
    # Each proxy appends the address it received the request from, so the right end is the
    # part our own proxies wrote; anything to the left of the first outsider is client-made.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        hop = _parse(entry)
        if hop is None:
            break
        if not _trusted(hop):
            return str(hop)
        remote = hop
    return str(remote)

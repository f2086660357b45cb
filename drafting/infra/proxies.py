"""Behind reverse proxies: the client's address and scheme, believed only from trusted proxies.

`LIASSE_TRUSTED_PROXIES` lists the proxies' addresses or networks ("10.0.0.0/8, 127.0.0.1").
A request whose peer is one of them has its `X-Forwarded-For` walked from the right, skipping
trusted hops, to the first untrusted address: the client (what a client writes further left is
its own claim and ignored). Its `X-Forwarded-Proto` (the last value, set by the nearest proxy)
becomes the scheme. From any other peer both headers are ignored, so a client cannot pose as
another address (rate limits, login throttling) nor turn HSTS on with a forged scheme.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def parse_networks(value: str | None) -> tuple[Network, ...]:
    """The trusted networks of a comma-separated setting (a bare address is a /32 or /128)."""
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError as exc:
        raise ValueError(f"LIASSE_TRUSTED_PROXIES: {exc}") from exc


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR and the scheme from the forwarding headers of trusted peers."""

    def __init__(self, app: WSGIApp, networks: tuple[Network, ...]) -> None:
        self.app, self.networks = app, networks

    def trusted(self, value: str) -> bool:
        """Whether `value` is the address of a trusted proxy."""
        address = _address(value)
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The first untrusted address walking the chain back from the proxy."""
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if _address(hop) is None:
                return peer  # a malformed chain proves nothing: keep the proxy's address
            if not self.trusted(hop):
                return hop
        return peer

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Rewrite the environ when the peer is a trusted proxy, then call the app."""
        peer = environ.get("REMOTE_ADDR", "")
        if self.networks and self.trusted(peer):
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                environ["REMOTE_ADDR"] = self.client(peer, forwarded)
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)

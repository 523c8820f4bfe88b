"""Trusted proxies: whose `X-Forwarded-For` says who the client is.

Behind a reverse proxy every request comes from the proxy's address, so the rate limit, the
loopback rule for internal endpoints (gate.py) and the access log would all see the proxy. The
proxy names the real client in `X-Forwarded-For` (and the scheme in `X-Forwarded-Proto`), but
anyone can send those headers, so they are believed only when the immediate peer is a trusted
proxy. The client is then the rightmost address in `X-Forwarded-For` that is not itself a
trusted proxy, so entries a client wrote to the left of what the proxy appended are ignored:

    peer 127.0.0.1 (trusted), X-Forwarded-For "6.6.6.6, 203.0.113.7"  ->  client 203.0.113.7
    peer 198.51.100.4 (not trusted), X-Forwarded-For "127.0.0.1"      ->  client 198.51.100.4

uvicorn's `ProxyHeadersMiddleware` applies the rule before the app (and the gate) sees the
request; `blogqa serve` hands it the list from `--forwarded-allow-ips`, `BLOGQA_FORWARDED_ALLOW_IPS`
or `forwarded_allow_ips` under `[server]` (default: loopback, for a proxy on the same machine).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ..errors import UsageError


def trusted_proxies(value: str | Iterable[str], where: str = "--forwarded-allow-ips") -> tuple[str, ...]:
    """The trusted proxies as a checked tuple:

        trusted_proxies("127.0.0.1, 10.0.0.0/8") -> ("127.0.0.1", "10.0.0.0/8")
        trusted_proxies("*") -> ("*",)          (every peer: only when nothing else can reach blogqa)
        trusted_proxies("") -> ()               (no proxy: X-Forwarded-For is never believed)
        trusted_proxies("proxy.internal")       -> UsageError (an address or network, not a name)
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if item != "*":
            try:
                ipaddress.ip_network(item, strict=False) if "/" in item else ipaddress.ip_address(item)
            except ValueError:
                raise UsageError(f"{where}: {item!r} is not an IP address or network "
                                 "(give the proxy's address, e.g. 127.0.0.1 or 172.16.0.0/12)") from None
        out.append(item)
    return tuple(out)


def uvicorn_value(proxies: tuple[str, ...]) -> str:
    """uvicorn's `forwarded_allow_ips` string: `("127.0.0.1", "::1") -> "127.0.0.1,::1"`."""
    return ",".join(proxies)

"""The gate every request passes first (a plain ASGI middleware, so it also guards 404s,
`/docs` and `/openapi.json`):

- public surface (`/widget`, `/widget.js`, `/widget/...`, `/healthz`, `/static/...`,
  `/api/public/...`): no key; `/api/public/*` is rate-limited per client and answers
  cross-origin calls only from the configured origins (CORS headers for those alone);
- everything else is internal: with API keys configured it needs `Authorization: Bearer KEY`
  (browsers may send the key as the password of HTTP Basic auth); with none configured it
  answers loopback clients only, whatever `Authorization` header they send. A browser call
  from another origin is refused, so a web page cannot drive a loopback server (CSRF), and so
  is a browser request another site started (`Sec-Fetch-Site`), except following a link to a
  page: an `<img src=/api/search?q=...>` elsewhere cannot log questions.
- internal endpoints also check the `Host` the browser sent: with no keys only loopback names
  (127.0.0.1, localhost, [::1]) and `allowed_hosts`, so a page whose name an attacker re-pointed
  at 127.0.0.1 (DNS rebinding) is "same origin" but still refused; with keys, `allowed_hosts`
  when set. The public surface answers any Host (it sits behind proxies).
- bodies are read here, capped (413) and handed on whole, so the app never waits on a client.
"""
from __future__ import annotations

import base64
import hmac
import ipaddress
import json
from urllib.parse import urlsplit

from .errors import error_body
from .ratelimit import SlidingWindow

KB = 1024
BODY_LIMITS = (("/api/public/", 16 * KB), ("/v1/", 1024 * KB), ("/", 256 * KB))
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Content-Type"


def is_public(path: str) -> bool:
    return (path in ("/widget", "/widget.js", "/healthz", "/favicon.ico")
            or path.startswith(("/widget/", "/static/", "/api/public/")))


def is_loopback(host: str | None) -> bool:
    if host is None:  # a unix socket: only local processes reach it
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host == "localhost"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def host_name(host: str) -> str:
    """The name in a Host header: `"127.0.0.1:8000"` -> `"127.0.0.1"`, `"[::1]:8000"` -> `"::1"`,
    `"Blog.Example.com.:443"` -> `"blog.example.com"`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    name, colon, port = host.rpartition(":")
    if colon and ":" not in name and (port.isdigit() or not port):
        host = name
    return host.rstrip(".")


class HostCheck:
    """Which `Host` values internal endpoints answer (DNS rebinding):

        HostCheck((), keys=False).allows("localhost:8000") -> True
        HostCheck((), keys=False).allows("evil.example:8000") -> False
        HostCheck((), keys=True).allows("evil.example") -> True   (the key is the guard)
        HostCheck(("blog.example.com",), keys=True).allows("evil.example") -> False

    No Host header at all (HTTP/1.0 tools) is allowed: every browser sends one."""

    def __init__(self, allowed_hosts: tuple[str, ...], keys: bool):
        self.names = {host_name(h) for h in allowed_hosts}
        self.any = "*" in self.names or (keys and not self.names)
        self.loopback = not keys

    def allows(self, host: str | None) -> bool:
        if host is None or self.any:
            return True
        name = host_name(host)
        return name in self.names or (self.loopback and is_loopback(name))


def started_by_another_site(headers: dict[str, str], method: str, path: str) -> bool:
    """A browser request that another site's page made (`Sec-Fetch-Site: cross-site` or
    `same-site`), other than following a link to a page. Requests without the header (curl,
    scripts, servers, old browsers) are not."""
    site = headers.get("sec-fetch-site")
    if site not in ("cross-site", "same-site"):
        return False
    followed_link = (method == "GET" and headers.get("sec-fetch-mode") == "navigate"
                     and headers.get("sec-fetch-dest", "document") == "document"
                     and not path.startswith(("/api/", "/v1/")))
    return not followed_link


def presented_key(authorization: str | None) -> str | None:
    """`"Bearer k1"` -> `"k1"`; `"Basic " + b64("staff:k1")` -> `"k1"` (the password is the key)."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def key_ok(key: str | None, keys: tuple[str, ...]) -> bool:
    if not key:
        return False
    ok = False
    for k in keys:  # compare with every key, so timing does not tell which one nearly matched
        ok |= hmac.compare_digest(key.encode(), k.encode())
    return ok


def body_limit(path: str) -> int:
    return next(limit for prefix, limit in BODY_LIMITS if path.startswith(prefix))


class Gate:
    def __init__(self, app, api_keys: tuple[str, ...], allowed_origins: tuple[str, ...], rate_limit: int,
                 allowed_hosts: tuple[str, ...] = ()):
        self.app = app
        self.api_keys = tuple(api_keys)
        self.allowed_origins = {o.rstrip("/") for o in allowed_origins}
        self.hosts = HostCheck(tuple(allowed_hosts), keys=bool(self.api_keys))
        self.limiter = SlidingWindow(rate_limit, 60.0)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = scope.get("client")
        host = client[0] if client else None
        origin = headers.get("origin")
        cors: dict[str, str] = {}

        if is_public(path):
            if path.startswith("/api/public/") and origin and not self._same_origin(origin, headers):
                if origin.rstrip("/") not in self.allowed_origins and "*" not in self.allowed_origins:
                    return await _reply(send, 403, f"origin {origin} is not allowed to call this server")
                cors = {"access-control-allow-origin": origin, "vary": "Origin"}
                if scope["method"] == "OPTIONS":
                    return await _reply(send, 204, None, {
                        **cors, "access-control-allow-methods": CORS_METHODS,
                        "access-control-allow-headers": CORS_HEADERS, "access-control-max-age": "600"})
            if path.startswith("/api/public/") and scope["method"] != "OPTIONS":
                wait = self.limiter.hit(host or "local")
                if wait:
                    return await _reply(send, 429, "too many requests; try again shortly",
                                        {**cors, "retry-after": str(int(wait) + 1)})
        else:
            if not self.hosts.allows(headers.get("host")):
                return await _reply(send, 403, f"Host {host_name(headers['host'])!r} is not allowed for internal "
                                               "endpoints (use 127.0.0.1 or localhost, or set allowed_hosts)")
            if origin and not self._same_origin(origin, headers):
                return await _reply(send, 403, "cross-origin calls to internal endpoints are not allowed")
            if started_by_another_site(headers, scope["method"], path):
                return await _reply(send, 403, "requests from other sites to internal endpoints are not allowed")
            if self.api_keys:
                if not key_ok(presented_key(headers.get("authorization")), self.api_keys):
                    page = scope["method"] == "GET" and "text/html" in headers.get("accept", "")
                    challenge = 'Basic realm="blogqa", charset="UTF-8"' if page else 'Bearer realm="blogqa"'
                    return await _reply(send, 401, "missing or wrong API key: send 'Authorization: Bearer KEY'",
                                        {"www-authenticate": challenge})
            elif not is_loopback(host):
                return await _reply(send, 403, "no API keys are configured, so internal endpoints answer "
                                               "loopback clients only (set BLOGQA_API_KEYS)")

        limit = body_limit(path)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await _reply(send, 413, f"request body over {limit // KB} KiB", cors)
        if length is not None or scope["method"] in ("POST", "PUT", "PATCH"):
            body, outcome = await _read_capped(receive, limit)
            if outcome == "gone":
                return  # the client went away (or timed out): nobody to answer
            if outcome == "too big":
                return await _reply(send, 413, f"request body over {limit // KB} KiB", cors)
            receive = _replay(body, receive)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff")]
                extra += [(k.encode(), v.encode("latin-1")) for k, v in cors.items()]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _same_origin(origin: str, headers: dict[str, str]) -> bool:
        return bool(headers.get("host")) and urlsplit(origin).netloc.lower() == headers["host"].lower()


async def _read_capped(receive, limit: int) -> tuple[bytes, str]:
    """The whole body and "ok"; or "too big" past `limit` bytes; or "gone" when the client left."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", "gone"
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return b"", "too big"
        if not message.get("more_body"):
            return b"".join(chunks), "ok"


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _reply(send, status: int, message: str | None, headers: dict[str, str] | None = None) -> None:
    body = b"" if message is None else json.dumps(error_body(status, message), ensure_ascii=False).encode()
    raw = [(k.encode(), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if body:
        raw += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw.append((b"x-content-type-options", b"nosniff"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})

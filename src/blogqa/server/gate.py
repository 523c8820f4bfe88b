"""The gate every request passes first (a plain ASGI middleware, so it also guards 404s,
`/docs` and `/openapi.json`):

- public surface (`/widget`, `/widget.js`, `/widget/...`, `/healthz`, `/static/...`,
  `/api/public/...`): no key; `/api/public/*` is rate-limited per client and answers
  cross-origin calls only from the configured origins (CORS headers for those alone);
- everything else is internal: with API keys configured it needs `Authorization: Bearer KEY`
  (browsers may send the key as the password of HTTP Basic auth); with none configured it
  answers loopback clients only, whatever `Authorization` header they send. A browser call
  from another origin is refused, so a web page cannot drive a loopback server (CSRF).
- bodies are capped (413) before the app reads them.
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
    def __init__(self, app, api_keys: tuple[str, ...], allowed_origins: tuple[str, ...], rate_limit: int):
        self.app = app
        self.api_keys = tuple(api_keys)
        self.allowed_origins = {o.rstrip("/") for o in allowed_origins}
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
            if origin and not self._same_origin(origin, headers):
                return await _reply(send, 403, "cross-origin calls to internal endpoints are not allowed")
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
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await _reply(send, 413, f"request body over {limit // KB} KiB", cors)
        elif scope["method"] in ("POST", "PUT", "PATCH"):
            body, too_big = await _read_capped(receive, limit)
            if too_big:
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


async def _read_capped(receive, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", True
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return b"", True
        if not message.get("more_body"):
            return b"".join(chunks), False


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

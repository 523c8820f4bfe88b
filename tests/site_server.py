"""A loopback web server for crawl tests: serves a folder of fixture sites for any host, both
as a plain server (http://127.0.0.1:PORT/...) and as an HTTP forward proxy (absolute-URI
requests, so `HTTP_PROXY=http://127.0.0.1:PORT` lets a crawl fetch http://blog.naver.com/...).

Layout: `ROOT/<host>/<path>`; "/" and paths ending in "/" serve `index.html`, a folder serves
its `index.html`, a query string is tried as part of the file name first (`PostView.naver?blogId=a`).
A file `<file>.headers.json` beside a file gives extra response headers (Content-Type, ETag, ...).
Requests to 127.0.0.1 serve `default_host`'s folder, and `aliases` maps other host names to a
folder (`{"tech.example.com": "site"}`: one fixture, reached by its real name). In served text, `{{origin}}` becomes the
origin as requested (`http://127.0.0.1:PORT` or `http://blog.naver.com`).

    with SiteServer(FIXTURES / "generic-jekyll", default_host="site") as server:
        server.rule("/slow/", delay=5)                # per path: status, headers, delay, redirect,
        server.rule("/busy/", status=429, headers={"Retry-After": "1"}, times=1)  # gzip, body, size
        ...crawl(server.url + "/")...
        assert "/private/" not in server.paths()

Every request is logged (`server.requests`: method, host, path, headers, status, bytes, time, end).
A response carrying an ETag / Last-Modified answers 304 to a matching If-None-Match /
If-Modified-Since; `auto_etag=True` gives every file an ETag from its bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sites"


@dataclass
class Request:
    method: str
    host: str            # without the port for proxied requests on port 80
    path: str            # path with query string
    headers: dict
    status: int = 0
    bytes: int = 0       # body bytes sent
    proxied: bool = False
    time: float = 0.0    # time.monotonic() when it arrived
    end: float = 0.0     # time.monotonic() when the answer was sent


@dataclass
class Rule:
    status: int | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0           # seconds before answering (a "hanging" server: longer than the timeout)
    redirect: str | None = None  # Location (status 302 unless given)
    gzip: bool = False
    body: bytes | None = None
    size: int | None = None      # stream a generated HTML page of this many bytes
    times: int | None = None     # applies to the next N requests only (None: always)


class SiteServer:
    def __init__(self, root: Path | str | None = None, default_host: str | None = None,
                 auto_etag: bool = False, aliases: dict[str, str] | None = None):
        self.root = Path(root) if root is not None else None
        if default_host is None and self.root is not None:
            hosts = [p.name for p in self.root.iterdir() if p.is_dir()]
            default_host = hosts[0] if len(hosts) == 1 else None
        self.default_host = default_host
        self.auto_etag = auto_etag
        self.aliases = aliases or {}
        self.requests: list[Request] = []
        self._rules: dict[tuple[str | None, str], list[Rule]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.proxy_url = self.url

    def __enter__(self) -> "SiteServer":
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rule(self, path: str, host: str | None = None, **kwargs) -> None:
        """Answer `path` (with its query, if any) on `host` (None: any host) as told; rules for
        the same path stack, the oldest with `times` left applies first."""
        with self._lock:
            self._rules.setdefault((host, path), []).append(Rule(**kwargs))

    def paths(self, host: str | None = None) -> list[str]:
        """The paths requested (on `host`, or on any host), in order."""
        return [r.path for r in self.requests if host is None or r.host == host]

    def count(self, path: str, host: str | None = None) -> int:
        return self.paths(host).count(path)

    # ------------------------------------------------------------------ internals

    def _take_rule(self, host: str, path: str) -> Rule | None:
        with self._lock:
            for key in ((host, path), (None, path), (host, path.split("?")[0]), (None, path.split("?")[0])):
                rules = self._rules.get(key, [])
                for rule in rules:
                    if rule.times is None or rule.times > 0:
                        if rule.times is not None:
                            rule.times -= 1
                        return rule
        return None

    def _file(self, host: str, path: str) -> Path | None:
        if self.root is None:
            return None
        if host.startswith("127.0.0.1") and self.default_host:
            folder = self.root / self.default_host
        else:
            folder = self.root / self.aliases.get(host, host)
        plain, _, query = path.partition("?")
        plain = unquote(plain)
        names = [plain + "?" + query] if query else []
        names.append(plain)
        for name in names:
            relative = name.lstrip("/")
            if ".." in Path(relative).parts:
                return None
            candidate = folder / relative
            if name.endswith("/") or candidate.is_dir():
                candidate = candidate / "index.html"
            if candidate.is_file() and not candidate.name.endswith(".headers.json"):
                return candidate
        return None


def _content_type(path: Path, data: bytes) -> str:
    guessed = mimetypes.guess_type(path.name)[0]
    if guessed:
        return guessed + ("; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("xml") else "")
    head = data[:200].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemapindex")):
        return "application/xml; charset=utf-8"
    return "text/html; charset=utf-8"


def _handler(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self._answer(send_body=False)

        def do_GET(self):
            self._answer(send_body=True)

        def _answer(self, send_body: bool):
            self._record = None
            try:
                self._respond(send_body)
            finally:
                if self._record is not None:
                    self._record.end = time.monotonic()

        def do_CONNECT(self):
            self.send_error(405, "CONNECT (https) is not supported by the test proxy")

        def _respond(self, send_body: bool):
            proxied = self.path.startswith(("http://", "https://"))
            if proxied:
                parts = urlsplit(self.path)
                host, origin = parts.netloc.lower(), f"{parts.scheme}://{parts.netloc}"
                path = parts.path or "/"
                path += f"?{parts.query}" if parts.query else ""
            else:
                host = (self.headers.get("Host") or f"127.0.0.1:{site.port}").lower()
                origin, path = f"http://{host}", self.path
            if host.endswith(":80"):
                host = host[:-3]
            record = self._record = Request(self.command, host, path, dict(self.headers.items()),
                                            proxied=proxied, time=time.monotonic())
            with site._lock:
                site.requests.append(record)
            rule = site._take_rule(host, path) or Rule()
            if rule.delay:
                time.sleep(rule.delay)
            headers: dict[str, str] = {}
            body = b""
            status = 200
            file = site._file(host, path)
            if rule.redirect is not None:
                status = rule.status or 302
                headers["Location"] = rule.redirect.replace("{{origin}}", origin)
            elif rule.body is not None or rule.size is not None:
                status = rule.status or 200
                body = rule.body or b""
                headers["Content-Type"] = "text/html; charset=utf-8"
            elif file is not None:
                body = file.read_bytes()
                headers["Content-Type"] = _content_type(file, body)
                side = file.with_name(file.name + ".headers.json")
                if side.is_file():
                    headers.update(json.loads(side.read_text()))
                if site.auto_etag:
                    headers.setdefault("ETag", '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
                status = rule.status or 200
            else:
                status = rule.status or 404
                body = b"<html><body>not found</body></html>"
                headers["Content-Type"] = "text/html; charset=utf-8"
            headers.update(rule.headers)
            if b"{{origin}}" in body and not rule.size:
                body = body.replace(b"{{origin}}", origin.encode())
            if status == 200 and self._not_modified(headers):
                status, body = 304, b""
            if rule.gzip and body:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            record.status = status
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            try:
                if rule.size is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    if send_body:
                        record.bytes = self._stream(rule.size)
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and status != 304:
                    self.wfile.write(body)
                    record.bytes = len(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _not_modified(self, headers: dict) -> bool:
            etag, modified = headers.get("ETag"), headers.get("Last-Modified")
            if etag and self.headers.get("If-None-Match") == etag:
                return True
            return bool(modified and self.headers.get("If-Modified-Since") == modified
                        and not self.headers.get("If-None-Match"))

        def _stream(self, size: int) -> int:
            """A generated page of `size` bytes, sent in chunks (the client may hang up)."""
            piece = b"<p>" + b"x" * 65530 + b"</p>\n"
            head = b"<html><head><title>Big</title></head><body><article><h1>Big</h1><p>start</p>\n"
            self.wfile.write(f"{len(head):x}\r\n".encode() + head + b"\r\n")
            sent = len(head)
            while sent < size:
                chunk = piece[: min(len(piece), size - sent)]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
            return sent

    return Handler

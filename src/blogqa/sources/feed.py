"""RSS/Atom feeds (a file or an http(s) URL) -> posts, with feedparser; URLs fetched with httpx.

Feeds usually hold only the latest posts, and sometimes only summaries: what the feed has is
what gets indexed. Post id: the entry id (guid), else its link, else "SOURCE#N".
"""
from __future__ import annotations

import datetime as dt
import socket
import threading
from typing import Any, Iterator

import feedparser
import httpx

from ..errors import SourceError
from ..models import Post
from ..text.normalize import html_to_text, normalize_text
from . import fields
from .report import LoadReport

DEFAULT_TIMEOUT = 10.0
DEFAULT_DEADLINE = 120.0
MAX_FEED_BYTES = 100 * 2**20


def is_url(source: object) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float = DEFAULT_TIMEOUT, deadline: float = DEFAULT_DEADLINE) -> bytes:
    """GET `url`; any failure (timeout, DNS, refused, HTTP >= 400, too large) -> SourceError.

    `timeout` bounds each connect and read, `deadline` the whole fetch, redirects included: a
    server that sends a byte every few seconds never trips a per-read timeout."""
    watchdog = Watchdog(deadline)
    try:
        return _get(url, timeout, watchdog)
    except httpx.HTTPError as err:
        if watchdog.expired:  # the watchdog's shutdown is what failed the read
            raise watchdog.error(url) from None
        if isinstance(err, httpx.TimeoutException):
            raise SourceError(f"{url}: timed out after {timeout:g} s") from None
        raise SourceError(f"{url}: {type(err).__name__}: {err}".splitlines()[0]) from None
    finally:
        watchdog.cancel()


def _get(url: str, timeout: float, watchdog: "Watchdog") -> bytes:
    with httpx.Client(timeout=timeout, follow_redirects=True,
                      headers={"User-Agent": "blogqa (feed loader)"}) as client:
        with client.stream("GET", url, extensions={"trace": watchdog.trace}) as response:
            if response.status_code >= 400:
                raise SourceError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                if watchdog.expired:
                    raise watchdog.error(url)
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise SourceError(f"{url}: response larger than {MAX_FEED_BYTES // 2**20} MB")
                chunks.append(chunk)
            return b"".join(chunks)


class Watchdog:
    """Shuts down the fetch's sockets once `seconds` have passed, which ends a blocked read at
    once. The sockets come from httpx's "trace" extension, which reports each new connection."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: dict) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def error(self, url: str) -> SourceError:
        return SourceError(f"{url}: not fetched within {self.seconds:g} s")


def _shutdown(sock: socket.socket | None) -> None:
    """Shut the connection down under a blocked reader. The plain socket method, also on a TLS
    socket: SSLSocket.shutdown would drop its SSL state while the other thread is reading."""
    try:
        if sock is not None:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # closed already, or detached by the TLS wrapper
        pass


def parse_feed(data: bytes, source: str) -> Any:
    """feedparser's result; SourceError when `data` is not a feed at all."""
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    # feedparser reads anything: an HTML page comes back with no version, no entries and its
    # body as the "feed summary". A real feed has a version even when it has no entries.
    if not parsed.entries and not parsed.get("version"):
        head = data[:1024].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head:
            reason = "an HTML page; give the URL of its RSS/Atom feed"
        else:
            reason = str(parsed.get("bozo_exception") or "no feed elements").splitlines()[0]
        raise SourceError(f"{source}: not an RSS/Atom feed ({reason})")
    return parsed


def load_feed(parsed: Any, source: str, report: LoadReport) -> Iterator[Post]:
    """Yield the posts of a `parse_feed` result; `source` (path or URL) names it in warnings."""
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{source}: entry {number}"
        title = fields.clean_title(_plain(entry.get("title_detail") or {}, entry.get("title")))
        if not title:
            report.skip(where, "missing title")
            continue
        link = entry.get("link") or None
        updated = _date(entry, "updated", where, report)
        # Atom requires only <updated>: with no published date, it is the best date there is.
        date = _date(entry, "published", where, report) or _date(entry, "created", where, report) or updated
        yield Post(
            id=entry.get("id") or link or f"{source}#{number}",
            title=title,
            body=_body(entry),
            date=date,
            updated=updated if updated != date else None,
            url=link,
            source_path=None,
            tags=fields.merge_tags([t.get("term") or t.get("label") for t in entry.get("tags", [])]),
            author=entry.get("author") or None,
        )


def _body(entry: Any) -> str:
    content = entry.get("content") or []
    detail = max(content, key=lambda c: len(c.get("value", ""))) if content else entry.get("summary_detail")
    if not detail:
        return ""
    return _plain(detail, detail.get("value", ""))


def _plain(detail: Any, value: Any) -> str:
    text = str(value or "")
    return html_to_text(text) if "html" in str(detail.get("type", "")) else normalize_text(text)


def _date(entry: Any, key: str, where: str, report: LoadReport) -> dt.date | None:
    """The date as written in the feed (so "+0900" keeps its own calendar day), else feedparser's
    parsed (UTC) value."""
    # dict.get: FeedParserDict.get("updated") would echo "published" (with a DeprecationWarning).
    try:
        return fields.parse_date(dict.get(entry, key))
    except ValueError:
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            return dt.date(*parsed[:3])
        report.warn(where, f"unparseable {key} date {str(dict.get(entry, key))[:40]!r}")
        return None

"""RSS/Atom feeds (a file or an http(s) URL) -> posts, with feedparser; URLs fetched with httpx.

Feeds usually hold only the latest posts, and sometimes only summaries: what the feed has is
what gets indexed. Post id: the entry id (guid), else its link, else "SOURCE#N".
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import feedparser
import httpx

from ..errors import SourceError
from ..models import Post
from ..text.normalize import html_to_text, normalize_text
from . import fields
from .report import LoadReport

DEFAULT_TIMEOUT = 10.0
MAX_FEED_BYTES = 100 * 2**20


def is_url(source: object) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """GET `url`; any failure (timeout, DNS, refused, HTTP >= 400, too large) -> SourceError."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True,
                          headers={"User-Agent": "blogqa (feed loader)"}) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise SourceError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_FEED_BYTES:
                        raise SourceError(f"{url}: response larger than {MAX_FEED_BYTES // 2**20} MB")
                    chunks.append(chunk)
                return b"".join(chunks)
    except httpx.TimeoutException:
        raise SourceError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as err:
        raise SourceError(f"{url}: {type(err).__name__}: {err}".splitlines()[0]) from None


def parse_feed(data: bytes, source: str) -> Any:
    """feedparser's result; SourceError when `data` is not a feed at all."""
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries and not parsed.feed:
        reason = str(parsed.get("bozo_exception", "not a feed")).splitlines()[0]
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

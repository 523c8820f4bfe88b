"""What a crawl remembers about a site (`CrawlState`, stored by the index per URL source) and
what one crawl returns (`CrawlResult`).

    >>> state = CrawlState("http://x/", {"http://x/a": PageRecord("http://x/a", status=200)})
    >>> CrawlState.from_json(state.to_json()) == state
    True
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from ..models import Post


@dataclass
class PageRecord:
    """One page of the site as seen at the last visit."""

    url: str                         # the URL requested (key in CrawlState.pages)
    canonical: str | None = None     # canonical URL of a post page (Post.url, what citations show)
    post_id: str | None = None       # id of the Post this page produced; None when not a post page
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header as sent
    lastmod: str | None = None       # sitemap <lastmod> (or feed updated/published date) at that visit
    content_hash: str | None = None  # Post.content_hash of the extracted post, or sha256 of the body
    status: int = 0                  # last HTTP status (200, 304, 404, ...)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "PageRecord":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class CrawlState:
    """Everything a later crawl of `start_url` needs to fetch only what may have changed."""

    start_url: str
    pages: dict[str, PageRecord] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"start_url": self.start_url, "pages": [p.to_json() for p in self.pages.values()]}

    @classmethod
    def from_json(cls, d: dict) -> "CrawlState":
        pages = [PageRecord.from_json(p) for p in d.get("pages", [])]
        return cls(d["start_url"], {p.url: p for p in pages})


@dataclass
class CrawlResult:
    posts: list[Post]      # posts fetched this time that are new or changed (first crawl: all)
    kept: set[str]         # post ids still on the site, not re-downloaded or unchanged
    removed: set[str]      # post ids whose page answered 404/410, or that left every sitemap and feed
    state: CrawlState      # the new state to store (removed pages dropped)
    not_modified: int = 0  # pages answered 304
    unchanged: int = 0     # pages not requested (lastmod unchanged) + pages with the same hash
    errors: int = 0        # fetch failures (each also a warning line in the report)

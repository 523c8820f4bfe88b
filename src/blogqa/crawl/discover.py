"""Finding a blog's posts from any of its URLs (home, a post, a feed, a sitemap).

Sitemaps (robots.txt `Sitemap:` lines, the platform's, /sitemap.xml, /sitemap_index.xml,
/wp-sitemap.xml, /sitemap-posts.xml; indexes followed) and feeds (`<link rel="alternate">`,
the platform's, /feed /rss /feed.xml /rss.xml /atom.xml /index.xml) give the candidate URLs,
and a platform's JSON list of posts (WordPress REST) when there is no sitemap; paginated
archive pages are the last resort. Feeds announce posts and dates; the crawl reads
each post's full text from its page.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import defusedxml.ElementTree as SafeET

from ..errors import SourceError
from ..models import Post
from ..sources.feed import load_feed, parse_feed
from ..sources.report import LoadReport
from ..text.html_text import parse_html
from .http import XML_LIMIT, Fetcher, Page, host_of, origin_of
from .platforms import Platform

SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap-posts.xml")
FEED_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml")
MAX_SITEMAPS = 50          # child sitemaps followed in all
MAX_ARCHIVE_PAGES = 30     # archive pages walked when there is no sitemap or feed

# Path segments of listing and site pages, never posts.
_NOT_POST_SEGMENTS = {
    "tag", "tags", "category", "categories", "archive", "archives", "author", "authors", "page",
    "search", "about", "contact", "feed", "rss", "topics", "label", "labels", "users", "user",
    "wp-admin", "wp-content", "wp-includes", "wp-json", "login", "signup", "privacy", "terms",
    "comments", "trackback", "attachment", "cdn-cgi", "assets", "static", "images", "img",
}
_NOT_POST_EXTS = (".xml", ".rss", ".atom", ".json", ".txt", ".jpg", ".jpeg", ".png", ".gif",
                  ".svg", ".webp", ".pdf", ".zip", ".css", ".js", ".ico", ".mp4", ".mp3", ".woff", ".woff2")
_CHILD_SITEMAP_SKIP = re.compile(r"tag|categor|author|user|taxonom|image|video", re.I)
_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$)")
_PAGINATION = re.compile(r"(/page/\d+/?$|[?&](page|paged|p)=\d+)", re.I)
_NEXT_WORDS = ("next", "older", "이전", "다음", "more", "›", "»")


@dataclass
class Candidate:
    """A URL that may be a post: where it was announced, its lastmod, its feed entry."""

    url: str
    lastmod: str | None = None
    entry: Post | None = None     # the feed's version of the post (used when the page fails)
    in_feed: bool = False
    in_sitemap: bool = False


@dataclass
class Discovery:
    candidates: dict[str, Candidate] = field(default_factory=dict)   # normalised URL -> candidate
    tried: list[str] = field(default_factory=list)
    start_page: Page | None = None
    sitemap_read: bool = False   # a sitemap listed pages: what it does not list has left the site
    incomplete: bool = False     # a sitemap or feed failed to load: the lists may be partial

    def nothing_found(self, url: str) -> str:
        return f"{url}: no feed, sitemap or post page found (tried {', '.join(self.tried)})"

    def add(self, url: str, lastmod: str | None = None, entry: Post | None = None,
            in_feed: bool = False, in_sitemap: bool = False) -> None:
        key = normalise_url(url)
        found = self.candidates.setdefault(key, Candidate(key))
        found.lastmod = found.lastmod or lastmod
        found.entry = found.entry or entry
        found.in_feed |= in_feed
        found.in_sitemap |= in_sitemap


def normalise_url(url: str) -> str:
    """No fragment, no tracking parameters (utm_*, fbclid, gclid, Medium's source=rss…),
    lower-case scheme and host.

        >>> normalise_url("HTTPS://Blog.Example/a?utm_source=x&id=2#top")
        'https://blog.example/a?id=2'
        >>> normalise_url("https://medium.com/t/kafka-3f2a?source=rss----7e1c---4")
        'https://medium.com/t/kafka-3f2a'
    """
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k) and not (k == "source" and v.startswith("rss"))])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def looks_like_post_url(url: str, platform: Platform) -> bool | None:
    """False for the home page, listing pages (tag, category, archive, page N), site pages
    (about, contact) and files; the platform's verdict when it has one; else None (the page
    itself decides).

        >>> from .platforms import Platform
        >>> [looks_like_post_url(u, Platform("static")) for u in
        ...  ("http://b/", "http://b/tags/kafka/", "http://b/about/", "http://b/2024/01/02/x/")]
        [False, False, False, None]
    """
    verdict = platform.is_post_url(url)
    if verdict is not None:
        return verdict
    path = urlsplit(url).path
    if path in ("", "/") or path.lower().endswith(_NOT_POST_EXTS):
        return False
    segments = [s.lower() for s in path.split("/") if s]
    if any(s in _NOT_POST_SEGMENTS for s in segments) or _PAGINATION.search(url):
        return False
    return None


def fetch_start(start_url: str, fetcher: Fetcher) -> Page:
    """The start URL's page; SourceError when the site cannot be read at all."""
    error = fetcher.robots_error(start_url)
    if error:  # robots.txt unreachable: nothing there may be crawled
        raise SourceError(f"{start_url}: {error}")
    start = fetcher.get(start_url, limit=XML_LIMIT)
    if start is None:  # refused, timed out, HTTP error, disallowed: the one warning says which
        raise SourceError(fetcher.report.warnings.pop())
    return start


def discover(start_url: str, start: Page, fetcher: Fetcher, platform: Platform, report: LoadReport) -> Discovery:
    """Candidate post URLs of the blog at `start_url` (whose page is `start`); SourceError
    (saying what was tried) when no sitemap, feed or post page is found."""
    found = Discovery(start_page=start)
    found.tried.append(start_url)
    origin = origin_of(start.url)
    home_url = origin + "/"
    kind = _kind(start)
    if kind == "sitemap":
        _read_sitemap(start, fetcher, found, set())
    elif kind == "feed":
        _read_feed(start, found, report)
    html_pages = [start] if kind == "html" else []
    if kind != "sitemap":  # a feed holds the latest posts only: the sitemap has them all
        _sitemaps(origin, fetcher, platform, found, start_url)
        if not any(c.in_sitemap for c in found.candidates.values()):
            _api(start_url, fetcher, platform, found)
    if not any(c.in_feed for c in found.candidates.values()) and kind != "feed":
        if normalise_url(start_url) != normalise_url(home_url):
            home = _probe(fetcher, home_url, found, record=False)
            if home is not None and _kind(home) == "html":
                html_pages.append(home)
        _feeds(start_url, origin, fetcher, platform, found, html_pages, report)
    if not found.candidates:
        _archive(home_url, fetcher, platform, found, html_pages)
    if not found.candidates:
        raise SourceError(found.nothing_found(start_url))
    return found


def _xml_bytes(page: Page) -> bytes:
    """The body, gunzipped when it is a `.xml.gz` file (a sitemap may be), at most XML_LIMIT bytes."""
    if not page.content.startswith(b"\x1f\x8b"):
        return page.content
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(page.content, XML_LIMIT)
    except zlib.error:
        return b""


def _kind(page: Page) -> str:
    head = _xml_bytes(page)[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return "html"


def _probe(fetcher: Fetcher, url: str, found: Discovery, record: bool = True) -> Page | None:
    """GET a guessed URL: a 404 or a robots.txt Disallow is no news (no warning)."""
    if record:
        found.tried.append(urlsplit(url).path or url)
    if host_of(url) not in fetcher.hosts or not fetcher.allowed(url):
        return None
    page = fetcher.get(url, limit=XML_LIMIT, quiet_status=True)
    found.incomplete |= page is None  # a failure (its warning is written), not a plain 404
    return page if page is not None and page.status == 200 else None


# ---------------------------------------------------------------------- sitemaps

def _sitemaps(origin: str, fetcher: Fetcher, platform: Platform, found: Discovery, start_url: str) -> None:
    listed = [u for u in fetcher.sitemaps_in_robots(origin + "/") if host_of(u) in fetcher.hosts]
    found.tried.append("robots.txt Sitemap: lines")
    seen: set[str] = set()
    for group in (listed, platform.sitemap_urls(start_url), [origin + p for p in SITEMAP_PATHS]):
        for url in group:
            if url in seen:
                continue
            seen.add(url)
            page = _probe(fetcher, url, found)
            if page is not None and _kind(page) == "sitemap":
                _read_sitemap(page, fetcher, found, seen)
        if any(c.in_sitemap for c in found.candidates.values()):
            return


def _read_sitemap(page: Page, fetcher: Fetcher, found: Discovery, seen: set[str], depth: int = 0) -> None:
    try:
        root = SafeET.fromstring(_xml_bytes(page))
    except Exception as err:  # defusedxml raises several kinds; any of them: not a sitemap
        fetcher.report.warn(page.url, f"not a readable sitemap ({type(err).__name__})")
        found.incomplete = True
        return
    tag = root.tag.rsplit("}", 1)[-1].lower()
    entries = [(_child_text(node, "loc"), _child_text(node, "lastmod")) for node in root
               if node.tag.rsplit("}", 1)[-1].lower() in ("url", "sitemap")]
    if tag == "sitemapindex":
        if depth >= 2:
            return
        for loc, _ in entries:
            if not loc or loc in seen or len(seen) > MAX_SITEMAPS or _CHILD_SITEMAP_SKIP.search(urlsplit(loc).path):
                continue
            seen.add(loc)
            child = _probe(fetcher, loc, found, record=False)
            if child is not None:
                _read_sitemap(child, fetcher, found, seen, depth + 1)
        return
    for loc, lastmod in entries:
        if loc and host_of(loc) in fetcher.hosts:
            found.add(loc, lastmod=lastmod, in_sitemap=True)
            found.sitemap_read = True


def _child_text(node, name: str) -> str | None:
    for child in node:
        if child.tag.rsplit("}", 1)[-1].lower() == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _api(start_url: str, fetcher: Fetcher, platform: Platform, found: Discovery) -> None:
    """A platform's JSON list of all posts (WordPress REST) when there is no sitemap; a closed
    API (401/403/404) is no news."""
    for url in platform.api_urls(start_url):
        for _ in range(MAX_SITEMAPS):
            page = _probe(fetcher, url, found)
            listing = platform.read_api(url, page.text, page.headers) if page is not None else None
            if listing is None:
                break
            for post_url, lastmod in listing.posts:
                if host_of(post_url) in fetcher.hosts:
                    found.add(post_url, lastmod=lastmod, in_sitemap=True)
            if not listing.next_url:
                break
            url = listing.next_url


# ---------------------------------------------------------------------- feeds

def _feeds(start_url: str, origin: str, fetcher: Fetcher, platform: Platform, found: Discovery,
           html_pages: list[Page], report: LoadReport) -> None:
    advertised = []
    for page in html_pages:
        advertised += [urljoin(page.url, href) for href in _links(page.text).feeds]
    guesses = advertised + platform.feed_urls(start_url) + [origin + p for p in FEED_PATHS]
    seen: set[str] = set()
    for url in guesses:
        if url in seen:
            continue
        seen.add(url)
        page = _probe(fetcher, url, found)
        if page is not None and _kind(page) == "feed" and _read_feed(page, found, report):
            return


def _read_feed(page: Page, found: Discovery, report: LoadReport) -> bool:
    """Add the feed's entries; False when it is not a feed after all."""
    try:
        parsed = parse_feed(page.content, page.url)
    except SourceError as err:
        report.warn(page.url, str(err).removeprefix(f"{page.url}: "))
        return False
    for entry in load_feed(parsed, page.url, LoadReport()):
        if entry.url:
            link = urljoin(page.url, entry.url)
            lastmod = (entry.updated or entry.date).isoformat() if (entry.updated or entry.date) else None
            found.add(link, lastmod=lastmod, entry=entry, in_feed=True)
    return True


# ---------------------------------------------------------------------- archive pages

def _archive(home_url: str, fetcher: Fetcher, platform: Platform, found: Discovery,
             html_pages: list[Page]) -> None:
    """No sitemap, no feed: walk the home page and its "next"/page-N links, collecting the
    same-host links that may be posts (each page then decides), and the start page itself."""
    found.tried.append("archive pages")
    start = found.start_page
    if _kind(start) == "html" and looks_like_post_url(start.url, platform) is not False:
        found.add(start.url)
    queue = [p for p in html_pages] or [p for p in [_probe(fetcher, home_url, found, record=False)] if p]
    visited = {normalise_url(p.url) for p in queue}
    while queue and len(visited) <= MAX_ARCHIVE_PAGES:
        page = queue.pop(0)
        links = _links(page.text)
        for href in links.pages:
            url = normalise_url(urljoin(page.url, href))
            if host_of(url) not in fetcher.hosts:
                continue
            if looks_like_post_url(url, platform) is not False:
                found.add(url)
            elif url not in visited and (_PAGINATION.search(url) or href in links.next):
                visited.add(url)
                listing = _probe(fetcher, url, found, record=False)
                if listing is not None and _kind(listing) == "html":
                    queue.append(listing)


@dataclass
class _Links:
    feeds: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    next: set[str] = field(default_factory=set)


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml", "application/rdf+xml")


def _links(html: str) -> _Links:
    """A page's advertised feeds, its links in document order, and the links that lead to the
    next page of a listing (rel=next, or an anchor reading "next", "이전", "»", ...)."""
    links = _Links()
    for node in parse_html(html).iter():
        href = node.attrs.get("href")
        if node.tag not in ("a", "link") or not href:
            continue
        rel = node.attrs.get("rel", "").lower().split()
        if node.tag == "link" and "alternate" in rel and node.attrs.get("type", "").lower() in _FEED_TYPES:
            links.feeds.append(href)
        elif "next" in rel:
            links.next.add(href)
            links.pages.append(href)
        elif node.tag == "a" and not href.startswith(("#", "mailto:", "javascript:")):
            links.pages.append(href)
            text = " ".join(node.text().split()).lower()
            if text and any(word in text for word in _NEXT_WORDS):
                links.next.add(href)
    return links

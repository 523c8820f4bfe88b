"""Crawling a blog that lives on a website: discovery, polite fetching, extraction.

    >>> # result = crawl("https://tech.example.com/", LoadReport()); result.posts[0].url

`discover.py` finds the candidate URLs, `http.py` fetches politely, `extract.py` reads a page;
this module decides which pages are posts and, given the previous crawl's state, which pages
need fetching at all (issue 14 item 5: an unchanged sitemap lastmod -> not requested; no
lastmod -> a conditional GET; 404/410 or gone from every sitemap and feed -> removed).
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from tqdm import tqdm

from ..errors import SourceError
from ..models import Post
from ..sources.report import LoadReport
from . import platforms
from .discover import Candidate, Discovery, discover, fetch_start, looks_like_post_url
from .extract import extract_page, url_date
from .http import PER_HOST, Fetcher, Page, host_of
from .state import CrawlResult, CrawlState, PageRecord

__all__ = ["CrawlResult", "CrawlState", "PageRecord", "crawl"]

_MARKUP_TYPES = ("text/html", "application/xhtml+xml", "", "application/rss+xml", "application/atom+xml",
                 "application/xml", "text/xml")


def crawl(url: str, report: LoadReport, *, previous: CrawlState | None = None, max_pages: int | None = None,
          timeout: float = 10.0, progress: bool = True, visibility: str | None = None,
          deadline: float = 120.0, max_retry_wait: float = 30.0) -> CrawlResult:
    """Discover the blog at `url` (home, a post or a feed), fetch politely, extract posts.
    With `previous`, fetch only what may have changed. Raises SourceError (one line saying what
    was tried) when no feed, sitemap or post page was found / the site cannot be read at all.
    `timeout` bounds each connect and read, `deadline` each whole response, `max_retry_wait`
    the wait a Retry-After may ask for."""
    platform = platforms.detect(url)
    with Fetcher(_own_hosts(url, platform), report, timeout=timeout, deadline=deadline,
                 max_retry_wait=max_retry_wait) as fetcher:
        start = fetch_start(url, fetcher)
        if platform.name == "static" and start.content_type in _MARKUP_TYPES:
            platform = platforms.detect(url, start.text)  # the markup may tell (generator meta, skins, a feed's <generator>)
            fetcher.hosts |= _own_hosts(url, platform)
        found = discover(url, start, fetcher, platform, report)
        result = CrawlResult(posts=[], kept=set(), removed=set(), state=CrawlState(url))
        old = previous.pages if previous is not None else {}
        on_host, elsewhere = [], []
        for candidate in _with_old_pages(found, old, result):
            if looks_like_post_url(candidate.url, platform) is not False:
                (on_host if host_of(candidate.url) in fetcher.hosts else elsewhere).append(candidate)
        _from_feed(elsewhere, url, result, report, visibility)
        warned = len(report.warnings)
        todo = _plan(on_host, old, fetcher, platform, max_pages, result, report)
        visit = _Visit(fetcher, platform, report, visibility)
        with ThreadPoolExecutor(max_workers=PER_HOST) as pool:
            bar = tqdm(total=len(todo), unit="page", desc="crawl", file=sys.stderr, disable=not progress,
                       leave=False)
            for outcome in pool.map(lambda job: visit(*job), todo):
                bar.update()
                _record(result, outcome)
            bar.close()
        result.removed -= result.kept | {p.id for p in result.posts}
        result.errors = fetcher.errors
    if previous is None and not result.posts:  # a first crawl with nothing to index is an error
        if not any(c.in_feed or c.in_sitemap for c in found.candidates.values()):
            raise SourceError(found.nothing_found(url))
        first = f"; first: {report.warnings[warned]}" if len(report.warnings) > warned else ""
        raise SourceError(f"{url}: no post could be read ({len(todo)} pages tried{first})")
    return result


def _with_old_pages(found: Discovery, old: dict[str, PageRecord], result: CrawlResult) -> list[Candidate]:
    """The candidates, plus the previous crawl's pages that nothing announced this time: with a
    sitemap read in full, they left it (removed); else (a feed holds the latest posts only, a
    sitemap failed) they are revisited like pages without a lastmod."""
    candidates = list(found.candidates.values())
    complete = found.sitemap_read and not found.incomplete
    for page_url, record in old.items():
        if page_url in found.candidates:
            continue
        if complete:
            if record.post_id:
                result.removed.add(record.post_id)
        else:
            candidates.append(Candidate(page_url))
    return candidates


def _plan(candidates: list[Candidate], old: dict[str, PageRecord], fetcher: Fetcher, platform: platforms.Platform,
          max_pages: int | None, result: CrawlResult, report: LoadReport) -> list[tuple[Candidate, PageRecord | None]]:
    """The pages to fetch, newest first (what --max-pages keeps: the feed's, then the pages
    whose URL says post, then the rest); robots.txt-disallowed pages and pages whose lastmod
    did not change are settled here without a request."""
    candidates = sorted(candidates, key=lambda c: c.lastmod or "", reverse=True)
    candidates.sort(key=lambda c: (not c.in_feed, looks_like_post_url(c.url, platform) is not True))
    todo = []
    for candidate in candidates:
        record = old.get(candidate.url)
        refused = fetcher.refusal(platform.body_url(candidate.url))
        if refused:
            report.warn(candidate.url, refused)
            fetcher.errors += 1
            if record is not None and record.post_id:
                result.removed.add(record.post_id)  # not ours to index any more
        elif record is not None and record.status in (200, 304) and candidate.lastmod \
                and record.lastmod == candidate.lastmod:
            _keep(result, record)  # lastmod unchanged: not requested at all
            result.unchanged += 1
        elif max_pages is None or len(todo) < max_pages:
            todo.append((candidate, record))
        elif record is not None:  # over --max-pages this time, still on the site
            _keep(result, record)
    return todo


def _keep(result: CrawlResult, record: PageRecord) -> None:
    result.state.pages[record.url] = record
    if record.post_id:
        result.kept.add(record.post_id)


def _from_feed(candidates: list[Candidate], url: str, result: CrawlResult, report: LoadReport,
               visibility: str | None) -> None:
    """Feed entries that link to other hosts (a feed proxy's, a cross-post's) are not crawled:
    their feed text is what there is, under the feed's own ids."""
    entries = [c.entry for c in candidates if c.entry is not None]
    for entry in entries:
        result.posts.append(replace(entry, visibility=visibility or entry.visibility))
    if entries:
        what = "entry links" if len(entries) == 1 else "entries link"
        report.warn(url, f"{len(entries)} feed {what} to other hosts, not crawled: the feed's text is used")


def _own_hosts(url: str, platform: platforms.Platform) -> set[str]:
    """The blog's host, its www./bare twin, and the platform's extra hosts."""
    host = host_of(url)
    twin = host[4:] if host.startswith("www.") else "www." + host
    return {host, twin, *platform.extra_hosts}


@dataclass
class _Outcome:
    candidate: Candidate
    record: PageRecord | None       # the new record; None: drop the page from the state
    post: Post | None = None        # a new or changed post
    kept: str | None = None         # id of a post unchanged (304 or same hash)
    removed: str | None = None      # id of a post whose page is gone
    not_modified: bool = False
    unchanged: bool = False         # fetched, and the same post as before


def _record(result: CrawlResult, outcome: _Outcome) -> None:
    if outcome.record is not None:
        result.state.pages[outcome.candidate.url] = outcome.record
    if outcome.post is not None and outcome.post.id not in {p.id for p in result.posts}:
        result.posts.append(outcome.post)
    if outcome.kept:
        result.kept.add(outcome.kept)
    if outcome.removed:
        result.removed.add(outcome.removed)
    result.not_modified += outcome.not_modified
    result.unchanged += outcome.unchanged


class _Visit:
    """Fetch one candidate page and decide what it is; runs in worker threads."""

    def __init__(self, fetcher: Fetcher, platform: platforms.Platform, report: LoadReport,
                 visibility: str | None):
        self.fetcher, self.platform, self.report, self.visibility = fetcher, platform, report, visibility

    def __call__(self, candidate: Candidate, old: PageRecord | None) -> _Outcome:
        body_url = self.platform.body_url(candidate.url)
        conditional = old if old is not None and old.status in (200, 304) else None
        page = self.fetcher.fetch(body_url, etag=conditional and conditional.etag,
                                  last_modified=conditional and conditional.last_modified, quiet_status=True)
        if isinstance(page, str):
            return self._fallback(candidate, old, page)
        if page.status in (404, 410):
            self.report.warn(candidate.url, f"HTTP {page.status}, not on the site (any more)")
            return _Outcome(candidate, None, removed=old.post_id if old else None)
        if page.status == 304 and old is not None:
            record = replace(old, status=304, lastmod=candidate.lastmod or old.lastmod)
            return _Outcome(candidate, record, kept=old.post_id, not_modified=True)
        if not _is_html(page):
            return self._fallback(candidate, old, f"not an HTML page ({page.content_type or 'no type'})")
        post = self._post(candidate, page)
        record = PageRecord(candidate.url, canonical=post.url if post else None, post_id=post.id if post else None,
                            etag=page.headers.get("etag"), last_modified=page.headers.get("last-modified"),
                            lastmod=candidate.lastmod, content_hash=post.content_hash if post else None,
                            status=page.status)
        if post is not None and old is not None and old.content_hash == post.content_hash and old.post_id == post.id:
            return _Outcome(candidate, record, kept=post.id, unchanged=True)
        removed = old.post_id if old is not None and old.post_id and (post is None or post.id != old.post_id) else None
        return _Outcome(candidate, record, post=post, removed=removed)

    def _post(self, candidate: Candidate, page: Page) -> Post | None:
        """The page as a Post, or None when it is not a post page (listing, about, empty)."""
        html = page.text
        verdict = looks_like_post_url(candidate.url, self.platform)
        if verdict is None:
            verdict = self.platform.is_post_page(html)  # the template says post or page/listing
        if verdict is False:
            return None
        extracted = extract_page(html, page.url, self.platform.main_html(html))
        entry = candidate.entry
        date = extracted.date or (entry.date if entry else None) or url_date(candidate.url)
        if verdict is None and not candidate.in_feed and not (extracted.is_article and date):
            return None
        title = extracted.title or (entry.title if entry else None)
        body = extracted.body
        if not body.strip() and entry is not None and entry.body.strip():
            self.report.warn(candidate.url, "no text found on the page; the feed entry's text is used")
            body = entry.body
        if not title or not body.strip():
            self.report.warn(candidate.url, "no title or text found on the page, skipped")
            return None
        canonical = extracted.canonical if extracted.canonical and host_of(extracted.canonical) in self.fetcher.hosts \
            else candidate.url
        updated = extracted.updated or (entry.updated if entry else None)
        return Post(
            id=canonical, title=title, body=body, date=date,
            updated=updated if updated and updated != date else None, url=canonical, source_path=None,
            tags=extracted.tags or (entry.tags if entry else []),
            author=extracted.author or (entry.author if entry else None),
            visibility=self.visibility or "public",
        )

    def _fallback(self, candidate: Candidate, old: PageRecord | None, reason: str) -> _Outcome:
        """The page could not be read (`reason`, one warning line): keep what the index has,
        else the feed's version (under the feed's id)."""
        if old is not None and old.post_id:
            self.report.warn(candidate.url, f"{reason}; the indexed version is kept")
            return _Outcome(candidate, old, kept=old.post_id)
        entry = candidate.entry
        if entry is not None:
            self.report.warn(candidate.url, f"{reason}; the feed entry's text is used")
            post = replace(entry, url=entry.url and candidate.url, visibility=self.visibility or entry.visibility)
            return _Outcome(candidate, None, post=post)
        self.report.warn(candidate.url, reason)
        return _Outcome(candidate, None)


def _is_html(page: Page) -> bool:
    head = page.content[:512].lstrip().lower()
    if page.content_type in ("text/html", "application/xhtml+xml"):
        return not head.startswith((b"<?xml", b"<rss", b"<feed"))
    return not page.content_type and not head.startswith((b"<?xml", b"<rss", b"<feed", b"{"))

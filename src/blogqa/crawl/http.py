"""A polite HTTP client for crawling one blog: `Fetcher.get(url)` -> `Page` or None.

Politeness and limits, all here: robots.txt (protego) Disallow and Crawl-delay for the
User-Agent `blogqa`; at most 4 requests at a time per host; a per-request timeout; a size cap
(5 MB for pages); at most 5 redirects, each kept on the allowed hosts; retries with backoff on
429/5xx honouring Retry-After (capped), and at once when a kept-alive connection turns out closed
before any answer (a server's idle timeout racing the next request); gzip/deflate/br (httpx decodes them, the cap counts
decoded bytes); conditional GET. Every failure is one warning line "URL: reason" in the report,
and `get` returns None, so the crawl goes on. The environment's HTTP(S)_PROXY is honoured
(httpx trust_env), which is how tests reach real host names on a loopback proxy.
"""
from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from .. import __version__
from ..sources.feed import Watchdog
from ..sources.report import LoadReport

USER_AGENT = f"blogqa/{__version__} (+https://github.com/blogqa)"
ROBOTS_AGENT = "blogqa"
PAGE_LIMIT = 5 * 2**20      # a post page
XML_LIMIT = 50 * 2**20      # a sitemap may hold 50,000 URLs (sitemaps.org)
MAX_REDIRECTS = 5
_STALE = "RemoteProtocolError: Server disconnected without sending a response"
PER_HOST = 4
RETRIES = 3
MAX_RETRY_WAIT = 30.0
MAX_CRAWL_DELAY = 30.0
_RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class Page:
    """A response: `url` is the final URL (after redirects), `text` the decoded body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        from ..text.normalize import decode_bytes

        charset = self.headers.get("content-type", "").partition("charset=")[2].strip(' "\';')
        if charset:
            try:
                return self.content.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        try:
            return decode_bytes(self.content)
        except ValueError:
            return ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Fetcher:
    """One crawl's HTTP client. `hosts` are the host names it may fetch (the blog's own host
    plus the platform's extra hosts); anything else is refused with a warning."""

    def __init__(self, hosts: set[str], report: LoadReport, *, timeout: float = 10.0, deadline: float = 120.0,
                 max_retry_wait: float = MAX_RETRY_WAIT, retries: int = RETRIES,
                 max_crawl_delay: float = MAX_CRAWL_DELAY):
        self.hosts = {h.lower() for h in hosts}
        self.report = report
        self.timeout = timeout
        self.deadline = deadline  # a whole response, however slowly its bytes come
        self.max_retry_wait = max_retry_wait
        self.retries = retries
        self.max_crawl_delay = max_crawl_delay
        self.errors = 0
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=True,
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=4 * PER_HOST, max_keepalive_connections=PER_HOST * 2))
        self._lock = threading.Lock()
        self._robots: dict[str, Protego | None] = {}
        self._robots_errors: dict[str, str] = {}  # origin -> why its robots.txt could not be read
        self._robots_locks: dict[str, threading.RLock] = {}
        self._fetching_robots: set[str] = set()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_at: dict[str, float] = {}  # host -> earliest start of its next request (Crawl-delay)

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------ robots.txt

    def allowed(self, url: str) -> bool:
        robots = self.robots(url)
        if robots is None:
            return origin_of(url) not in self._robots_errors
        return robots.can_fetch(url, ROBOTS_AGENT)

    def robots_error(self, url: str) -> str | None:
        """Why the robots.txt of `url`'s origin could not be read (network error, timeout, 5xx),
        which means everything there is disallowed (RFC 9309 2.3.1.4); None when it was read or is absent."""
        self.robots(url)
        return self._robots_errors.get(origin_of(url))

    def robots(self, url: str) -> Protego | None:
        """The parsed robots.txt of `url`'s origin (fetched once); None when it has none."""
        origin = origin_of(url)
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
            fetching = self._robots_locks.setdefault(origin, threading.RLock())
        with fetching:  # other threads wait for it; robots.txt's own redirects re-enter
            if origin in self._robots:
                return self._robots[origin]
            if origin in self._fetching_robots:
                return None
            self._fetching_robots.add(origin)
            try:
                page = self._fetch(f"{origin}/robots.txt", limit=PAGE_LIMIT, robots=True)
            finally:
                self._fetching_robots.discard(origin)
            robots = None
            if isinstance(page, str) and page.startswith("redirect to "):  # off the host: as if there were none
                pass
            elif isinstance(page, str) or page.status >= 500:  # unreachable: everything disallowed
                self._robots_errors[origin] = page if isinstance(page, str) else f"robots.txt answered HTTP {page.status}"
            elif page.status == 200:
                robots = Protego.parse(page.text)
            with self._lock:
                self._robots[origin] = robots
            return robots

    def sitemaps_in_robots(self, url: str) -> list[str]:
        robots = self.robots(url)
        return list(robots.sitemaps) if robots is not None else []

    def _crawl_delay(self, url: str) -> float:
        robots = self._robots.get(origin_of(url))
        delay = robots.crawl_delay(ROBOTS_AGENT) if robots is not None else None
        return min(float(delay or 0), self.max_crawl_delay)

    # ------------------------------------------------------------------ fetching

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched at all (another host, robots.txt); None when it may."""
        if host_of(url) not in self.hosts:
            return f"host {host_of(url)!r} is not the blog's own host, not fetched"
        if not self.allowed(url):
            error = self._robots_errors.get(origin_of(url))
            return (f"robots.txt not readable ({error}), not fetched" if error
                    else "disallowed by robots.txt, not fetched")
        return None

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            limit: int = PAGE_LIMIT, quiet_status: bool = False) -> Page | None:
        """`fetch`, with its failure written as one warning line "URL: reason" (and None)."""
        page = self.fetch(url, etag=etag, last_modified=last_modified, limit=limit, quiet_status=quiet_status)
        if isinstance(page, str):
            with self._lock:
                self.report.warn(url, page)
            return None
        return page

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              limit: int = PAGE_LIMIT, quiet_status: bool = False) -> Page | str:
        """GET `url` politely; a str says why not (disallowed, off-host, network error, HTTP
        error, too large), counted in `errors`, for the caller to report. A 304 (after
        `etag`/`last_modified`) is a Page with status 304; 404/410 a Page too when `quiet_status`."""
        refused = self.refusal(url)
        if refused:
            return self._failed(refused)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        page = self._fetch(url, limit=limit, headers=headers, quiet_status=quiet_status)
        return self._failed(page) if isinstance(page, str) else page

    def _fetch(self, url: str, *, limit: int, headers: dict | None = None, quiet_status: bool = False,
               robots: bool = False) -> Page | str:
        """Follow redirects (each kept on the allowed hosts); a robots.txt fetch (`robots`)
        returns any status as a Page."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            page = self._with_retries(current, limit, headers or {})
            if isinstance(page, str):
                return page
            if page.status in (301, 302, 303, 307, 308) and page.headers.get("location"):
                target = urljoin(current, page.headers["location"])
                if urlsplit(target).scheme not in ("http", "https"):
                    return f"redirect to {target} refused (not http)"
                if host_of(target) not in self.hosts:
                    return f"redirect to another host refused ({target})"
                if not self.allowed(target):
                    return f"redirect to {target} disallowed by robots.txt"
                current = target
                continue
            if page.status in (200, 203, 304) or (quiet_status and page.status in (404, 410)) or robots:
                return page
            return f"HTTP {page.status}"
        return f"more than {MAX_REDIRECTS} redirects"

    def _with_retries(self, url: str, limit: int, headers: dict) -> Page | str:
        """One request (no redirect following), retried on 429/5xx; a str says why it failed."""
        for attempt in range(self.retries + 1):
            result = self._once(url, limit, headers)
            if isinstance(result, str) and result.startswith(_STALE):  # once, on a fresh connection
                result = self._once(url, limit, headers)
            if isinstance(result, str) or result.status not in _RETRY_STATUS or attempt == self.retries:
                return result
            time.sleep(self._retry_wait(result.headers.get("retry-after"), attempt))
        raise AssertionError("unreachable")

    def _retry_wait(self, retry_after: str | None, attempt: int) -> float:
        wait = 0.5 * 2**attempt
        if retry_after:
            value = retry_after.strip()
            if value.isdigit():
                wait = float(value)
            else:
                try:
                    wait = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
                except (TypeError, ValueError, IndexError):
                    pass
        return max(0.0, min(wait, self.max_retry_wait))

    def _once(self, url: str, limit: int, headers: dict) -> Page | str:
        host = host_of(url)
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(PER_HOST))
        with slot:
            self._wait_turn(host, url)
            watchdog = Watchdog(self.deadline)
            try:
                with self._client.stream("GET", url, headers=headers,
                                         extensions={"trace": watchdog.trace}) as response:
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit and response.status_code < 300:
                        return f"larger than {limit // 2**20} MB ({int(declared) // 2**20} MB), not read"
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        if watchdog.expired:
                            return f"not fetched within {self.deadline:g} s"
                        size += len(chunk)
                        if size > limit:
                            return f"larger than {limit // 2**20} MB, not read further"
                        chunks.append(chunk)
                    return Page(str(response.url), response.status_code, response.headers, b"".join(chunks))
            except httpx.HTTPError as err:
                if watchdog.expired:
                    return f"not fetched within {self.deadline:g} s"
                if isinstance(err, httpx.TimeoutException):
                    return f"timed out after {self.timeout:g} s"
                return f"{type(err).__name__}: {err}".splitlines()[0]
            finally:
                watchdog.cancel()

    def _wait_turn(self, host: str, url: str) -> None:
        """Crawl-delay: requests to a host start at least that many seconds apart."""
        delay = self._crawl_delay(url)
        if not delay:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_at.get(host, 0.0))
            self._next_at[host] = start + delay
        if start > now:
            time.sleep(start - now)

    def _failed(self, reason: str) -> str:
        """Count a failure; the caller reports it."""
        with self._lock:
            self.errors += 1
        return reason

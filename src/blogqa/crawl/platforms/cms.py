"""Blog engines on any domain, known by their generator meta or markup (or a *.wordpress.com /
*.ghost.io host): WordPress (with its REST list of posts) and Ghost."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from .base import _DATE_PATH, Listing, Platform, _archive_path, _body_marks, _has_class, _origin, _segments


@dataclass(frozen=True)
class WordPress(Platform):
    """WordPress (self-hosted or *.wordpress.com): /feed/, /wp-sitemap.xml (core) or
    /sitemap_index.xml (Yoast); posts are dated permalinks or ?p=N."""

    name: str = "wordpress"
    body_xpaths: ClassVar[tuple[str, ...]] = (
        f"//div[{_has_class('entry-content')}]", f"//div[{_has_class('post-content')}]",
        f"//div[{_has_class('wp-block-post-content')}]")
    _NOT_POSTS: ClassVar[frozenset[str]] = frozenset({
        "feed", "wp-json", "wp-content", "wp-admin", "wp-includes", "comments", "page"})

    def feed_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + "/feed/"]

    def sitemap_urls(self, start_url: str) -> list[str]:
        origin = _origin(start_url)
        return [origin + "/wp-sitemap.xml", origin + "/sitemap_index.xml"]

    def is_post_url(self, url: str) -> bool | None:
        parts = urlsplit(url)
        if re.fullmatch(r"p=\d+", parts.query or ""):
            return True
        segments = [s.lower() for s in _segments(url)]
        if _archive_path(url) or (segments and segments[0] in self._NOT_POSTS) or "feed" in segments[1:]:
            return False
        if segments and segments[0].startswith("wp-sitemap"):
            return False
        return True if _DATE_PATH.match(parts.path) else None

    def api_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + "/wp-json/wp/v2/posts?per_page=100&page=1"]

    def read_api(self, url: str, text: str, headers: Mapping[str, str] | None = None) -> Listing | None:
        """A /wp-json/wp/v2/posts page: each item's `link` and `modified_gmt` (UTC); the next
        page while `X-WP-TotalPages` says there is one.

            >>> WordPress().read_api("https://b.kr/wp-json/wp/v2/posts?per_page=1&page=1",
            ...     '[{"link": "https://b.kr/2024/03/05/x/", "modified_gmt": "2024-03-06T00:12:00"}]',
            ...     {"X-WP-TotalPages": "2"})
            Listing(posts=[('https://b.kr/2024/03/05/x/', '2024-03-06T00:12:00Z')], next_url='https://b.kr/wp-json/wp/v2/posts?per_page=1&page=2')
        """
        try:
            items = json.loads(text)
        except ValueError:
            return None
        if not isinstance(items, list):
            return None   # {"code": "rest_no_route", ...}: closed or not WordPress
        posts = []
        for item in items:
            link = item.get("link") if isinstance(item, dict) else None
            if isinstance(link, str) and link.startswith(("http://", "https://")):
                modified = item.get("modified_gmt") or item.get("date_gmt")
                posts.append((link, modified + "Z" if isinstance(modified, str) and modified else None))
        total = {k.lower(): v for k, v in (headers or {}).items()}.get("x-wp-totalpages", "")
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        if not (posts and total.isdigit() and page < int(total)):
            return Listing(posts)
        query["page"] = str(page + 1)
        return Listing(posts, parts._replace(query=urlencode(query)).geturl())

    def is_post_page(self, html: str) -> bool | None:
        _, classes = _body_marks(html)
        if "single-post" in classes or ("single" in classes and any(c.startswith("postid-") for c in classes)):
            return True
        if classes & {"page", "archive", "home", "blog", "category", "tag", "author", "search", "error404", "date"}:
            return False
        return None


@dataclass(frozen=True)
class Ghost(Platform):
    """Ghost: /rss/, /sitemap-posts.xml (in /sitemap.xml); posts are /<slug>/; /tag/, /author/
    are listings; the body class names the template (post-template, page-template …)."""

    name: str = "ghost"
    body_xpaths: ClassVar[tuple[str, ...]] = (
        f"//section[{_has_class('gh-content')}]", f"//*[{_has_class('gh-content')}]",
        f"//*[{_has_class('post-full-content')}]", f"//*[{_has_class('post-content')}]")

    def feed_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + "/rss/"]

    def sitemap_urls(self, start_url: str) -> list[str]:
        origin = _origin(start_url)
        return [origin + "/sitemap-posts.xml", origin + "/sitemap.xml"]

    def is_post_url(self, url: str) -> bool | None:
        segments = [s.lower() for s in _segments(url)]
        if _archive_path(url) or segments[0] in ("rss", "ghost", "p", "email", "members", "r", "webmentions"):
            return False
        return None

    def is_post_page(self, html: str) -> bool | None:
        _, classes = _body_marks(html)
        if "post-template" in classes:
            return True
        if classes & {"page-template", "home-template", "tag-template", "author-template", "paged", "error-template"}:
            return False
        return None

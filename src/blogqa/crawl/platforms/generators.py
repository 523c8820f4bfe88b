"""Static site generators' default outputs: one `Generator` with the feed and sitemap paths and
post sections of each (Hugo, Jekyll, Gatsby)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from .base import _DATE_PATH, Platform, _archive_path, _has_class, _origin, _segments


@dataclass(frozen=True)
class Generator(Platform):
    """A static site generator's default outputs (Hugo, Jekyll, Gatsby)."""

    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ("/sitemap.xml",)
    post_sections: tuple[str, ...] = ()   # first path segments under which every page is a post
    body_xpaths: ClassVar[tuple[str, ...]] = (
        "//*[@itemprop='articleBody']", f"//div[{_has_class('post-content')}]",
        f"//div[{_has_class('e-content')}]", f"//div[{_has_class('entry-content')}]", "//article")

    def feed_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + path for path in self.feeds]

    def sitemap_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + path for path in self.sitemaps]

    def is_post_url(self, url: str) -> bool | None:
        if _archive_path(url):
            return False
        segments = _segments(url)
        if _DATE_PATH.match(urlsplit(url).path):
            return True
        if len(segments) == 2 and segments[0].lower() in self.post_sections:
            return True
        if len(segments) == 1 and segments[0].lower() in self.post_sections:
            return False  # the section's own list
        return None


HUGO = Generator("hugo", feeds=("/index.xml",), post_sections=("posts", "post", "blog"))
JEKYLL = Generator("jekyll", feeds=("/feed.xml", "/atom.xml"))
GATSBY = Generator("gatsby", feeds=("/rss.xml",),
                   sitemaps=("/sitemap-index.xml", "/sitemap/sitemap-index.xml", "/sitemap.xml"))

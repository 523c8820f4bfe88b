"""The base `Platform` (the "static" site's rules, also the answer to every hook a platform
does not override), `Listing` (one page of a JSON post list), and the URL and markup helpers the
platform modules share."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

import lxml.html

_DATE_PATH = re.compile(r"^/(?:19|20)\d{2}/\d{1,2}/(?:\d{1,2}/)?[^/]+")
_PAGE_N = re.compile(r"/page/?\d+/?$")
_BODY_TAG = re.compile(r"<body\b([^>]*)>", re.I)
_ATTR = re.compile(r"\b(id|class)\s*=\s*[\"']([^\"']*)[\"']", re.I)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme or 'https'}://{parts.netloc}"


def _scheme(url: str) -> str:
    return urlsplit(url).scheme or "https"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _has_class(name: str) -> str:
    """XPath predicate: the element's class list holds `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _archive_path(url: str) -> bool:
    """Listing URLs every blog engine shares: /tag(s)/…, /category/…, /author/…, /page/N."""
    segments = [s.lower() for s in _segments(url)]
    if not segments:
        return True
    listing = {"tag", "tags", "category", "categories", "author", "authors", "archive", "archives", "series"}
    return segments[0] in listing or bool(_PAGE_N.search(urlsplit(url).path))


@dataclass(frozen=True)
class Listing:
    """One page of a platform's JSON list of posts (WordPress REST): (post URL, lastmod) pairs,
    and the next page's URL when there is one."""

    posts: list[tuple[str, str | None]] = field(default_factory=list)
    next_url: str | None = None


@dataclass(frozen=True)
class Platform:
    """A blog platform's rules. The base class is the "static" site: no feed or sitemap of its
    own, the post text on the post's page, no verdict on URL shapes (the crawl's generic rules
    decide)."""

    name: str = "static"
    extra_hosts: tuple[str, ...] = ()
    # XPath expressions of the post-body container, tried in order (see `main_html`).
    body_xpaths: ClassVar[tuple[str, ...]] = ()

    def feed_urls(self, start_url: str) -> list[str]:
        """Platform feed candidates, tried before the generic paths."""
        return []

    def sitemap_urls(self, start_url: str) -> list[str]:
        """Platform sitemap candidates."""
        return []

    def body_url(self, post_url: str) -> str:
        """Where the post's full text is (Naver: the mobile page); the post URL elsewhere."""
        return post_url

    def is_post_url(self, url: str) -> bool | None:
        """True/False when the platform's URL shapes tell; None when they do not."""
        return None

    def is_post_page(self, html: str) -> bool | None:
        """True/False when the page's own template says post or listing/page (WordPress and
        Ghost body classes, Tistory body ids); None when it does not."""
        return None

    def api_urls(self, start_url: str) -> list[str]:
        """First pages of the platform's JSON post lists (WordPress: /wp-json/wp/v2/posts),
        read with `read_api`; a site that closes its API answers 401/403/404 there."""
        return []

    def read_api(self, url: str, text: str, headers: Mapping[str, str] | None = None) -> Listing | None:
        """The posts one API page lists; None when `text` is not such a page."""
        return None

    def main_html(self, html: str) -> str | None:
        """The post-body container of `html` as a small page ("<html><body><article>…"), for the
        text extractor; None when the platform names none or the page has none.

            >>> from .hosted import Tistory
            >>> Tistory().main_html('<div id="side">Tags</div><div class="tt_article_useless_p_margin '
            ...     'contents_style"><p>본문</p></div><div class="area_reply">댓글</div>')
            '<html><head></head><body><article><div class="tt_article_useless_p_margin contents_style"><p>본문</p></div></article></body></html>'
        """
        if not self.body_xpaths or not html.strip():
            return None
        try:
            tree = lxml.html.fromstring(html)
        except (ValueError, lxml.etree.ParserError):
            return None
        for xpath in self.body_xpaths:
            for node in tree.xpath(xpath):
                if node.text_content().strip():
                    node.tail = None
                    inner = lxml.html.tostring(node, encoding="unicode")
                    return f"<html><head></head><body><article>{inner}</article></body></html>"
        return None


def _body_marks(html: str) -> tuple[str, set[str]]:
    """The <body> tag's id and class names."""
    match = _BODY_TAG.search(html)
    attrs = dict((k.lower(), v) for k, v in _ATTR.findall(match.group(1))) if match else {}
    return attrs.get("id", ""), set(attrs.get("class", "").split())


STATIC = Platform()

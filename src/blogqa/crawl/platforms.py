"""Blog platforms: where each platform keeps a blog's feed, sitemap and post text, and which of
its URLs are posts.

`detect(start_url, html)` names the platform from the host (tistory.com, blog.naver.com,
medium.com, brunch.co.kr, velog.io) or from the markup (the generator meta of WordPress, Ghost,
Hugo, Jekyll, Gatsby; a Tistory skin or a Medium publication on its own domain); every other
site is "static" (the crawl's generic rules). The platform's URLs keep the scheme of the start
URL, so loopback tests reach them through an HTTP forward proxy.

Each Platform answers the crawl's questions: feed_urls, sitemap_urls, body_url, is_post_url
(the crawl contract), and main_html (the post-body container, so comments and widgets inside
the skin's main column stay out), is_post_page (the template's own verdict), api_urls/read_api
(WordPress's REST list of posts).

    >>> p = detect("https://blog.naver.com/sunnydev/223344556677")
    >>> p.name, p.feed_urls("https://blog.naver.com/sunnydev"), p.body_url("https://blog.naver.com/sunnydev/223344556677")
    ('naver', ['https://rss.blog.naver.com/sunnydev.xml'], 'https://m.blog.naver.com/sunnydev/223344556677')
    >>> t = detect("https://techlog.tistory.com/")
    >>> t.is_post_url("https://techlog.tistory.com/entry/redis"), t.is_post_url("https://techlog.tistory.com/category/db")
    (True, False)
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import lxml.html

__all__ = ["Listing", "Platform", "detect"]

_DATE_PATH = re.compile(r"^/(?:19|20)\d{2}/\d{1,2}/(?:\d{1,2}/)?[^/]+")
_PAGE_N = re.compile(r"/page/?\d+/?$")
_GENERATOR = re.compile(
    r"<meta\b(?=[^>]*\bname\s*=\s*[\"']generator[\"'])[^>]*\bcontent\s*=\s*[\"']([^\"']*)[\"']", re.I)
_FEED_GENERATOR = re.compile(r"<generator\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]]*)", re.I)
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


# ---------------------------------------------------------------------- hosted platforms

@dataclass(frozen=True)
class Tistory(Platform):
    """x.tistory.com or a Tistory skin on its own domain. Posts are /entry/<slug> or /<number>
    (also under /m/); /category, /tag, /guestbook, /notice, /archive … are listings."""

    name: str = "tistory"
    body_xpaths: ClassVar[tuple[str, ...]] = (
        f"//div[{_has_class('contents_style')}]", f"//div[{_has_class('tt_article_useless_p_margin')}]",
        f"//div[{_has_class('article-view')}]", f"//div[{_has_class('entry-content')}]")
    _LISTINGS: ClassVar[frozenset[str]] = frozenset({
        "category", "tag", "guestbook", "notice", "archive", "manage", "search", "media", "location",
        "rss", "toolbar", "pages", "owner", "admin", "like", "attachment", "sitemap.xml"})

    def feed_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + "/rss"]

    def sitemap_urls(self, start_url: str) -> list[str]:
        return [_origin(start_url) + "/sitemap.xml"]

    def is_post_url(self, url: str) -> bool | None:
        segments = _segments(url)
        if segments[:1] == ["m"]:
            segments = segments[1:]
        if not segments:
            return False
        if segments[0] == "entry":
            return len(segments) == 2
        if segments[0].isdigit():
            return len(segments) == 1
        return False if segments[0].lower() in self._LISTINGS else None

    def is_post_page(self, html: str) -> bool | None:
        body_id, _ = _body_marks(html)
        if not body_id.startswith("tt-body-"):
            return None
        return body_id == "tt-body-page"


@dataclass(frozen=True)
class Naver(Platform):
    """blog.naver.com/<id>: the feed is rss.blog.naver.com/<id>.xml; a post page
    (blog.naver.com/<id>/<logNo>) is a frame around PostView.naver, so the text is read from
    m.blog.naver.com/<id>/<logNo>, which holds it in the page itself."""

    name: str = "naver"
    extra_hosts: tuple[str, ...] = ("blog.naver.com", "m.blog.naver.com", "rss.blog.naver.com")
    body_xpaths: ClassVar[tuple[str, ...]] = (
        f"//div[{_has_class('se-main-container')}]", "//div[@id='postViewArea']",
        f"//div[{_has_class('se_component_wrap')}]")

    @staticmethod
    def blog_and_log(url: str) -> tuple[str | None, str | None]:
        """(blogId, logNo) of any Naver Blog URL form.

            >>> Naver.blog_and_log("https://blog.naver.com/PostView.naver?blogId=a&logNo=22")
            ('a', '22')
            >>> Naver.blog_and_log("https://m.blog.naver.com/a/22?fromRss=true"), Naver.blog_and_log("https://blog.naver.com/a")
            (('a', '22'), ('a', None))
        """
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        segments = _segments(url)
        if parts.hostname == "rss.blog.naver.com":
            return (segments[0].removesuffix(".xml") if segments else None), None
        if segments and "." in segments[0]:  # PostView.naver, PostList.naver, PostView.nhn …
            return (query.get("blogId") or [None])[0], (query.get("logNo") or [None])[0]
        blog = segments[0] if segments else None
        log = segments[1] if len(segments) > 1 and segments[1].isdigit() else (query.get("logNo") or [None])[0]
        return blog, log   # also the old form blog.naver.com/<id>?Redirect=Log&logNo=<n>

    def feed_urls(self, start_url: str) -> list[str]:
        blog, _ = self.blog_and_log(start_url)
        return [f"{_scheme(start_url)}://rss.blog.naver.com/{blog}.xml"] if blog else []

    def body_url(self, post_url: str) -> str:
        blog, log = self.blog_and_log(post_url)
        return f"{_scheme(post_url)}://m.blog.naver.com/{blog}/{log}" if blog and log else post_url

    def is_post_url(self, url: str) -> bool | None:
        if _host(url) == "rss.blog.naver.com":
            return False
        blog, log = self.blog_and_log(url)
        if log:
            return True
        segments = _segments(url)
        if blog and len(segments) <= 1:  # the blog home, PostList.naver, …
            return False
        return None


@dataclass(frozen=True)
class Medium(Platform):
    """medium.com/<publication> (or /@user), user.medium.com, or a publication on its own
    domain. Feeds are /feed/<publication> (the latest 10 stories); stories are /p/<id> or
    …/<slug>-<12 hex id>, linked from the feed with a `?source=rss…` tracking query."""

    name: str = "medium"
    body_xpaths: ClassVar[tuple[str, ...]] = ("//article//section", "//article")
    _STORY_ID: ClassVar[re.Pattern] = re.compile(r"(?:^|-)[0-9a-f]{8,12}$")
    _NOT_STORIES: ClassVar[frozenset[str]] = frozenset({
        "tag", "tagged", "topics", "about", "archive", "followers", "following", "lists", "m", "search",
        "membership", "me", "feed", "latest", "trending", "plans", "policy", "jobs-at-medium"})

    def feed_urls(self, start_url: str) -> list[str]:
        origin, segments = _origin(start_url), _segments(start_url)
        if _host(start_url) in ("medium.com", "www.medium.com") and segments and segments[0] != "feed":
            return [] if segments[0] == "p" else [f"{origin}/feed/{segments[0]}"]
        return [origin + "/feed"]

    def body_url(self, post_url: str) -> str:
        """The story without Medium's tracking query (`?source=rss----…`)."""
        parts = urlsplit(post_url)
        query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("source="))
        return parts._replace(query=query).geturl()

    def is_post_url(self, url: str) -> bool | None:
        segments = _segments(url)
        on_medium = _host(url) in ("medium.com", "www.medium.com")
        if not segments:
            return False
        if segments[0] == "p" and len(segments) == 2:
            return True
        if any(s.lower() in self._NOT_STORIES for s in segments) or (on_medium and len(segments) == 1):
            return False   # listings; on medium.com one segment is a publication or @user home
        return True if self._STORY_ID.search(segments[-1]) else None


@dataclass(frozen=True)
class Brunch(Platform):
    """brunch.co.kr/@<author>/<number> posts; the author's feed is /rss/@@<internal id>,
    advertised by the author page (or known from an /@@id URL)."""

    name: str = "brunch"
    body_xpaths: ClassVar[tuple[str, ...]] = (f"//div[{_has_class('wrap_body')}]",)

    def feed_urls(self, start_url: str) -> list[str]:
        segments = _segments(start_url)
        if segments and segments[0].startswith("@@"):
            return [f"{_origin(start_url)}/rss/{segments[0]}"]
        return []

    def is_post_url(self, url: str) -> bool | None:
        segments = _segments(url)
        if not segments:
            return False
        if segments[0].startswith("@"):
            return len(segments) == 2 and segments[1].isdigit()
        if segments[0] in ("brunchbook", "keyword", "magazine", "search", "rss", "now", "publish"):
            return False
        return None


@dataclass(frozen=True)
class Velog(Platform):
    """velog.io/@<user>/<slug> posts; the feed is v2.velog.io/rss/<user>."""

    name: str = "velog"
    extra_hosts: tuple[str, ...] = ("velog.io", "v2.velog.io")
    body_xpaths: ClassVar[tuple[str, ...]] = (f"//div[{_has_class('atom-one')}]",)
    _USER_PAGES: ClassVar[frozenset[str]] = frozenset({"posts", "series", "about", "followers", "following", "lists"})

    def feed_urls(self, start_url: str) -> list[str]:
        segments = _segments(start_url)
        if segments and segments[0].startswith("@") and len(segments[0]) > 1:
            return [f"{_scheme(start_url)}://v2.velog.io/rss/{segments[0][1:]}"]
        return []

    def is_post_url(self, url: str) -> bool | None:
        if _host(url) == "v2.velog.io":
            return False
        segments = _segments(url)
        if not segments:
            return False
        if segments[0].startswith("@"):
            return len(segments) == 2 and segments[1] not in self._USER_PAGES
        if segments[0] in ("tags", "search", "trending", "recent", "lists", "rss"):
            return False
        return None


# ---------------------------------------------------------------------- engines on any domain

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
STATIC = Platform()


def _by_host(host: str) -> Platform | None:
    if host.endswith(".tistory.com"):
        return Tistory()
    if host in ("blog.naver.com", "m.blog.naver.com", "rss.blog.naver.com"):
        return Naver()
    if host in ("medium.com", "www.medium.com") or host.endswith(".medium.com"):
        return Medium()
    if host in ("brunch.co.kr", "www.brunch.co.kr"):
        return Brunch()
    if host in ("velog.io", "www.velog.io", "v2.velog.io"):
        return Velog()
    if host.endswith(".wordpress.com"):
        return WordPress()
    if host.endswith(".ghost.io"):
        return Ghost()
    return None


def _by_markup(html: str) -> Platform | None:
    generator = (_GENERATOR.search(html) or _FEED_GENERATOR.search(html) or [None, ""])[1].strip().lower()
    for prefix, platform in (("tistory", Tistory()), ("medium", Medium()), ("https://wordpress.org/", WordPress())):
        if generator.startswith(prefix):  # a feed's <generator>
            return platform
    for prefix, platform in (("wordpress", WordPress()), ("ghost", Ghost()), ("hugo", HUGO),
                             ("jekyll", JEKYLL), ("gatsby", GATSBY)):
        if generator.startswith(prefix):
            return platform
    if "tistory_admin/" in html or 'id="tt-body-' in html or "window.T.config" in html:
        return Tistory()
    if re.search(r"property=[\"']al:ios:app_name[\"'][^>]*content=[\"']Medium[\"']", html):
        return Medium()
    if 'id="___gatsby"' in html:
        return GATSBY
    if "/wp-content/" in html or 'rel="https://api.w.org/"' in html:
        return WordPress()
    return None


def detect(start_url: str, html: str | None = None) -> Platform:
    """The platform of the blog at `start_url`, by host, else by the start page's markup (an
    HTML page's generator meta or skin, a feed's `<generator>`); the "static" platform otherwise.

        >>> detect("https://velog.io/@bori").feed_urls("https://velog.io/@bori")
        ['https://v2.velog.io/rss/bori']
        >>> detect("https://tech.example.kr/", '<meta name="generator" content="WordPress 6.4.3" />').name
        'wordpress'
        >>> detect("https://tech.example.kr/", "<html><body>hi</body></html>").name
        'static'
    """
    return _by_host(_host(start_url)) or (_by_markup(html) if html else None) or STATIC

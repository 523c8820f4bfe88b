"""Hosted blog services, known by their host: Tistory (also a Tistory skin on its own domain),
Naver Blog, Medium (also a publication on its own domain), Brunch, velog."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from .base import Platform, _body_marks, _has_class, _host, _origin, _scheme, _segments


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

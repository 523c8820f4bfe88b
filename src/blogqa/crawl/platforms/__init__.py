"""Blog platforms: where each platform keeps a blog's feed, sitemap and post text, and which of
its URLs are posts.

`detect(start_url, html)` names the platform from the host (tistory.com, blog.naver.com,
medium.com, brunch.co.kr, velog.io) or from the markup (the generator meta of WordPress, Ghost,
Hugo, Jekyll, Gatsby; a Tistory skin or a Medium publication on its own domain); every other
site is "static" (the crawl's generic rules). The platform's URLs keep the scheme of the start
URL, so loopback tests reach them through an HTTP forward proxy.

The rules live by kind: hosted.py (Tistory, Naver, Medium, Brunch, velog: services known by
their host), cms.py (WordPress, Ghost: engines on any domain), generators.py (Hugo, Jekyll,
Gatsby); base.py holds `Platform`, the "static" site, and the helpers they share.

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

import re

from .base import STATIC, Listing, Platform, _host
from .cms import Ghost, WordPress
from .generators import GATSBY, HUGO, JEKYLL
from .hosted import Brunch, Medium, Naver, Tistory, Velog

__all__ = ["Listing", "Platform", "detect"]

_GENERATOR = re.compile(
    r"<meta\b(?=[^>]*\bname\s*=\s*[\"']generator[\"'])[^>]*\bcontent\s*=\s*[\"']([^\"']*)[\"']", re.I)
_FEED_GENERATOR = re.compile(r"<generator\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]]*)", re.I)


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

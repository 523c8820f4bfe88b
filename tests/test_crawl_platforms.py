"""Each platform fixture (tests/fixtures/sites/<platform>/, markup after the live platform's
pages) crawled end to end through the loopback forward proxy of tests/site_server.py under its
real host names, from each start URL of its expected.json (home, a post; for some also the feed,
Naver's mobile and PostView forms): every fact of its expected.json holds —
the posts found, canonical URLs, titles without the site suffix, dates, the body phrase present,
sidebar/comment/footer/related phrases absent, listing pages never indexed (and, where a
sitemap lists them, never downloaded), each post's text read where the platform keeps it
(Naver: m.blog.naver.com), no request to a host outside the fixture."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from blogqa.crawl import crawl
from blogqa.crawl.platforms import detect
from blogqa.sources import LoadReport
from site_server import FIXTURES, SiteServer

PLATFORMS = ["tistory", "naver", "medium", "brunch", "velog", "wordpress", "wordpress-rest", "ghost", "hugo", "jekyll",
             "gatsby"]


def facts_of(name: str, root=FIXTURES) -> dict:
    return json.loads((root / name / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def proxy(monkeypatch):
    """A SiteServer for one fixture, reached as the HTTP proxy for its real host names."""
    servers = []

    def start(name: str, root=FIXTURES) -> SiteServer:
        server = SiteServer(root / name).__enter__()
        servers.append(server)
        for path, target in facts_of(name, root).get("redirects", {}).items():
            server.rule(path, redirect=target, status=301)   # as the live site answers
        monkeypatch.setenv("HTTP_PROXY", server.proxy_url)
        for var in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(var, raising=False)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def crawl_site(url: str):
    report = LoadReport()
    return crawl(url, report, progress=False, timeout=5, max_retry_wait=1), report


@pytest.mark.parametrize("name", PLATFORMS)
def test_platform_fixture_end_to_end(name, proxy):
    check_fixture(name, proxy)


def test_wordpress_with_its_rest_api_closed(proxy):
    """The REST list is read only when open: a 401 there leaves the feed's 2 posts, and one
    warning line names the refused URL."""
    server = proxy("wordpress-rest")
    server.rule("/wp-json/wp/v2/posts?per_page=100&page=1", status=401,
                body=b'{"code":"rest_forbidden","message":"Sorry, you are not allowed to do that.","data":{"status":401}}')
    result, report = crawl_site("http://blog.saebom.example/")
    assert sorted(p.id for p in result.posts) == ["http://blog.saebom.example/2024/02/14/batch-job-retry/",
                                                  "http://blog.saebom.example/2024/03/05/log-sampling/"]
    assert server.count("/wp-json/wp/v2/posts?per_page=100&page=1") == 1
    assert report.warnings == ["http://blog.saebom.example/wp-json/wp/v2/posts?per_page=100&page=1: HTTP 401"]
    assert result.errors == 1


def test_tistory_skin_on_its_own_domain(tmp_path, proxy):
    """The Tistory fixture moved to blog.techlog.example: only the skin's markup says Tistory,
    and its rules (feed, post URL shapes, the body container that leaves the comments out) still apply."""
    move_fixture("tistory", tmp_path, [("techlog.tistory.com", "blog.techlog.example")])
    facts_file = tmp_path / "tistory" / "expected.json"
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    facts["start_urls"].append("http://blog.techlog.example/rss")   # the feed names the platform too
    facts_file.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    html = (tmp_path / "tistory" / "blog.techlog.example" / "index.html").read_text(encoding="utf-8")
    assert detect("http://blog.techlog.example/").name == "static"
    assert detect("http://blog.techlog.example/", html).name == "tistory"
    check_fixture("tistory", proxy, tmp_path)


def test_medium_publication_on_its_own_domain(tmp_path, proxy):
    """The Medium publication moved to tech.haneul.example (stories at /<slug>-<id>, the feed at
    /feed), as Medium serves custom domains: found by the page's Medium app markup."""
    move_fixture("medium", tmp_path, [("medium.com/feed/haneul-tech", "tech.haneul.example/feed"),
                                      ("medium.com/haneul-tech/", "tech.haneul.example/"),
                                      ("medium.com/haneul-tech", "tech.haneul.example"),
                                      ('href="/haneul-tech/', 'href="/'), ('href="/haneul-tech?', 'href="/?')])
    html = (tmp_path / "medium" / "tech.haneul.example" / "index.html").read_text(encoding="utf-8")
    assert detect("http://tech.haneul.example/").name == "static"
    assert detect("http://tech.haneul.example/", html).name == "medium"
    check_fixture("medium", proxy, tmp_path)


def move_fixture(name: str, root, replacements: list[tuple[str, str]]) -> None:
    """A copy of fixture `name` under `root` with every path and text rewritten by `replacements`
    (URLs of one host moved to another)."""
    source = FIXTURES / name

    def moved(text: str) -> str:
        for old, new in replacements:
            text = text.replace(old, new)
        return text

    for path in source.rglob("*"):
        if path.is_file():
            relative = str(path.relative_to(source))
            target = root / name / moved(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(moved(path.read_text(encoding="utf-8")), encoding="utf-8")


def check_fixture(name, proxy, root=FIXTURES):
    facts = facts_of(name, root)
    server = proxy(name, root)
    for start in facts["start_urls"]:
        result, report = crawl_site(start)
        posts = {p.id: p for p in result.posts}
        expected = {p["url"]: p for p in facts["posts"]}
        assert sorted(posts) == sorted(expected), (start, report.warnings)
        for url, want in expected.items():
            post = posts[url]
            assert post.url == url
            assert post.title == want["title"], (url, post.title)
            assert post.date is not None and post.date.isoformat() == want["date"], (url, post.date)
            assert want["body"] in post.body, (url, post.body[:300])
            for phrase in want["absent"]:
                assert phrase not in post.body, (url, phrase)
                assert phrase not in post.title, (url, phrase)
        for url in facts["not_posts"]:
            assert url not in posts
        requested = {(r.host, r.path) for r in server.requests}
        for url in facts.get("never_fetched", []):
            assert (urlsplit(url).hostname, urlsplit(url).path) not in requested, url
        platform = detect(start, _fixture_html(root / name, start))
        for url in expected:
            body = urlsplit(platform.body_url(url))
            assert (body.hostname, body.path) in requested, (url, "body not read at", body.geturl())
        fixture_hosts = {p.name for p in (root / name).iterdir() if p.is_dir()}
        assert {r.host for r in server.requests} <= fixture_hosts
        assert all(r.proxied for r in server.requests)   # every request went through the proxy
        assert result.errors == 0, report.warnings
        server.requests.clear()


def _fixture_html(site, url: str) -> str | None:
    """The fixture file a URL is served from (as the crawl saw its start page), if any."""
    parts = urlsplit(url)
    path = site / parts.hostname / parts.path.lstrip("/")
    path = path / "index.html" if path.is_dir() else path
    return path.read_text(encoding="utf-8") if path.is_file() else None

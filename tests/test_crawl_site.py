"""Crawling whole fixture blogs on loopback (tests/site_server.py): discovery from any URL,
post pages told from listings, main text only, robots.txt, limits, failures that cost one
warning each. Fixture sites: tests/fixtures/sites/generic-* (make_generic_sites.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from blogqa.crawl import crawl
from blogqa.errors import SourceError
from blogqa.sources import LoadReport, load
from site_server import FIXTURES, SiteServer

JEKYLL = FIXTURES / "generic-jekyll"
CHROME = ("사이드바전용문구", "푸터전용문구", "관련글전용문구", "댓글전용문구", "공유버튼전용문구", "메뉴전용문구",
          "소개페이지전용문구", "비공개초안전용문구", "구독하고", "모든 권리 보유", "좋은 글 감사합니다", "트위터", "페이스북")


def post_paths(count: int = 60) -> list[str]:
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=3 * n) for n in range(count)]
    return [f"/{d:%Y/%m/%d}/post-{n:02d}/" for n, d in enumerate(dates, start=1)]


@pytest.fixture
def jekyll():
    with SiteServer(JEKYLL, default_host="site") as server:
        yield server


def crawl_quiet(url: str, **kwargs):
    report = LoadReport()
    kwargs.setdefault("timeout", 3)
    kwargs.setdefault("max_retry_wait", 2)
    return crawl(url, report, progress=False, **kwargs), report


def test_feed_of_10_and_sitemap_of_60_gives_60_posts(jekyll):
    result, report = crawl_quiet(jekyll.url + "/")
    assert sorted(p.id for p in result.posts) == sorted(jekyll.url + path for path in post_paths())
    # robots.txt disallows the draft the sitemap lists: never requested, one warning
    assert "/drafts/secret-plan/" not in jekyll.paths()
    assert report.warnings == [f"{jekyll.url}/drafts/secret-plan/: disallowed by robots.txt, not fetched"]
    # listing and site pages are told apart by their URLs and never downloaded as posts
    for page in ("/about/", "/tags/kafka/", "/categories/dev/", "/page/2/"):
        assert page not in jekyll.paths()
    assert result.errors == 1 and result.removed == set() and result.kept == set()
    assert len(result.state.pages) == 60
    record = result.state.pages[jekyll.url + post_paths()[4]]
    assert record.status == 200 and record.post_id == record.canonical == jekyll.url + post_paths()[4]
    assert record.lastmod == "2024-01-23"  # the sitemap's (post 5 was edited 10 days after publishing)


def test_post_fields_and_main_text_only(jekyll):
    result, _ = crawl_quiet(jekyll.url + "/")
    posts = {p.id: p for p in result.posts}
    for post in result.posts:
        for word in CHROME:
            assert word not in post.body, (post.id, word)
        assert "테크 블로그" not in post.title
    fifth = posts[jekyll.url + post_paths()[4]]
    assert fifth.title == "캐시 이야기 5편"
    assert (fifth.date, fifth.updated) == (dt.date(2024, 1, 13), dt.date(2024, 1, 23))
    assert fifth.url == fifth.id and fifth.source_path is None
    assert fifth.tags == ["캐시"] and fifth.author == "김개발"
    assert fifth.body.startswith("5번째 글에서는 캐시 운영 경험 가운데 고유번호 1005번 사례를")
    assert "\n\n## 배경\n\n" in fifth.body and "\n\n## 해결\n\n" in fifth.body
    assert "```python\ndef retry(times):\n    return [wait(2 ** n) for n in range(times)]\n```" in fifth.body
    assert fifth.body.endswith("결과적으로 장애 시간이 절반으로 줄었습니다.")


def test_home_post_and_feed_urls_all_find_the_whole_blog(jekyll):
    expected = sorted(jekyll.url + path for path in post_paths())
    for start in ("/", post_paths()[6], "/feed.xml"):
        result, _ = crawl_quiet(jekyll.url + start)
        assert sorted(p.id for p in result.posts) == expected, start


def test_max_pages_fetches_the_feeds_newest_first(jekyll):
    result, _ = crawl_quiet(jekyll.url + "/", max_pages=3)
    # newest lastmod first: post 55 was edited on 2024-06-21, after post 58 was published
    assert [p.id for p in result.posts] == [jekyll.url + post_paths()[n - 1] for n in (60, 59, 55)]
    fetched = [p for p in jekyll.paths() if p.startswith("/2024/")]
    assert len(fetched) == 3


def test_failing_pages_cost_one_warning_each_and_the_crawl_goes_on(jekyll):
    paths = post_paths()
    jekyll.rule(paths[0], delay=3)                                   # hangs past the timeout
    jekyll.rule(paths[1], size=20 * 2**20)                           # 20 MB
    jekyll.rule(paths[2], redirect=paths[2] + "?loop")               # a redirect loop
    jekyll.rule(paths[2] + "?loop", redirect=paths[2])
    jekyll.rule(paths[3], redirect="http://elsewhere.example/x/")    # off the host
    jekyll.rule(paths[4], gzip=True)                                 # compressed: fine
    jekyll.rule(paths[5], status=429, headers={"Retry-After": "1"}, body=b"busy", times=1)  # retried: fine
    jekyll.rule(paths[-1], status=503, body=b"down")                 # in the feed: its entry is used
    result, report = crawl_quiet(jekyll.url + "/", timeout=1, max_retry_wait=0.1)
    url = jekyll.url
    assert sorted(report.warnings) == sorted([
        f"{url}/drafts/secret-plan/: disallowed by robots.txt, not fetched",
        f"{url}{paths[0]}: timed out after 1 s",
        f"{url}{paths[1]}: larger than 5 MB, not read further",
        f"{url}{paths[2]}: more than 5 redirects",
        f"{url}{paths[3]}: redirect to another host refused (http://elsewhere.example/x/)",
        f"{url}{paths[-1]}: HTTP 503; the feed entry's text is used",
    ])
    ids = {p.id for p in result.posts}
    assert ids == {url + path for path in paths[4:]}
    feed_only = next(p for p in result.posts if p.id == url + paths[-1])
    assert feed_only.title == "카프카 이야기 60편" and feed_only.body == "펭귄물류엔진은 창고 로봇의 경로를 실…"
    assert "elsewhere.example" not in {r.host for r in jekyll.requests}
    assert result.errors == 6


def test_real_host_name_through_the_forward_proxy(monkeypatch):
    with SiteServer(JEKYLL, aliases={"tech.example.com": "site"}) as server:
        monkeypatch.setenv("HTTP_PROXY", server.proxy_url)
        for var in ("NO_PROXY", "no_proxy", "http_proxy"):
            monkeypatch.delenv(var, raising=False)
        result, _ = crawl_quiet("http://tech.example.com/", max_pages=2)
    assert [p.id for p in result.posts] == ["http://tech.example.com" + p for p in post_paths()[-1:-3:-1]]
    assert {(r.host, r.proxied) for r in server.requests} == {("tech.example.com", True)}


def test_hugo_sitemap_index_and_unadvertised_feed():
    with SiteServer(FIXTURES / "generic-hugo", default_host="site") as server:
        result, report = crawl_quiet(server.url + "/")
        assert sorted(p.id for p in result.posts) == [server.url + f"/posts/post-{n:02d}/" for n in range(1, 7)]
        assert "/tags/sitemap.xml" not in server.paths() and "/tags/kafka/" not in server.paths()
        assert "/index.xml" in server.paths()  # the feed, found at a usual path
        assert report.warnings == []
        assert all(p.date for p in result.posts)


def test_archive_pages_when_there_is_no_sitemap_or_feed():
    with SiteServer(FIXTURES / "generic-archive", default_host="site") as server:
        result, _ = crawl_quiet(server.url + "/")
        assert len(result.posts) == 5
        assert "/page/2/" in server.paths() and "/about/" not in server.paths()
        assert {p.title for p in result.posts} == {f"{t} 이야기 {n}편" for n, t in
                                                   [(1, "쿠버네티스"), (2, "검색엔진"), (3, "데이터파이프라인"),
                                                    (4, "모니터링"), (5, "캐시")]}


def test_nothing_found_is_one_line_saying_what_was_tried(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html><head><title>준비 중</title></head><body><p>곧 열립니다</p></body></html>")
    with SiteServer(tmp_path, default_host="site") as server:
        with pytest.raises(SourceError) as err:
            crawl_quiet(server.url + "/")
        with pytest.raises(SourceError) as via_load:
            list(load(server.url + "/"))
    message = str(err.value)
    assert "\n" not in message and str(via_load.value) == message
    assert message == (f"{server.url}/: no feed, sitemap or post page found (tried {server.url}/, robots.txt Sitemap: "
                       "lines, /sitemap.xml, /sitemap_index.xml, /wp-sitemap.xml, /sitemap-posts.xml, /feed, /rss, "
                       "/feed.xml, /rss.xml, /atom.xml, /index.xml, archive pages)")


def test_unreachable_site_is_a_source_error(jekyll):
    url = jekyll.url
    jekyll.__exit__()
    with pytest.raises(SourceError, match=f"^{url}/: ConnectError"):
        crawl_quiet(url + "/")


def test_at_most_4_requests_at_a_time_per_host(jekyll):
    for path in post_paths()[-12:]:
        jekyll.rule(path, delay=0.3)
    result, _ = crawl_quiet(jekyll.url + "/", max_pages=12)
    assert len(result.posts) == 12
    pages = [r for r in jekyll.requests if r.path.startswith("/2024/")]
    most = max(sum(1 for other in pages if other.time <= r.time < other.end) for r in pages)
    assert 2 <= most <= 4, most  # in parallel, never more than 4


def test_a_gzipped_sitemap_listed_in_robots_txt(tmp_path):
    import gzip
    import shutil

    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "generic-hugo" / "site", site)
    (site / "index.xml").unlink()
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: {{origin}}/sitemap-posts.xml.gz\n")
    with SiteServer(tmp_path, default_host="site") as server:
        posts = (site / "posts" / "sitemap.xml").read_bytes().replace(b"{{origin}}", server.url.encode())
        (site / "sitemap-posts.xml.gz").write_bytes(gzip.compress(posts))  # a file, not Content-Encoding
        result, report = crawl_quiet(server.url + "/")
    assert len(result.posts) == 6 and report.warnings == []
    assert "/sitemap.xml" not in server.paths()  # robots.txt's sitemap was enough


def test_a_first_crawl_that_reads_no_post_is_an_error(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                      "<url><loc>{{origin}}/a/</loc></url><url><loc>{{origin}}/b/</loc></url></urlset>")
    (site / "index.html").write_text("<html><body><p>home</p></body></html>")
    with SiteServer(tmp_path, default_host="site") as server:
        server.rule("/a/", status=500, body=b"down")
        server.rule("/b/", status=500, body=b"down")
        with pytest.raises(SourceError) as err:
            crawl_quiet(server.url + "/", max_retry_wait=0.01)
    assert str(err.value) in {f"{server.url}/: no post could be read (2 pages tried; first: {server.url}/{page}/: HTTP 500)"
                              for page in "ab"}  # first to fail of two fetched at once

"""Issue 14 item 5, URL sources: `blogqa ingest URL` remembers every page (URL, ETag,
Last-Modified, sitemap lastmod, content hash) and `sync` fetches only what may have changed.

A small blog is written into the test's own folder and served on loopback (tests/site_server.py,
which logs every request). Between the ingest and the sync a post is published, one is edited
(new text, newer lastmod), one leaves the sitemap, and one without a lastmod is deleted (404).
The request log then proves: the page whose lastmod did not change is not requested at all, the
page without a lastmod gets a conditional GET answered 304, and only the new and the edited
pages are downloaded in full."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from blogqa.api import Index
from blogqa.crawl.state import CrawlState
from site_server import SiteServer

BLOGQA = [sys.executable, "-m", "blogqa"]

# path -> (title, sitemap lastmod or None)
POSTS = {
    "/2024/05/01/deploy/": ("배포 자동화", "2024-05-01"),
    "/2024/05/02/kafka/": ("카프카 도입", "2024-05-02"),
    "/2024/05/03/hiring/": ("채용 공고", None),       # no lastmod: revisited with a conditional GET
    "/2024/05/04/oncall/": ("온콜 가이드", "2024-05-04"),
    "/2024/05/05/retro/": ("회고", None),
}


def page(title: str, date: str, text: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{title} | 테크 블로그</title>
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<meta property="article:published_time" content="{date}T09:00:00+09:00">
</head><body>
<header><a href="/">테크 블로그</a> <nav><a href="/about/">소개</a></nav></header>
<main><article class="post"><h1>{title}</h1><time datetime="{date}T09:00:00+09:00">{date}</time>
<div class="post-content"><p>{text}</p>
<p>이 글은 팀이 실제로 겪은 일을 정리한 기록이며, 본문은 이 두 문단으로 이루어져 있습니다.</p></div>
</article></main>
<footer><p>푸터전용문구 © 2024 테크 블로그</p></footer></body></html>
"""


class Blog:
    """The site's files under `root/site/` (the SiteServer's default host)."""

    def __init__(self, root: Path, mark: str):
        self.dir = root / "site"
        self.mark = mark
        self.lastmods: dict[str, str | None] = {}
        self.write("robots.txt", "User-agent: *\nDisallow: /private/\nSitemap: {{origin}}/sitemap.xml\n")
        self.write("index.html", "<!DOCTYPE html><html><head><title>테크 블로그</title></head>"
                                 "<body><h1>테크 블로그</h1><p>팀의 기술 블로그입니다.</p></body></html>")
        for path, (title, lastmod) in POSTS.items():
            self.publish(path, title, lastmod, f"{title}에 대한 글입니다. {mark}{path.split('/')[4]}")
        self.lastmods["/private/plan/"] = "2024-05-06"  # listed, but robots.txt disallows it
        self.write_sitemap()

    def write(self, rel: str, text: str) -> None:
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def publish(self, path: str, title: str, lastmod: str | None, text: str) -> None:
        self.write(path.strip("/") + "/index.html", page(title, path[1:11].replace("/", "-"), text))
        self.lastmods[path] = lastmod
        self.write_sitemap()

    def unlist(self, path: str) -> None:
        del self.lastmods[path]
        self.write_sitemap()

    def write_sitemap(self) -> None:
        urls = "".join(f"<url><loc>{{{{origin}}}}{path}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                       + "</url>\n" for path, lastmod in self.lastmods.items())
        self.write("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                                  f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


@pytest.fixture
def mark() -> str:
    return "표식" + uuid.uuid4().hex[:10]


@pytest.fixture
def site(tmp_path, mark):
    blog = Blog(tmp_path, mark)
    with SiteServer(tmp_path, default_host="site", auto_etag=True) as server:
        server.blog = blog
        yield server


def requests_to(server: SiteServer, path: str, since: int) -> list:
    return [r for r in server.requests[since:] if r.path == path]


def full_downloads(server: SiteServer, since: int) -> set[str]:
    """Post pages sent in full (status 200 with a body) since request number `since`."""
    return {r.path for r in server.requests[since:] if r.path.startswith("/2024/") and r.status == 200 and r.bytes}


def test_ingest_url_records_every_page_of_the_crawl(site, tmp_path):
    idx = Index(str(tmp_path / "idx"), create=True)
    report = idx.ingest(site.url + "/", progress=False)
    assert report.added == len(POSTS)
    (record,) = idx.sources()
    assert (record.kind, record.location, record.fmt) == ("url", site.url + "/", None)
    pages = CrawlState.from_json(record.state).pages
    deploy = pages[site.url + "/2024/05/01/deploy/"]
    assert deploy.lastmod == "2024-05-01" and deploy.etag and deploy.content_hash and deploy.status == 200
    assert deploy.post_id == site.url + "/2024/05/01/deploy/"
    assert pages[site.url + "/2024/05/03/hiring/"].lastmod is None


def test_sync_fetches_only_what_changed(site, tmp_path, mark):
    blog: Blog = site.blog
    idx = Index(str(tmp_path / "idx"), create=True)
    idx.ingest(site.url + "/", progress=False)
    blog.publish("/2024/05/20/launch/", "신규 기능 출시", "2024-05-20", f"신규 기능을 출시했습니다. {mark}launch")
    blog.publish("/2024/05/02/kafka/", "카프카 도입", "2024-05-10", f"카프카 클러스터를 3대로 늘렸습니다. {mark}kafka")
    blog.unlist("/2024/05/04/oncall/")  # left the sitemap (the page itself is still there)
    (blog.dir / "2024/05/05/retro/index.html").unlink()  # no lastmod, and now 404
    since = len(site.requests)

    report = idx.sync(progress=False)

    assert (report.added, report.updated, report.removed) == (1, 1, 2)
    # the one error: the page robots.txt disallows (a warning line; the sync still completes)
    assert (report.unchanged, report.not_modified, report.errors, report.unreadable) == (1, 1, 1, 0)
    assert report.embedded == report.chunks > 0
    assert requests_to(site, "/2024/05/01/deploy/", since) == [], "lastmod unchanged: not requested at all"
    assert requests_to(site, "/2024/05/04/oncall/", since) == [], "left the sitemap: not requested"
    (hiring,) = requests_to(site, "/2024/05/03/hiring/", since)
    assert hiring.headers.get("If-None-Match") and (hiring.status, hiring.bytes) == (304, 0)
    (retro,) = requests_to(site, "/2024/05/05/retro/", since)
    assert retro.status == 404
    assert full_downloads(site, since) == {"/2024/05/20/launch/", "/2024/05/02/kafka/"}
    assert "/private/plan/" not in site.paths()

    titles = sorted(p.title for p in idx.posts())
    assert titles == sorted(["배포 자동화", "카프카 도입", "채용 공고", "신규 기능 출시"])
    hit = idx.search(f"{mark}kafka 카프카 클러스터", k=1, mode="bm25").hits[0]
    assert "3대로 늘렸습니다" in hit.text
    pages = CrawlState.from_json(idx.sources()[0].state).pages
    assert site.url + "/2024/05/05/retro/" not in pages and site.url + "/2024/05/04/oncall/" not in pages
    assert pages[site.url + "/2024/05/02/kafka/"].lastmod == "2024-05-10"


def test_cli_sync_of_an_unchanged_site_downloads_no_post_page(site, tmp_path):
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    idx.ingest(site.url + "/", progress=False)
    since = len(site.requests)
    idx.sync(progress=False)  # the pages revisited answer 304 now: their records say so from here on
    assert full_downloads(site, since) == set()
    generation = (location / "CURRENT").read_text()
    since = len(site.requests)

    done = subprocess.run([*BLOGQA, "sync", "--index", str(location), "--json", "-q"],
                          capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert {k: report[k] for k in ("added", "updated", "removed", "unchanged", "not_modified", "errors")} == \
        {"added": 0, "updated": 0, "removed": 0, "unchanged": 3, "not_modified": 2, "errors": 1}
    assert full_downloads(site, since) == set()
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert any("/private/plan/" in line and "robots.txt" in line for line in warnings), warnings
    assert (location / "CURRENT").read_text() == generation, "nothing changed: no new generation"


def test_a_site_that_cannot_be_read_keeps_its_posts_and_exits_1(site, tmp_path):
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(site.url + "/", progress=False)
    site.__exit__(None, None, None)  # the site is down: connections refused
    done = subprocess.run([*BLOGQA, "sync", "--index", str(location), "--json", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert json.loads(done.stdout)["errors"] >= 1
    assert any(site.url in line for line in done.stderr.splitlines() if line.startswith("warning: "))
    assert len(list(Index(str(location)).posts())) == len(POSTS)


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<item><title>{title}</title><link>{{{{origin}}}}{path}</link><guid>{{{{origin}}}}{path}</guid>"
                   f"<pubDate>Wed, 01 May 2024 09:00:00 +0900</pubDate><description>{text}</description></item>"
                   for path, title, text in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>테크 블로그</title>{body}</channel></rss>'


def test_a_feed_ingested_with_format_feed_is_reread_in_full(site, tmp_path, mark):
    blog: Blog = site.blog
    blog.write("feed.xml", rss([("/a/", "첫 글", f"첫 글의 본문입니다. {mark}첫"),
                                ("/b/", "둘째 글", f"둘째 글의 본문입니다. {mark}둘")]))
    idx = Index(str(tmp_path / "idx"), create=True)
    assert idx.ingest(site.url + "/feed.xml", fmt="feed", progress=False).added == 2
    assert [(r.kind, r.fmt, r.state) for r in idx.sources()] == [("url", "feed", None)]
    blog.write("feed.xml", rss([("/a/", "첫 글", f"첫 글의 본문을 고쳤습니다. {mark}고침"),
                                ("/c/", "셋째 글", f"셋째 글의 본문입니다. {mark}셋")]))
    since = len(site.requests)
    report = idx.sync(progress=False)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 0)
    assert site.paths()[since:] == ["/feed.xml"], "a feed source is the feed, not a crawl"
    assert sorted(p.title for p in idx.posts()) == ["셋째 글", "첫 글"]

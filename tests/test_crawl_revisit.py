"""crawl(previous=state): a page whose sitemap lastmod did not change is not requested; one
without a lastmod gets a conditional GET (304 = kept); a changed lastmod is fetched, and the
same text again counts as unchanged; 404 or gone from the sitemap = removed; new = fetched.
A copy of tests/fixtures/sites/generic-hugo (no feed, so the sitemap alone announces posts)."""
from __future__ import annotations

import re
import shutil

from blogqa.crawl import CrawlState, crawl
from blogqa.sources import LoadReport
from site_server import FIXTURES, SiteServer


def test_revisit_fetches_only_what_may_have_changed(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "generic-hugo" / "site", site)
    (site / "index.xml").unlink()
    sitemap = site / "posts" / "sitemap.xml"
    with SiteServer(tmp_path, default_host="site", auto_etag=True) as server:
        url = server.url
        first = crawl(url + "/", LoadReport(), progress=False, timeout=3)
        assert len(first.posts) == 6
        state = CrawlState.from_json(first.state.to_json())  # what the index stores, as JSON
        assert state == first.state

        text = sitemap.read_text()
        text = text.replace("<lastmod>2024-01-04</lastmod>", "")                               # post 2: no lastmod
        text = text.replace("2024-01-07", "2024-03-01")                                        # post 3: edited
        text = re.sub(r"<url><loc>[^<]*/posts/post-04/</loc><lastmod>[^<]*</lastmod></url>", "", text)  # post 4: gone
        text = text.replace("2024-01-13", "2024-03-02")                                        # post 5: deleted
        text = text.replace("2024-01-16", "2024-03-03")                                        # post 6: touched
        text = text.replace("</urlset>", "<url><loc>{{origin}}/posts/post-07/</loc><lastmod>2024-03-04</lastmod>"
                                         "</url></urlset>")                                   # post 7: new
        sitemap.write_text(text)
        edited = site / "posts" / "post-03" / "index.html"
        edited.write_text(edited.read_text().replace("결과적으로 장애 시간이 절반으로 줄었습니다.", "개정판: 장애가 사라졌습니다."))
        shutil.rmtree(site / "posts" / "post-05")
        rebuilt = site / "posts" / "post-06" / "index.html"  # a rebuild: new bytes (and ETag), same post
        rebuilt.write_text(rebuilt.read_text() + "<!-- built 2024-03-03 -->\n")
        shutil.copytree(site / "posts" / "post-06", site / "posts" / "post-07")
        new = site / "posts" / "post-07" / "index.html"
        new.write_text(new.read_text().replace("/posts/post-06/", "/posts/post-07/").replace("이야기 6편", "이야기 7편"))
        server.requests.clear()

        report = LoadReport()
        second = crawl(url + "/", report, previous=state, progress=False, timeout=3)

    post = lambda n: f"{url}/posts/post-{n:02d}/"  # noqa: E731
    requested = {r.path: r for r in server.requests if r.path.startswith("/posts/post-")}
    assert set(requested) == {f"/posts/post-{n:02d}/" for n in (2, 3, 5, 6, 7)}   # post 1 not requested
    assert requested["/posts/post-02/"].status == 304 and requested["/posts/post-02/"].bytes == 0
    assert "If-None-Match" in requested["/posts/post-02/"].headers
    assert sorted(p.id for p in second.posts) == [post(3), post(7)]
    assert "개정판: 장애가 사라졌습니다." in next(p for p in second.posts if p.id == post(3)).body
    assert second.kept == {post(1), post(2), post(6)}
    assert second.removed == {post(4), post(5)}
    assert (second.not_modified, second.unchanged) == (1, 2)   # post 2: 304; post 1 not asked, post 6 same hash
    assert requested["/posts/post-06/"].status == 200
    assert set(second.state.pages) == {post(n) for n in (1, 2, 3, 6, 7)}
    assert report.warnings == [f"{post(5)}: HTTP 404, not on the site (any more)"]


def test_feed_only_site_keeps_posts_that_left_the_feed(tmp_path):
    """A feed holds the latest posts only: one that drops out of it is still on the site (a
    conditional GET says so); one whose page is gone is removed."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "generic-hugo" / "site", site)
    for sitemap in (site / "sitemap.xml", site / "posts" / "sitemap.xml", site / "tags" / "sitemap.xml"):
        sitemap.unlink()
    with SiteServer(tmp_path, default_host="site", auto_etag=True) as server:
        url = server.url
        first = crawl(url + "/", LoadReport(), progress=False, timeout=3)
        assert len(first.posts) == 6
        feed = site / "index.xml"
        feed.write_text(re.sub(r"<item><title>[^<]*[123]편</title>.*?</item>", "", feed.read_text()))
        shutil.rmtree(site / "posts" / "post-02")
        server.requests.clear()
        second = crawl(url + "/", LoadReport(), previous=first.state, progress=False, timeout=3)
    post = lambda n: f"{url}/posts/post-{n:02d}/"  # noqa: E731
    requested = {r.path: r.status for r in server.requests if r.path.startswith("/posts/post-")}
    assert requested == {"/posts/post-01/": 304, "/posts/post-02/": 404, "/posts/post-03/": 304}
    assert second.posts == [] and second.removed == {post(2)}
    assert second.kept == {post(n) for n in (1, 3, 4, 5, 6)}

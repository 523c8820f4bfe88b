"""`blogqa ingest URL` end to end: the real CLI in a subprocess crawls a loopback fixture blog
into a fresh index, `blogqa search` finds a post by its body and cites its canonical URL; a
URL with nothing to find exits 1 with one line and leaves the index as it was."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from blogqa.api import Index
from blogqa.cli import main
from site_server import FIXTURES, SiteServer


def blogqa(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return subprocess.run([sys.executable, "-m", "blogqa", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_ingest_url_then_search_cites_the_canonical_url(tmp_path):
    index = str(tmp_path / "idx")
    with SiteServer(FIXTURES / "generic-jekyll", default_host="site") as server:
        proc = blogqa("ingest", server.url + "/", "--index", index, "--max-pages", "3", "--json", "-q")
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert report["posts"] == 3
        assert proc.stderr.splitlines() == [
            f"warning: {server.url}/drafts/secret-plan/: disallowed by robots.txt, not fetched"]
        fetched = [p for p in server.paths() if p.startswith("/2024/")]
        assert len(fetched) == 3 and "/drafts/secret-plan/" not in server.paths()
    found = blogqa("search", "펭귄물류엔진 창고 로봇 경로", "--index", index, "--json", "-k", "1")
    assert found.returncode == 0, found.stderr
    (hit,) = json.loads(found.stdout)["hits"]
    assert hit["url"] == f"{server.url}/2024/06/26/post-60/"
    assert hit["title"] == "카프카 이야기 60편" and hit["date"] == "2024-06-26"
    assert "펭귄물류엔진" in hit["text"] and "사이드바전용문구" not in hit["text"]


def test_ingest_url_with_nothing_found_exits_1_and_keeps_the_index(tmp_path, capsys):
    location = tmp_path / "idx"
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "2024-01-01-hello.md").write_text("---\ntitle: 안녕\n---\n첫 글 본문입니다.", encoding="utf-8")
    Index(str(location), create=True).ingest(str(tmp_path / "blog"), progress=False)
    site = tmp_path / "site" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html><head><title>준비 중</title></head><body><p>곧 열립니다</p></body></html>")
    with SiteServer(tmp_path / "site") as server:
        code = main(["ingest", server.url + "/", "--index", str(location), "--prune", "-q"])
        fresh = main(["ingest", server.url + "/", "--index", str(tmp_path / "new-idx"), "-q"])
    out, err = capsys.readouterr()
    assert (code, fresh, out) == (1, 1, "")
    line = (f"blogqa: error: {server.url}/: no feed, sitemap or post page found (tried {server.url}/, robots.txt "
            "Sitemap: lines, /sitemap.xml, /sitemap_index.xml, /wp-sitemap.xml, /sitemap-posts.xml, /feed, /rss, "
            "/feed.xml, /rss.xml, /atom.xml, /index.xml, archive pages)")
    assert err.splitlines() == [line, line]
    assert [p.title for p in Index(str(location)).posts()] == ["안녕"]
    assert not (tmp_path / "new-idx" / "CURRENT").exists()

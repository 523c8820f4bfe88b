"""HTML pages, RSS/Atom feeds (file and loopback URL), WordPress WXR, JSONL, and sniffing."""
import datetime as dt
import json
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from blogqa.errors import SourceError, UsageError
from blogqa.sources import FORMATS, LoadReport, load, sniff

from source_util import QuietHandler, loopback

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@contextmanager
def serve(body: bytes, release: threading.Event | None = None):
    """A loopback HTTP server answering every GET with `body`; with `release`, it first waits
    for the event (a server that hangs until the test is done)."""
    class Handler(QuietHandler):
        def do_GET(self):
            if release is not None:
                release.wait(10)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up already

    with loopback(Handler) as url:
        try:
            yield url
        finally:
            if release is not None:
                release.set()


def test_formats_constant():
    assert FORMATS == ("markdown", "html", "feed", "wxr", "jsonl")


def test_html_folder_main_content_and_meta(tmp_path):
    shutil.copy(FIXTURES / "page.html", tmp_path / "page.html")
    (tmp_path / "plain.htm").write_text("<html><head><title>두 번째</title></head><body><p>짧은 글</p></body></html>")
    report = LoadReport()
    posts = {p.id: p for p in load(tmp_path, report=report)}
    page = posts["page.html"]
    assert page.title == "검색 품질 개선기"
    assert (page.date, page.updated) == (dt.date(2021, 3, 4), dt.date(2021, 4, 1))
    assert page.tags == ["search", "bm25"] and page.author == "박검색"
    assert page.url == "https://blog.example.com/search-quality"
    assert "BM25 & 임베딩을 함께 썼습니다." in page.body
    assert "그림 1. p95 지연 시간" in page.body and "지연 시간 그래프" in page.body
    assert "## 결과\n\n```python\nscore = bm25 + 0.5 * dense\nif score > 1:\n    print(score)\n```" in page.body
    for chrome in ("태그 목록", "예제 블로그", "관련 글", "예제 회사", "gist", "youtube", "color"):
        assert chrome not in page.body
    assert posts["plain.htm"].title == "두 번째" and posts["plain.htm"].body == "짧은 글"
    assert report.warnings == ["%s: 1 post has no date (indexed with date unknown)" % tmp_path]


def test_rss_file():
    report = LoadReport()
    posts = list(load(FIXTURES / "feed.rss", report=report))
    first = posts[0]
    assert (first.id, first.title, first.url) == ("post-101", "쿠버네티스 비용 줄이기",
                                                  "https://blog.example.com/2024/01/k8s-cost")
    assert first.date == dt.date(2024, 1, 31)  # the +0900 calendar day, not UTC's Jan 30
    assert first.body == "## 배경\n\n노드 비용이 & 너무 컸습니다.\n\n```yaml\nreplicas: 2\n```"
    assert first.tags == ["kubernetes", "cost"] and first.author == "김개발" and first.source_path is None
    assert posts[1].id == "https://blog.example.com/2024/02/no-date" and posts[1].date is None
    assert len(posts) == 2 and report.skipped == 1
    assert any(w.endswith("entry 3: missing title") for w in report.warnings)


def test_atom_file():
    (post,) = load(FIXTURES / "feed.atom")
    assert (post.id, post.title, post.body) == ("urn:uuid:entry-1", "Atom 글", "검색 품질 개선")
    assert (post.date, post.updated) == (dt.date(2023, 5, 1), dt.date(2023, 5, 2))
    assert post.tags == ["search"] and post.author == "Lee"


def test_feed_url_on_loopback():
    with serve((FIXTURES / "feed.rss").read_bytes()) as url:
        posts = list(load(url, timeout=5))
    assert [p.id for p in posts] == ["post-101", "https://blog.example.com/2024/02/no-date"]


def test_wxr_export():
    report = LoadReport()
    posts = {p.id: p for p in load(FIXTURES / "export.wxr.xml", report=report)}
    assert sorted(posts) == ["https://wp.example.com/?p=11", "https://wp.example.com/?p=12"]
    public, private = posts["https://wp.example.com/?p=11"], posts["https://wp.example.com/?p=12"]
    assert public.title == "공개 글" and public.visibility == "public"
    assert public.body == "첫 문단입니다.\n\n둘째 문단 그림 설명\n\n```\ndef f():\n    return 1\n```"
    assert (public.date, public.updated) == (dt.date(2020, 5, 1), dt.date(2020, 6, 15))
    assert public.tags == ["개발", "python"] and public.author == "홍길동"
    assert public.url == "https://wp.example.com/2020/05/public-post/"
    assert private.visibility == "internal" and private.body == "사내 전용"
    assert report.skipped_drafts == 1 and report.warnings == []


def test_jsonl_ids_urls_and_bad_lines(tmp_path):
    lines = [
        {"id": 7, "title": "숫자 id", "body": "본문 **강조**", "date": "2024-01-02", "tags": "a, b"},
        {"title": "url id", "body": "<p>HTML 본문</p>", "url": "https://x.example/Post?id=1&utm=Z#frag",
         "updated": "2024-02-03T10:00:00+09:00", "tags": ["c", "d"]},
        {"title": "줄 번호 id", "body": "본문", "date": "2024-03-04"},
        {"title": "본문 없음"},
        {"body": "제목 없음"},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    path = tmp_path / "posts.jsonl"
    path.write_text(text[:len(text)] + "\n{not json\n\n", encoding="utf-8")
    report = LoadReport()
    posts = list(load(path, report=report))
    assert [p.id for p in posts] == ["7", "https://x.example/Post?id=1&utm=Z#frag", "line-3"]
    assert posts[0].body == "본문 강조" and posts[0].tags == ["a", "b"] and posts[0].date == dt.date(2024, 1, 2)
    assert posts[1].url == "https://x.example/Post?id=1&utm=Z#frag" and posts[1].body == "HTML 본문"
    assert posts[1].updated == dt.date(2024, 2, 3) and posts[1].tags == ["c", "d"]
    assert posts[2].title == "줄 번호 id" and posts[2].url is None and posts[2].source_path == "posts.jsonl:3"
    assert report.skipped == 3
    assert f"{path}: line 4: missing title/body" in report.warnings
    assert f"{path}: line 5: missing title/body" in report.warnings
    assert any(w.startswith(f"{path}: line 6: bad JSON") for w in report.warnings)
    assert f"{path}: 1 post has no date (indexed with date unknown)" in report.warnings


def test_sniffing(tmp_path):
    assert sniff(FIXTURES / "feed.rss") == "feed"
    assert sniff(FIXTURES / "feed.atom") == "feed"
    assert sniff(FIXTURES / "export.wxr.xml") == "wxr"
    assert sniff(FIXTURES / "page.html") == "html"
    (tmp_path / "dump").write_text('{"title": "t", "body": "b"}\n')
    assert sniff(tmp_path / "dump") == "jsonl"
    (tmp_path / "post.md").write_text("# t\n")
    assert sniff(tmp_path / "post.md") == "markdown"
    (tmp_path / "mystery.bin").write_bytes(b"\x01\x02 nothing known")
    with pytest.raises(UsageError, match="cannot tell"):
        sniff(tmp_path / "mystery.bin")


def test_forced_format_overrides_sniffing(tmp_path):
    path = tmp_path / "export.xml"
    shutil.copy(FIXTURES / "feed.rss", path)
    assert len(list(load(path, fmt="feed"))) == 2
    with pytest.raises(UsageError, match="unknown format"):
        load(path, fmt="docx")
    with pytest.raises(UsageError, match="needs a file"):
        load(tmp_path, fmt="jsonl")


def test_feed_url_timeout_raises_source_error():
    release = threading.Event()
    with serve(b"<rss/>", release=release) as url:
        started = time.monotonic()
        with pytest.raises(SourceError, match="timed out after 0.3 s") as err:
            load(url, timeout=0.3)
        assert time.monotonic() - started < 3
    assert url in str(err.value) and "\n" not in str(err.value)


def test_feed_url_refused_raises_source_error():
    with serve(b"") as url:
        pass  # the server is gone now: connecting is refused
    with pytest.raises(SourceError, match=url.split("/feed")[0]):
        load(url, timeout=2)

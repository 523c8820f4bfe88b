"""Hostile sources, issue 16 item 12: a source that gives no post (a URL that is not a feed, a
folder of PDFs, a folder of unreadable files) is an error, in the loader and in the CLI (exit 1,
one line naming the source), and nothing indexed is lost. Real HTTP on loopback, real SQLite."""
import os
from contextlib import contextmanager

import pytest

from blogqa.api import Index
from blogqa.cli import main
from blogqa.errors import SourceError
from blogqa.sources import NoPostsError, load

from source_util import QuietHandler, loopback, write


@contextmanager
def serve(body: bytes, content_type: str):
    class Handler(QuietHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with loopback(Handler, "/blog/") as url:
        yield url


HTML_PAGE = "<!doctype html><html><head><title>블로그</title></head><body><h1>글 목록</h1><p>안녕</p></body></html>".encode()


def nothing_found(url: str) -> str:
    """Issue 14 item 7: a URL is crawled as a blog; with nothing found, one line says what was tried."""
    return (f"{url}: no feed, sitemap or post page found (tried {url}, robots.txt Sitemap: lines, /sitemap.xml, "
            "/sitemap_index.xml, /wp-sitemap.xml, /sitemap-posts.xml, /feed, /rss, /feed.xml, /rss.xml, /atom.xml, "
            "/index.xml, archive pages)")


def test_url_of_an_html_page_is_not_a_feed():
    with serve(HTML_PAGE, "text/html; charset=utf-8") as url:
        with pytest.raises(SourceError) as err:
            list(load(url))
    assert str(err.value) == nothing_found(url)


def test_folder_of_pdfs_has_no_posts(tmp_path):
    write(tmp_path / "a.pdf", b"%PDF-1.4\n" + os.urandom(100))
    write(tmp_path / "notes" / "b.pdf", b"%PDF-1.4\n" + os.urandom(100))
    with pytest.raises(NoPostsError) as err:
        list(load(tmp_path))
    assert str(err.value) == (f"{tmp_path}: no posts to ingest (PDF is not supported: found 2 PDF files; "
                              "export the posts as Markdown or HTML, or give the blog's web address or feed)")


def test_folder_whose_posts_are_all_unreadable_has_no_posts(tmp_path):
    write(tmp_path / "a.md", b"")
    write(tmp_path / "b.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    with pytest.raises(NoPostsError) as err:
        list(load(tmp_path))
    assert str(err.value) == f"{tmp_path}: no posts to ingest (2 skipped; first: {tmp_path / 'a.md'}: empty file)"
    assert err.value.report.warnings == [f"{tmp_path / 'a.md'}: empty file", f"{tmp_path / 'b.md'}: binary file"]


def test_valid_feed_without_entries_has_no_posts(tmp_path):
    feed = write(tmp_path / "feed.xml", '<rss version="2.0"><channel><title>빈 피드</title></channel></rss>')
    with pytest.raises(NoPostsError, match="no posts to ingest"):
        list(load(feed))


def test_cli_url_that_is_not_a_feed_is_an_error_and_keeps_the_index(tmp_path, capsys):
    location = tmp_path / "idx"
    write(tmp_path / "blog" / "2024-01-01-welcome.md", "---\ntitle: 환영\n---\n환영 글 본문입니다.")
    Index(str(location), create=True).ingest(str(tmp_path / "blog"), progress=False)
    with serve(HTML_PAGE, "text/html; charset=utf-8") as url:
        code = main(["ingest", url, "--index", str(location), "--prune", "-q"])  # was 0, "0 posts read"
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == f"blogqa: error: {nothing_found(url)}\n"
    assert [p.title for p in Index(str(location)).posts()] == ["환영"]


def test_cli_folder_of_pdfs_is_an_error_and_creates_no_index(tmp_path, capsys):
    write(tmp_path / "pdfs" / "a.pdf", b"%PDF-1.4\n" + os.urandom(64))
    write(tmp_path / "pdfs" / "b.md", b"")
    location = tmp_path / "idx"
    code = main(["ingest", str(tmp_path / "pdfs"), "--index", str(location), "-q"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.splitlines() == [f"warning: {tmp_path / 'pdfs' / 'b.md'}: empty file",
                                f"blogqa: error: {tmp_path / 'pdfs'}: no posts to ingest "
                                f"(1 skipped; first: {tmp_path / 'pdfs' / 'b.md'}: empty file; PDF is not supported: "
                                "found 1 PDF file; export the posts as Markdown or HTML, or give the blog's web address "
                                "or feed)"]
    assert not (location / "CURRENT").exists()

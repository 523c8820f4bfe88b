"""Hostile loader inputs, issue 16 items 8 and 9: things that hang (a FIFO named like a post, a
feed server that sends one byte every 2 s) and stray bytes (a few invalid UTF-8 bytes, a single
stray byte). A real FIFO, real HTTP on loopback, real files."""
import os
import threading
import time
from contextlib import contextmanager

import pytest

from blogqa.errors import SourceError
from blogqa.sources import LoadReport, load

from source_util import GOOD, QuietHandler, load_folder, loopback, only_warning, write


# ------------------------------------------------------------------ 8: hangs

def load_in_thread(source, limit: float = 10, **kw) -> dict:
    """Run `load` in a daemon thread; {"alive": True} when it is still running after `limit` s."""
    result: dict = {}

    def run():
        report = LoadReport()
        try:
            result["posts"] = [p.id for p in load(source, report=report, **kw)]
        except Exception as err:  # noqa: BLE001 - handed to the test
            result["error"] = err
        result["report"] = report

    thread = threading.Thread(target=run, daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(limit)
    result["alive"], result["seconds"] = thread.is_alive(), time.perf_counter() - started
    return result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_named_like_a_post_is_skipped(tmp_path):
    write(tmp_path / "2020-01-01-good.md", GOOD)
    fifo = tmp_path / "2020-01-02-fifo.md"
    os.mkfifo(fifo)
    try:
        result = load_in_thread(tmp_path)
        assert not result["alive"], "load blocked on the FIFO"
        assert result["posts"] == ["2020-01-01-good.md"]
        assert only_warning(result["report"], fifo) == "cannot read (not a regular file)"
        given = load_in_thread(fifo)  # named as the source itself
        assert not given["alive"] and isinstance(given["error"], SourceError)
        assert str(given["error"]) == f"{fifo}: cannot read (not a regular file)"
    finally:
        try:  # unblock a reader stuck in open() (before the fix) so the thread can end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title><guid>g1</guid></item></channel></rss>'


@contextmanager
def trickle_server(headers_first: bool, interval: float = 2.0, feed: bytes = FEED):
    """A loopback HTTP server that sends its answer one byte every `interval` seconds: the body
    only (`headers_first`), or everything from the status line on."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(feed)
    stop = threading.Event()

    class Handler(QuietHandler):
        def do_GET(self):
            data = head + feed
            try:
                if headers_first:
                    self.wfile.write(head)
                    self.wfile.flush()
                    data = feed
                for byte in data:
                    if stop.wait(interval):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            except OSError:
                pass  # the client hung up: what the deadline is for

    with loopback(Handler) as url:
        try:
            yield url
        finally:
            stop.set()  # before the server shuts down: its handlers wait on it


@pytest.mark.parametrize("headers_first", [True, False], ids=["slow-body", "slow-headers"])
def test_feed_server_sending_a_byte_every_2s_hits_the_deadline(headers_first):
    with trickle_server(headers_first) as url:
        # each read gets a byte within 2 s, so the 5 s read timeout alone would never fire
        result = load_in_thread(url, limit=15, timeout=5, deadline=3)
    assert not result["alive"], "the fetch never ended"
    assert isinstance(result["error"], SourceError)
    assert str(result["error"]) == f"{url}: not fetched within 3 s"
    assert 2.9 < result["seconds"] < 5


def test_deadline_does_not_cut_a_fast_fetch():
    with trickle_server(headers_first=True, interval=0.001) as url:
        result = load_in_thread(url, limit=15, deadline=3)
    assert not result["alive"] and result.get("posts") == ["g1"], result.get("error")


# ------------------------------------------------------------------ 9: stray bytes

def test_utf8_post_with_a_few_invalid_bytes_is_utf8_with_a_warning(tmp_path):
    text = "---\ntitle: 잘못된 바이트\n---\n본문 중간에 잘못된 바이트가 "
    data = text.encode() + b"\xed\xa0" + "섞여 있어도 한국어로 읽혀야 합니다.".encode()
    path = write(tmp_path / "2020-01-01-stray.md", data)
    posts, report = load_folder(tmp_path)
    post = posts["2020-01-01-stray.md"]
    assert post.title == "잘못된 바이트"  # was "мһҳлӘ»лҗң ..." (read as another encoding)
    assert post.body == "본문 중간에 잘못된 바이트가 \ufffd\ufffd섞여 있어도 한국어로 읽혀야 합니다."
    offset = len(text.encode())
    assert only_warning(report, path) == f"2 invalid UTF-8 sequences replaced with U+FFFD (first at byte {offset})"


@pytest.mark.parametrize("stray", [b"\x00", b"\xff", b"\x80"], ids=["nul", "ff", "80"])
def test_a_single_stray_byte_is_not_a_binary_file(tmp_path, stray):
    data = "---\ntitle: 한 바이트\n---\n한 바이트만 잘못된 ".encode() + stray + "글입니다.".encode()
    write(tmp_path / "2020-01-01-one.md", data)
    posts, report = load_folder(tmp_path)
    post = posts["2020-01-01-one.md"]
    assert post.title == "한 바이트" and post.body.startswith("한 바이트만 잘못된 ") and post.body.endswith("글입니다.")
    assert all("binary" not in w for w in report.warnings)


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_korean_legacy_encodings_are_still_detected(tmp_path, encoding):
    text = "---\ntitle: 옛 인코딩\n---\n스포카 기술 블로그: 한글 인코딩 테스트입니다. 똠방각하" if encoding == "cp949" \
        else "---\ntitle: 옛 인코딩\n---\n스포카 기술 블로그: 한글 인코딩 테스트입니다."
    write(tmp_path / "2020-01-01-legacy.md", text.encode(encoding))
    posts, report = load_folder(tmp_path)
    assert posts["2020-01-01-legacy.md"].body == text.split("---\n")[-1] and report.warnings == []


def test_real_binary_is_still_binary(tmp_path):
    write(tmp_path / "2020-01-01-good.md", GOOD)
    png = write(tmp_path / "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01" + os.urandom(2000))
    posts, report = load_folder(tmp_path)
    assert list(posts) == ["2020-01-01-good.md"] and only_warning(report, png) == "binary file"

"""The crawl's HTTP client (blogqa.crawl.http.Fetcher) against a loopback site server: robots.txt,
Crawl-delay, retries, timeouts, redirects, size cap, compression, the forward proxy."""
from __future__ import annotations

import gzip
import threading

import httpx
import pytest

from blogqa.crawl.http import PAGE_LIMIT, USER_AGENT, Fetcher
from blogqa.sources.report import LoadReport
from site_server import FIXTURES, SiteServer

SMALL = FIXTURES / "generic-small"


@pytest.fixture
def site():
    with SiteServer(SMALL, default_host="site") as server:
        yield server


def fetcher(site: SiteServer, **kwargs) -> Fetcher:
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("max_retry_wait", 3.0)
    return Fetcher({"127.0.0.1"}, LoadReport(), **kwargs)


def test_user_agent_names_blogqa_and_its_version(site):
    with fetcher(site) as client:
        assert client.get(site.url + "/hello/").status == 200
    from blogqa import __version__
    assert USER_AGENT.startswith(f"blogqa/{__version__} ")
    assert {r.headers["User-Agent"] for r in site.requests} == {USER_AGENT}


def test_robots_disallow_is_never_requested(site):
    with fetcher(site) as client:
        assert client.get(site.url + "/private/") is None
        assert client.get(site.url + "/hello/") is not None
        assert client.sitemaps_in_robots(site.url + "/") == [site.url + "/sitemap.xml"]
    assert "/private/" not in site.paths()
    assert site.count("/robots.txt") == 1
    assert client.report.warnings == [f"{site.url}/private/: disallowed by robots.txt, not fetched"]


def test_crawl_delay_spaces_requests(site):
    with fetcher(site) as client:
        threads = [threading.Thread(target=client.get, args=(site.url + f"/hello/?n={n}",)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = [r.time for r in site.requests if r.path.startswith("/hello/")]
    assert len(times) == 3
    # Crawl-delay: 0.3 spaces the starts on the client; arrival times jitter on a busy machine
    assert times[-1] - times[0] >= 0.55 and all(b - a >= 0.15 for a, b in zip(times, times[1:])), times


def test_429_with_retry_after_is_retried_after_the_wait(site):
    site.rule("/hello/", status=429, headers={"Retry-After": "1"}, body=b"slow down", times=1)
    with fetcher(site) as client:
        page = client.get(site.url + "/hello/")
    assert page is not None and page.status == 200 and b"hello body" in page.content
    first, second = [r for r in site.requests if r.path == "/hello/"]
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 0.95
    assert client.report.warnings == []


def test_retry_after_is_capped(site):
    site.rule("/hello/", status=503, headers={"Retry-After": "3600"}, body=b"x", times=1)
    with fetcher(site, max_retry_wait=0.2) as client:
        assert client.get(site.url + "/hello/").status == 200


def test_5xx_that_persists_is_one_warning(site):
    site.rule("/hello/", status=500, body=b"boom")
    with fetcher(site, retries=2, max_retry_wait=0.05) as client:
        assert client.get(site.url + "/hello/") is None
    assert site.count("/hello/") == 3
    assert client.report.warnings == [f"{site.url}/hello/: HTTP 500"]


def test_a_hanging_server_times_out_with_one_warning(site):
    site.rule("/hang/", delay=3, body=b"late")
    with fetcher(site, timeout=0.5) as client:
        assert client.get(site.url + "/hang/") is None
        assert client.get(site.url + "/hello/").status == 200
    assert client.report.warnings == [f"{site.url}/hang/: timed out after 0.5 s"]


def test_a_redirect_loop_is_bounded(site):
    site.rule("/a", redirect="/b")
    site.rule("/b", redirect="/a")
    with fetcher(site) as client:
        assert client.get(site.url + "/a") is None
    assert len([p for p in site.paths() if p in ("/a", "/b")]) == 6
    assert client.report.warnings == [f"{site.url}/a: more than 5 redirects"]


def test_an_off_host_redirect_is_refused(site):
    site.rule("/away", redirect="http://evil.example/steal")
    with fetcher(site) as client:
        assert client.get(site.url + "/away") is None
    assert client.report.warnings == [f"{site.url}/away: redirect to another host refused (http://evil.example/steal)"]
    assert all(r.host.startswith("127.0.0.1") for r in site.requests)


def test_a_same_host_redirect_is_followed(site):
    site.rule("/old", redirect="/hello/", status=301)
    with fetcher(site) as client:
        page = client.get(site.url + "/old")
    assert page.url == site.url + "/hello/" and b"hello body" in page.content


def test_a_20_mb_page_is_cut_at_the_cap(site):
    site.rule("/big/", size=20 * 2**20)
    with fetcher(site) as client:
        assert client.get(site.url + "/big/") is None
    assert client.report.warnings == [f"{site.url}/big/: larger than {PAGE_LIMIT // 2**20} MB, not read further"]
    big = next(r for r in site.requests if r.path == "/big/")
    assert big.bytes < 20 * 2**20  # the client hung up: the server never sent it all


def test_a_gzip_response_is_decoded(site):
    site.rule("/hello/", gzip=True)
    with fetcher(site) as client:
        page = client.get(site.url + "/hello/")
    assert b"hello body" in page.content
    request = next(r for r in site.requests if r.path == "/hello/")
    assert "gzip" in request.headers["Accept-Encoding"]
    assert request.bytes == len(gzip.compress((SMALL / "site/hello/index.html").read_bytes()))


def test_conditional_get_answers_304(site):
    site.rule("/hello/", headers={"ETag": '"v1"'})
    with fetcher(site) as client:
        assert client.get(site.url + "/hello/", etag='"v1"').status == 304
        assert client.get(site.url + "/hello/", etag='"v0"').status == 200


def test_real_host_names_through_the_forward_proxy(monkeypatch, tmp_path):
    (tmp_path / "blog.example.kr" / "post").mkdir(parents=True)
    (tmp_path / "blog.example.kr" / "post" / "index.html").write_text("<p>{{origin}}</p>")
    with SiteServer(tmp_path) as server:
        monkeypatch.setenv("HTTP_PROXY", server.proxy_url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with Fetcher({"blog.example.kr"}, LoadReport(), timeout=2) as client:
            page = client.get("http://blog.example.kr/post/")
            assert client.get("http://other.example.kr/") is None
    assert page.content == b"<p>http://blog.example.kr</p>"
    assert [(r.host, r.path, r.proxied) for r in server.requests] == [
        ("blog.example.kr", "/robots.txt", True), ("blog.example.kr", "/post/", True)]
    assert client.report.warnings == ["http://other.example.kr/: host 'other.example.kr' is not the blog's own host, not fetched"]


def test_a_kept_alive_connection_closed_under_the_next_request_is_retried_on_a_new_one():
    """A server keeps the connection open after its first answer, then closes it when the next
    request arrives on it (an idle timeout racing the client): the request is sent again on a
    fresh connection, not reported as a failure."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    served: list[str] = []

    class OnePerConnection(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle(self):
            self.handle_one_request()  # the first request on a connection is answered
            if not self.close_connection:
                self.raw_requestline = self.rfile.readline(65537)  # the next one: hang up unanswered

        def do_GET(self):
            served.append(self.path)
            body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else b"<html><p>hi</p></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), OnePerConnection)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with Fetcher({"127.0.0.1"}, LoadReport(), timeout=2.0, max_retry_wait=0.1) as client:
            pages = [client.get(f"{base}/p{n}/") for n in range(3)]
    finally:
        server.shutdown()
        server.server_close()
    assert [page.status for page in pages if page is not None] == [200, 200, 200], client.report.warnings
    assert client.report.warnings == [] and client.errors == 0
    assert served == ["/robots.txt", "/p0/", "/p1/", "/p2/"]

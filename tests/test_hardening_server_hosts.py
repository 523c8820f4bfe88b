"""Issue 16, items 1 and 13: DNS rebinding and cross-site requests, in real Chromium and over HTTP.

Chromium resolves `rebind.test` and `evil.test` to 127.0.0.1 (`--host-resolver-rules`), which is
what a rebinding attacker's DNS does: a page at http://rebind.test:PORT/ is then "same origin"
with the server, so only the `Host` it sends tells it apart from http://127.0.0.1:PORT/."""
from __future__ import annotations

import http.server
import os
import sqlite3
import threading
import uuid

import httpx
import pytest

from server_util import serve

CHROMIUM = "/usr/bin/chromium"
KEYS = ("k-hosts-1",)
INTERNAL_POST = "_posts/2025-08-04-oncall-handbook.md"


# ---- Host check over HTTP ---------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example:8000", "evil.example", "127.0.0.1.nip.io", "localhost.evil.example",
                                  "[::2]:80", "10.0.0.1"])
def test_without_keys_internal_endpoints_refuse_other_hosts(live, host):
    for method, path, kwargs in [("GET", "/api/handovers", {}), ("GET", "/", {}), ("GET", "/docs", {}),
                                 ("GET", f"/api/posts/{INTERNAL_POST}", {}), ("GET", "/v1/models", {}),
                                 ("POST", "/api/handovers/1/status", {"json": {"status": "closed"}})]:
        r = httpx.request(method, live.url + path, headers={"Host": host, "Origin": f"http://{host}"}, **kwargs)
        assert r.status_code == 403, (host, path)
        assert r.json()["error"]["type"] == "forbidden" and "Host" in r.json()["error"]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:1", "localhost.:9",
                                  "[::1]:8000", "[::1]"])
def test_without_keys_loopback_host_names_pass(live, host):
    assert httpx.get(live.url + "/api/handovers", headers={"Host": host}).status_code == 200


def test_public_surface_answers_any_host(live):
    headers = {"Host": "www.shop.example"}
    for path in ("/widget", "/widget.js", "/healthz", "/static/app.css"):
        assert httpx.get(live.url + path, headers=headers).status_code == 200, path
    r = httpx.post(live.url + "/api/public/ask", json={"question": "결제 링크 유효 기간"}, headers=headers, timeout=60)
    assert r.status_code == 200


@pytest.fixture(scope="module")
def keyed(corpus):
    server = serve(corpus.index, api_keys=KEYS, allowed_hosts=("blog.example.com",))
    yield server
    server.stop()


def test_with_keys_allowed_hosts_decides(keyed):
    auth = {"Authorization": f"Bearer {KEYS[0]}"}
    assert httpx.get(keyed.url + "/api/handovers", headers={"Host": "blog.example.com", **auth}).status_code == 200
    assert httpx.get(keyed.url + "/api/handovers", headers={"Host": "Blog.Example.com:443", **auth}).status_code == 200
    refused = httpx.get(keyed.url + "/api/handovers", headers={"Host": "evil.example", **auth})
    assert refused.status_code == 403 and "allowed_hosts" in refused.json()["error"]["message"]
    assert httpx.get(keyed.url + "/healthz", headers={"Host": "evil.example"}).status_code == 200


def test_with_keys_and_no_allowed_hosts_any_host_may_bring_the_key(corpus):
    server = serve(corpus.index, api_keys=KEYS)
    try:
        r = httpx.get(server.url + "/api/handovers", headers={"Host": "blogqa.internal", "Authorization": f"Bearer {KEYS[0]}"})
        assert r.status_code == 200
        assert httpx.get(server.url + "/api/handovers", headers={"Host": "blogqa.internal"}).status_code == 401
    finally:
        server.stop()


def test_allowed_hosts_comes_from_the_environment():
    from blogqa.config import load_settings

    settings = load_settings(env={"BLOGQA_ALLOWED_HOSTS": "blog.example.com, kb.example.com"})
    assert settings.server.allowed_hosts == ("blog.example.com", "kb.example.com")


# ---- Sec-Fetch-Site over HTTP -----------------------------------------------------------------
def searches_logged(corpus, phrase: str) -> int:
    with sqlite3.connect(corpus.events) as db:
        return db.execute("SELECT count(*) FROM questions WHERE question LIKE ?", (f"%{phrase}%",)).fetchone()[0]


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_requests_other_sites_started_are_refused_and_not_logged(live, corpus, site):
    phrase = f"cross {uuid.uuid4().hex}"
    for mode, dest in (("no-cors", "image"), ("cors", "empty"), ("navigate", "iframe")):
        r = httpx.get(live.url + "/api/search", params={"q": phrase},
                      headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest})
        assert r.status_code == 403 and r.json()["error"]["code"] == 403
    assert searches_logged(corpus, phrase) == 0
    # following a link from another site to a page still works (chat, wiki, e-mail links)
    link = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert httpx.get(live.url + f"/posts/{INTERNAL_POST}", headers=link).status_code == 200
    assert httpx.get(live.url + "/api/search", params={"q": phrase}, headers=link).status_code == 403


def test_requests_without_sec_fetch_site_are_served_as_before(live, corpus):
    phrase = f"script {uuid.uuid4().hex}"
    assert httpx.get(live.url + "/api/search", params={"q": phrase}, timeout=60).status_code == 200
    for site in ("same-origin", "none"):
        assert httpx.get(live.url + "/api/search", params={"q": phrase}, headers={"Sec-Fetch-Site": site},
                         timeout=60).status_code == 200
    assert searches_logged(corpus, phrase) == 3


def test_the_public_surface_ignores_sec_fetch_site(live):
    r = httpx.post(live.url + "/api/public/ask", json={"question": "결제 링크"}, timeout=60,
                   headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"})
    assert r.status_code == 200


# ---- in Chromium ------------------------------------------------------------------------------
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--host-resolver-rules=MAP rebind.test 127.0.0.1, MAP evil.test 127.0.0.1"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def evil_site():
    """A real attacker page, served from another name: it embeds a search on the blogqa server."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, b"not found")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://evil.test:{server.server_address[1]}", pages
    server.shutdown()


def fetch_status(page, path: str, method: str = "GET", body: dict | None = None) -> int:
    return page.evaluate("""async ([path, method, body]) => {
        const init = {method};
        if (body) { init.body = JSON.stringify(body); init.headers = {"Content-Type": "application/json"}; }
        return (await fetch(path, init)).status;
    }""", [path, method, body])


@needs_chromium
def test_a_rebound_page_cannot_read_or_change_internal_data(page, live, corpus):
    port = live.url.rsplit(":", 1)[1]
    contact = f"rebind-{uuid.uuid4().hex[:8]}@shop.example"
    created = httpx.post(live.url + "/api/public/handover", json={"contact": contact, "question": "재결합 테스트"}).json()
    rebound = f"http://rebind.test:{port}"
    # the attacker's page, once its name points at 127.0.0.1: blogqa's own public widget page
    assert page.goto(rebound + "/widget").status == 200
    assert page.evaluate("location.host") == f"rebind.test:{port}"
    assert fetch_status(page, "/api/handovers") == 403
    assert fetch_status(page, f"/api/posts/{INTERNAL_POST}") == 403
    assert fetch_status(page, "/api/search?q=" + "온콜") == 403
    assert fetch_status(page, f"/api/handovers/{created['id']}/status", "POST", {"status": "closed"}) == 403
    assert fetch_status(page, "/api/ask", "POST", {"question": "대시보드 주소는?"}) == 403
    assert fetch_status(page, "/v1/models") == 403
    assert page.goto(rebound + "/assist").status == 403
    # the public surface still answers the rebound name (it is meant to sit behind any proxy)
    assert fetch_status(page, "/api/public/ask", "POST", {"question": "결제 링크 유효 기간"}) == 200
    listed = httpx.get(live.url + "/api/handovers").json()["handovers"]
    assert [h["status"] for h in listed if h["contact"] == contact] == ["open"]
    # and the same browser on the real name works as before
    assert page.goto(live.url + "/assist").status == 200
    assert fetch_status(page, "/api/handovers") == 200


@needs_chromium
def test_another_sites_page_cannot_log_internal_searches(page, live, corpus, evil_site):
    site, pages = evil_site
    phrase = f"imgcsrf{uuid.uuid4().hex[:12]}"
    target = f"{live.url}/api/search?q={phrase}"
    pages["/attack.html"] = f"""<!doctype html><title>cats</title>
<img id=a src="{target}+img" onerror="window.imgDone=1" onload="window.imgDone=1">
<script>fetch("{target}+fetch", {{mode: "no-cors"}}).finally(() => window.fetchDone = 1);</script>
""".encode()
    page.goto(site + "/attack.html")
    page.wait_for_function("window.imgDone && window.fetchDone", timeout=30_000)
    assert searches_logged(corpus, phrase) == 0
    # a link from that site to an internal page still opens (the user chose to follow it)
    pages["/link.html"] = f'<!doctype html><a id=go href="{live.url}/posts/{INTERNAL_POST}">post</a>'.encode()
    page.goto(site + "/link.html")
    with page.expect_navigation():
        page.click("#go")
    assert page.url.startswith(live.url + "/posts/") and "온콜" in page.locator("h1").inner_text()

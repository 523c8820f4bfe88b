"""Issue 17: the deploy recipe's topology without containers, on loopback — a real nginx with the
config rendered from deploy/nginx.conf, two `blogqa serve` processes on one real PostgreSQL index
(tests/pg.py; three short posts, one internal) sharing one events file, as deploy/compose.yaml
runs them.

Who is who (every address is on loopback, so the roles are played by source addresses):

- nginx connects to the workers from 127.0.0.1, the proxy the workers trust;
- 127.0.0.9 plays a load balancer in front of nginx (trusted too: worker 1 is told so with
  `--forwarded-allow-ips 127.0.0.1,127.0.0.9`, worker 2 with `BLOGQA_FORWARDED_ALLOW_IPS`), so the
  client it names in X-Forwarded-For, e.g. 203.0.113.7, is a customer on the internet;
- 127.0.0.6 to 127.0.0.8 are anyone else: what they write into X-Forwarded-For is ignored.

What a worker believes is read from its access log (uvicorn logs the client address it decided).
The widget is checked in real Chromium on a customer's page (another origin, 127.0.0.5) that
embeds it with one script tag from the proxy.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

import httpx
import pytest

import pg

ROOT = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
EDGE, PROXY = "127.0.0.9", "127.0.0.1"
TRUSTED = f"{PROXY},{EDGE}"
RATE_LIMIT = 4  # per worker per minute ([server] public_rate_limit)
ORIGIN = "https://shop.example"
POSTS = {
    "public/_posts/2024-03-01-deploy.md": """---
title: "배포 파이프라인을 바꿨습니다"
date: 2024-03-01
---
배포 파이프라인을 새로 만들어 배포 시간이 30분에서 8분으로 줄었습니다.
""",
    "public/_posts/2025-06-10-refund.md": """---
title: "환불 정책 안내"
date: 2025-06-10
---
결제 후 14일 안에 요청하면 전액 환불해 드립니다.
""",
    "internal/_posts/2025-09-01-whale.md": """---
title: "청록색고래작전 예산 초안 (사내용)"
date: 2025-09-01
---
청록색고래작전의 예산은 3억 원으로 정했습니다.
""",
}
PUBLIC_POST = "_posts/2024-03-01-deploy.md"
HEALTH = "/healthz"  # deploy/Dockerfile's HEALTHCHECK asks the same path
CHROMIUM = "/usr/bin/chromium"
SHOP_HOST = "127.0.0.5"  # a customer's site on another origin, embedding the widget from the proxy

if not os.access(NGINX, os.X_OK):
    pytest.skip(f"{NGINX} is missing: apt-get install nginx (make system-deps)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_nginx(listen: str, upstreams: list[str], server_name: str = "_") -> str:
    """deploy/nginx.conf with its ${BLOGQA_*} placeholders filled, as the nginx image's envsubst does."""
    text = Template(NGINX_TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
        BLOGQA_LISTEN=listen, BLOGQA_SERVER_NAME=server_name,
        BLOGQA_UPSTREAMS="\n    ".join(f"server {u};" for u in upstreams))
    assert "${BLOGQA_" not in text
    return text


def nginx_main_conf(tmp: Path, site: Path) -> str:
    """A minimal nginx.conf around the rendered site: everything under `tmp`, one worker process
    (so round robin is exact), no daemon."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {tmp / 'access.log'};
{temp}
    include {site};
}}
"""


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url}: the process exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


class Topology:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.worker_logs: list[Path] = []
        self.worker_urls: list[str] = []
        self.events = tmp / "events.sqlite"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.shop: ThreadingHTTPServer | None = None

    def start(self) -> "Topology":
        reason = pg.unavailable_reason()
        if reason:
            pytest.fail(reason) if pg.required() else pytest.skip(reason)
        self.index = pg.new_database()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOGQA_")}
        env.update(XDG_CONFIG_HOME=str(self.tmp / "config-home"), PYTHONUNBUFFERED="1")
        for rel, text in POSTS.items():
            (self.tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.tmp / rel).write_text(text, encoding="utf-8")
        for folder, flags in (("public", []), ("internal", ["--visibility", "internal"])):
            subprocess.run([sys.executable, "-m", "blogqa", "ingest", str(self.tmp / folder), "--index", self.index,
                            "-q", *flags], check=True, env=env, timeout=300)
        self.shop = shop_site(self.url)
        self.shop_url = f"http://{SHOP_HOST}:{self.shop.server_port}"
        config = self.tmp / "blogqa.toml"
        config.write_text(f'[server]\npublic_rate_limit = {RATE_LIMIT}\n'
                          f'allowed_origins = ["{ORIGIN}", "{self.shop_url}"]\n')
        for n in (1, 2):
            port = free_port()
            flags, worker_env = ["--forwarded-allow-ips", TRUSTED], env
            if n == 2:  # the same setting from the environment
                flags, worker_env = [], {**env, "BLOGQA_FORWARDED_ALLOW_IPS": TRUSTED}
            log = self.tmp / f"worker{n}.log"
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "blogqa", "--config", str(config), "serve", "--index", self.index,
                 "--port", str(port), "--events", str(self.events), *flags],
                stdout=log.open("w"), stderr=subprocess.STDOUT, env=worker_env))
            self.worker_logs.append(log)
            self.worker_urls.append(f"http://127.0.0.1:{port}")
        for url, proc, log in zip(self.worker_urls, self.procs, self.worker_logs):
            wait_http(url + HEALTH, proc, log)

        site = self.tmp / "blogqa.conf"
        site.write_text(render_nginx(f"127.0.0.1:{self.port}", [u.removeprefix("http://") for u in self.worker_urls]))
        main = self.tmp / "nginx.conf"
        main.write_text(nginx_main_conf(self.tmp, site))
        checked = subprocess.run([NGINX, "-t", "-p", str(self.tmp), "-c", str(main), "-e", str(self.tmp / "error.log")],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        nginx_log = self.tmp / "nginx.out"
        self.procs.append(subprocess.Popen([NGINX, "-p", str(self.tmp), "-c", str(main), "-e", str(self.tmp / "error.log"),
                                            "-g", "daemon off;"], stdout=nginx_log.open("w"), stderr=subprocess.STDOUT))
        wait_http(self.url + HEALTH, self.procs[-1], nginx_log, timeout=30)
        return self

    def stop(self) -> None:
        if self.shop is not None:
            self.shop.shutdown()
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def seen(self, probe: str) -> list[list[str]]:
        """Per worker, the client address its access log shows for requests whose path holds `probe`."""
        pattern = re.compile(r'INFO:\s+(\S+?):\d+ - "\w+ (\S+)')
        return [[m.group(1) for m in pattern.finditer(log.read_text()) if probe in m.group(2)]
                for log in self.worker_logs]


def shop_site(proxy_url: str) -> ThreadingHTTPServer:
    """A customer's page that embeds the widget as the README says: one script tag, from the proxy."""
    page = (f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>쇼핑몰</title></head>'
            f'<body><h1>쇼핑몰</h1><script src="{proxy_url}/widget.js" data-lang="ko" defer></script></body></html>')

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((SHOP_HOST, 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    top = Topology(tmp_path_factory.mktemp("deploy"))
    try:
        yield top.start()
    finally:
        top.stop()


def client(source: str, **kwargs) -> httpx.Client:
    """An HTTP client whose connections come from `source` (any 127.x address is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60, **kwargs)


def seen_after(topology: Topology, probe: str, count: int) -> list[list[str]]:
    deadline = time.monotonic() + 10  # the access log line is written after the response
    while sum(map(len, topology.seen(probe))) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return topology.seen(probe)


def test_nginx_balances_requests_over_both_workers(topology):
    with client("127.0.0.8") as c:
        for i in range(6):
            assert c.get(f"{topology.url}/widget?probe=balance{i}").status_code == 200
    per_worker = seen_after(topology, "probe=balance", 6)
    assert [len(w) for w in per_worker] == [3, 3]  # round robin: every other request
    assert set(per_worker[0] + per_worker[1]) == {"127.0.0.8"}  # the real client, not nginx's 127.0.0.1


def test_the_widget_works_through_the_proxy(topology):
    with client(EDGE, headers={"X-Forwarded-For": "203.0.113.30", "Origin": ORIGIN}) as c:
        page = c.get(topology.url + "/widget")
        assert page.status_code == 200 and "widget.js" in page.text
        script = c.get(topology.url + "/widget.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        answers = [c.post(topology.url + "/api/public/ask", json={"question": q})
                   for q in ("배포 시간은 얼마나 줄었나요?", "청록색고래작전 예산은 얼마인가요?")]
    first, secret = (r.json() for r in answers)
    assert all(r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN for r in answers)
    assert "8분" in first["answer"] and first["sources"][0]["title"] == "배포 파이프라인을 바꿨습니다"
    link = first["sources"][0]["link"]
    assert link.startswith(topology.url + "/")  # links point at the proxy customers reach, not a worker
    assert httpx.get(link, timeout=30).status_code == 200
    assert "3억" not in secret["answer"] and secret["sources"] == []  # the internal post stays internal
    # one worker answered each; both wrote to the one events file
    with sqlite3.connect(topology.events) as db:
        logged = [row[0] for row in db.execute("SELECT question FROM questions WHERE surface='public'")]
    assert "배포 시간은 얼마나 줄었나요?" in logged and "청록색고래작전 예산은 얼마인가요?" in logged


def test_x_forwarded_for_is_believed_from_trusted_proxies_only(topology):
    search = "/api/search?q=배포&probe={}"  # internal: with no API keys, loopback clients only
    # a customer on the internet, named by the trusted load balancer: not loopback, refused
    with client(EDGE, headers={"X-Forwarded-For": "203.0.113.7"}) as c:
        refused = c.get(topology.url + search.format("remote"))
    assert refused.status_code == 403 and "loopback clients only" in refused.json()["error"]["message"]
    # a customer who wrote "127.0.0.1" into X-Forwarded-For: the load balancer appended the real address
    with client(EDGE, headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.66"}) as c:
        assert c.get(topology.url + search.format("claims-loopback")).status_code == 403
    # anyone else's X-Forwarded-For is ignored, through nginx and straight at a worker
    with client("127.0.0.8", headers={"X-Forwarded-For": "203.0.113.99"}) as c:
        assert c.get(topology.url + search.format("untrusted-hop")).status_code == 200
        assert c.get(topology.worker_urls[0] + search.format("direct")).status_code == 200
    assert sum(seen_after(topology, "probe=remote", 1), []) == ["203.0.113.7"]
    assert sum(seen_after(topology, "probe=claims-loopback", 1), []) == ["203.0.113.66"]
    assert sum(seen_after(topology, "probe=untrusted-hop", 1), []) == ["127.0.0.8"]
    assert seen_after(topology, "probe=direct", 1)[0] == ["127.0.0.8"]


def test_rate_limit_counts_real_clients_per_worker(topology):
    post = f"/api/public/posts/{PUBLIC_POST}"

    def statuses(c: httpx.Client, base: str, n: int, spoof: bool = False) -> list[int]:
        return [c.get(base + post, headers={"X-Forwarded-For": f"198.51.100.{i}"} if spoof else {}).status_code
                for i in range(n)]

    # docs/deploy.md: each worker keeps its own window, and nginx alternates, so a client gets
    # workers x limit requests a minute: 2 x 4 = 8, then 429
    with client(EDGE, headers={"X-Forwarded-For": "203.0.113.21"}) as c:
        got = statuses(c, topology.url, 2 * RATE_LIMIT + 1)
        assert got == [200] * (2 * RATE_LIMIT) + [429]
        assert int(c.get(topology.url + post).headers["retry-after"]) >= 1
    with client(EDGE, headers={"X-Forwarded-For": "203.0.113.22"}) as c:  # another customer: own window
        assert statuses(c, topology.url, 1) == [200]
    # a client that makes up a new X-Forwarded-For each time is still one client
    with client("127.0.0.7") as c:
        assert statuses(c, topology.url, 2 * RATE_LIMIT + 1, spoof=True) == [200] * (2 * RATE_LIMIT) + [429]
    with client("127.0.0.6") as c:  # straight at one worker: that worker's window alone
        assert statuses(c, topology.worker_urls[0], RATE_LIMIT + 1, spoof=True) == [200] * RATE_LIMIT + [429]


def test_the_widget_on_a_customer_site_answers_through_the_proxy(topology):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(locale="ko-KR")
            page.goto(topology.shop_url)
            page.click("#blogqa-widget .bubble")
            page.fill("#blogqa-widget .input", "환불은 언제까지 요청할 수 있나요?")
            page.press("#blogqa-widget .input", "Enter")
            answer = page.locator("#blogqa-widget .bot-answer")
            sync_api.expect(answer).to_have_count(1, timeout=60_000)
            assert "14일" in answer.inner_text()
            href = answer.locator("a.source-link").first.get_attribute("href")
        finally:
            browser.close()
    assert href.startswith(topology.url + "/")  # the source opens on the proxy, not the shop or a worker
    with sqlite3.connect(topology.events) as db:
        assert db.execute("SELECT count(*) FROM questions WHERE question=?", ("환불은 언제까지 요청할 수 있나요?",)
                          ).fetchone()[0] == 1

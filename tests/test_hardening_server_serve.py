"""Issue 16, items 6, 10 and 15, against a real `blogqa serve` process on loopback:

- idle and slow connections are closed after the header/body timeouts (one log line each), and
  `--limit-concurrency` refuses requests past it while they are held;
- uvicorn's own 400 for a malformed request is JSON;
- a bounded load test: 320 public questions from 16 concurrent clients, zero errors, and exactly
  one events row per answered question (`bench/load.py` is the longer, unbounded version).
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest


QUESTIONS = ["배포 시간은 얼마나 줄었나요?", "정산 주기는 어떻게 되나요?", "결제 링크의 유효 기간은 며칠인가요?",
             "환불 API v3에서 바뀐 필드는?", "이벤트 유실은 어떻게 막았나요?", "How do new engineers get onboarded?",
             "정산 알림을 카카오 알림톡으로 받을 수 있나요?", "롤백은 얼마나 걸리나요?"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`python -m blogqa serve ...` in a subprocess; its stderr (uvicorn's log) goes to a file."""

    def __init__(self, index: Path, folder: Path, *flags: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.events = folder / "events.sqlite"
        self.log = folder / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOGQA_")}
        cmd = [sys.executable, "-m", "blogqa", "serve", "--index", str(index), "--port", str(self.port),
               "--events", str(self.events), *flags]
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + 180
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"blogqa serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("blogqa serve did not start in 180 s")
            time.sleep(0.2)

    def lines(self, needle: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if needle in line]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self._log.close()


# ---- item 6: timeouts and the concurrency limit -------------------------------------------------
def test_serve_defaults_bound_connections():
    from blogqa.cli import build_parser

    args = build_parser().parse_args(["serve", "--index", "x"])
    assert args.limit_concurrency >= 64
    assert 0 < args.timeout_keep_alive <= 30 and 0 < args.timeout_header <= 30 and 0 < args.timeout_body <= 60


@pytest.fixture(scope="module")
def guarded(corpus, tmp_path_factory):
    server = Served(corpus.index, tmp_path_factory.mktemp("guarded"), "--timeout-header", "1",
                    "--timeout-body", "1", "--limit-concurrency", "64", "--log-level", "info")
    yield server
    server.stop()


def read_all(sock: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (seconds from now)."""
    start = time.monotonic()
    sock.settimeout(within)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except socket.timeout:
        raise AssertionError(f"the server kept the connection open for {within} s (got {data[:80]!r})") from None
    except ConnectionResetError:
        pass
    return data, time.monotonic() - start


def test_idle_and_slow_connections_are_closed_with_one_log_line_each(guarded):
    before = len(guarded.lines("connection closed: "))
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"
    body = (b"POST /api/public/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"question\": \"")
    kinds = ["idle"] * 10 + ["head"] * 10 + ["body"] * 10
    socks = [socket.create_connection(("127.0.0.1", guarded.port)) for _ in kinds]
    for sock, kind in zip(socks, kinds):
        if kind != "idle":
            sock.sendall(head if kind == "head" else body)
    # a client that sends its head one byte at a time is held to the same deadline
    dribbler = socket.create_connection(("127.0.0.1", guarded.port))
    dribbled = {"closed_after": None}

    def dribble():
        start = time.monotonic()
        try:
            for byte in head * 10:
                dribbler.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            dribbled["closed_after"] = time.monotonic() - start

    thread = threading.Thread(target=dribble)
    thread.start()
    with ThreadPoolExecutor(len(socks)) as pool:
        results = list(pool.map(lambda s: read_all(s, 8.0), socks))
    for (data, _), kind in zip(results, kinds):
        if kind == "idle":
            assert data == b""  # nothing was asked: closed without an answer
        else:
            status, _, rest = data.partition(b"\r\n")
            assert status == b"HTTP/1.1 408 Request Timeout", data[:200]
            assert json.loads(rest.partition(b"\r\n\r\n")[2])["error"]["code"] == 408
    assert max(seconds for _, seconds in results) < 5
    thread.join(timeout=20)
    assert dribbled["closed_after"] is not None and dribbled["closed_after"] < 5
    for s in socks + [dribbler]:
        s.close()
    assert httpx.get(guarded.url + "/healthz").status_code == 200
    time.sleep(0.5)
    closed = guarded.lines("connection closed: ")
    assert len(closed) - before == len(socks) + 1  # exactly one line per connection closed
    assert not guarded.lines("Traceback") and not guarded.lines("Exception")


def test_the_concurrency_limit_refuses_while_connections_are_held_then_recovers(guarded):
    held = [socket.create_connection(("127.0.0.1", guarded.port)) for _ in range(70)]
    try:
        time.sleep(0.2)
        refused = httpx.get(guarded.url + "/healthz")
        assert refused.status_code == 503
        assert len(guarded.lines("Exceeded concurrency limit")) >= 1
    finally:
        time.sleep(1.5)  # the header timeout closes the held connections
        for s in held:
            s.close()
    assert httpx.get(guarded.url + "/healthz").status_code == 200


def test_a_malformed_request_gets_a_json_400(guarded):
    with socket.create_connection(("127.0.0.1", guarded.port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Line\r\n\r\n")
        data, _ = read_all(sock, 5.0)
    status, _, rest = data.partition(b"\r\n")
    assert status == b"HTTP/1.1 400 Bad Request"
    assert b"content-type: application/json" in rest.lower()
    assert json.loads(rest.partition(b"\r\n\r\n")[2])["error"] == {
        "message": "malformed HTTP request", "type": "invalid_request", "code": 400}


# ---- item 15: a bounded load test ---------------------------------------------------------------
CLIENTS = 16
PER_CLIENT = 20  # under the default public rate limit (30 a minute per client)


def test_load_on_the_public_endpoint_has_no_errors_and_logs_every_answer(corpus, tmp_path):
    served = Served(corpus.index, tmp_path, "--log-level", "warning")  # the defaults, rate limit included
    try:
        def client(n: int) -> list[tuple[int, str | None]]:
            out = []
            headers = {"X-Forwarded-For": f"198.51.100.{n + 1}"}  # one address per client, as real ones
            with httpx.Client(base_url=served.url, headers=headers, timeout=60) as c:
                for i in range(PER_CLIENT):
                    r = c.post("/api/public/ask", json={"question": QUESTIONS[(n + i) % len(QUESTIONS)]})
                    out.append((r.status_code, r.json().get("answer_id") if r.status_code == 200 else r.text[:200]))
            return out

        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = [r for batch in pool.map(client, range(CLIENTS)) for r in batch]
        seconds = time.perf_counter() - start
    finally:
        served.stop()
    errors = [r for r in results if r[0] != 200]
    assert not errors, f"{len(errors)} errors, e.g. {errors[:3]}"
    answer_ids = {answer_id for _, answer_id in results}
    assert len(results) == len(answer_ids) == CLIENTS * PER_CLIENT
    with sqlite3.connect(served.events) as db:
        rows = db.execute("SELECT answer_id, error FROM questions WHERE surface = 'public'").fetchall()
    assert len(rows) == CLIENTS * PER_CLIENT and {a for a, _ in rows} == answer_ids
    assert all(error is None for _, error in rows)
    assert seconds < 120, f"{len(results)} requests took {seconds:.0f} s"

"""Two `blogqa serve` processes on one PostgreSQL index, no `--events`: both write their events into
that database, so one log holds every question, and feedback sent to one server about an answer the
other gave is accepted. Counts are checked exactly, read back through one store."""
from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest


pytest.importorskip("psycopg")
pytest.importorskip("uvicorn")
import httpx  # noqa: E402

from blogqa.events import open_events  # noqa: E402
from blogqa.events.postgres import PostgresEventStore  # noqa: E402

WIDE = (dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc))
POSTS = {
    "2021-03-02-deploy.md": ("배포 자동화", "2021-03-02", "우리는 Jenkins 파이프라인으로 배포를 자동화해 배포 시간을 40분에서 8분으로 줄였습니다."),
    "2022-07-15-refund.md": ("환불 정책", "2022-07-15", "환불은 결제일로부터 7일 안에 신청하면 영업일 3일 안에 처리됩니다."),
}


def ingest(folder: Path, uri: str) -> None:
    for name, (title, date, body) in POSTS.items():
        (folder / name).write_text(textwrap.dedent(f"""\
            ---
            title: {title}
            date: {date}
            ---
            {body}
            """), encoding="utf-8")
    cmd = [sys.executable, "-m", "blogqa", "ingest", str(folder), "--index", uri, "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(uri: str, cwd: Path):
    """`blogqa serve --index URI` (no --events) in `cwd`; yields its base URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOGQA_")}
    cmd = [sys.executable, "-m", "blogqa", "serve", "--index", uri, "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, f"blogqa serve exited: {proc.stdout.read()}"
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "blogqa serve did not start"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_servers_write_one_event_log(pg_uri, tmp_path):
    blog = tmp_path / "blog"
    blog.mkdir()
    ingest(blog, pg_uri)
    with ExitStack() as stack:
        a = stack.enter_context(serving(pg_uri, tmp_path))
        b = stack.enter_context(serving(pg_uri, tmp_path))

        def public_ask(base: str, i: int) -> str:
            conversation = f"{'a' if base == a else 'b'}-{i % 3}"
            r = httpx.post(f"{base}/api/public/ask", timeout=120,
                           json={"question": f"환불은 며칠 걸리나요? ({i})", "conversation_id": conversation})
            assert r.status_code == 200, r.text
            return r.json()["answer_id"]

        def search(base: str, i: int) -> None:
            assert httpx.get(f"{base}/api/search", params={"q": f"배포 자동화 {i}"}, timeout=120).status_code == 200

        with ThreadPoolExecutor(8) as pool:  # both servers at once
            asked_a = list(pool.map(lambda i: public_ask(a, i), range(9)))
            asked_b = list(pool.map(lambda i: public_ask(b, i), range(6)))
            list(pool.map(lambda i: search(a if i % 2 else b, i), range(10)))
        internal = httpx.post(f"{b}/api/ask", json={"question": "배포 시간은 얼마나 줄었나요?"}, timeout=120)
        assert internal.status_code == 200

        # feedback sent to B about an answer A gave: one log, so B knows the answer id
        r = httpx.post(f"{b}/api/public/feedback", json={"answer_id": asked_a[0], "helpful": False,
                                                        "reason": "incomplete", "comment": "번호 010-1234-5678"})
        assert r.status_code == 200, r.text
        r = httpx.post(f"{a}/api/public/handover", json={"contact": "kim@example.com", "question": "사람 연결",
                                                        "answer_id": asked_b[0], "reason": "no_answer"})
        assert r.status_code == 200, r.text

    store = open_events(pg_uri, None)
    try:
        assert isinstance(store, PostgresEventStore)
        got = store.read(*WIDE)
    finally:
        store.close()
    questions = got["questions"]
    assert len(questions) == 9 + 6 + 10 + 1
    by_origin = {o: sum(q["origin"] == o for q in questions) for o in ("widget", "search", "ask")}
    assert by_origin == {"widget": 15, "search": 10, "ask": 1}
    assert sorted(q["answer_id"] for q in questions if q["origin"] == "widget") == sorted(asked_a + asked_b)
    conversations = {c: sum(q["conversation_id"] == c for q in questions) for c in ("a-0", "a-1", "a-2", "b-0", "b-1", "b-2")}
    assert conversations == {"a-0": 3, "a-1": 3, "a-2": 3, "b-0": 2, "b-1": 2, "b-2": 2}
    assert [(f["answer_id"], f["reason"], f["comment"]) for f in got["feedback"]] == [
        (asked_a[0], "incomplete", "번호 [phone]")]
    assert [(h["answer_id"], h["reason"], h["contact"]) for h in got["handovers"]] == [
        (asked_b[0], "no_answer", "kim@example.com")]
    assert len({q["id"] for q in questions}) == len(questions)
    assert not list(tmp_path.rglob("events.sqlite"))  # nothing went to a SQLite file

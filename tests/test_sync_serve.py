"""Issue 14 item 5, `blogqa serve --sync-every DURATION`, against a real `blogqa serve` process:
a post published in the source becomes searchable without a restart, an edited one is found by
its new text, every search meanwhile answers 200 (readers never see half a sync), and each sync
logs one line with its counts. Bad durations and an index that cannot be synced fail at start-up
with one line."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from blogqa.api import Index
from blogqa.cli.sync import duration

from test_sync import post

BLOGQA = [sys.executable, "-m", "blogqa"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`python -m blogqa serve --index IDX --sync-every ...` in a subprocess, stderr to a file."""

    def __init__(self, index: Path, folder: Path, *flags: str):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = folder / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOGQA_")}
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen([*BLOGQA, "serve", "--index", str(index), "--port", self.url.rsplit(":", 1)[1],
                                      "--events", str(folder / "events.sqlite"), *flags],
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"blogqa serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "blogqa serve did not start in 180 s"
            time.sleep(0.2)

    def lines(self, needle: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if needle in line]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self._log.close()


def wait_for(served: Served, query: str, wanted, timeout: float = 90.0) -> list[int]:
    """Search until `wanted(hits)` holds; the status of every search on the way."""
    statuses = []
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(served.url + "/api/search", params={"q": query, "mode": "bm25", "k": 5}, timeout=30)
        statuses.append(r.status_code)
        if r.status_code == 200 and wanted(r.json()["hits"]):
            return statuses
        assert time.monotonic() < deadline, f"not searchable after {timeout:.0f}s: {served.log.read_text()[-2000:]}"
        time.sleep(0.2)


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("1m", 60), ("30m", 1800), ("2h", 7200), ("1d", 86400),
                                           ("1.5h", 5400)])
def test_duration_parses_the_issue_examples(text, seconds):
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "10x", "0s", "-1m", "m", "1 minute"])
def test_a_bad_duration_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="not a duration"):
        duration(text)


def test_serve_with_a_bad_duration_is_one_line_exit_2(tmp_path):
    done = subprocess.run([*BLOGQA, "serve", "--index", str(tmp_path), "--sync-every", "10x"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["blogqa: error: argument --sync-every: not a duration "
                                                "(e.g. 30s, 30m, 2h, 1d): '10x'"]


def test_serve_sync_every_on_an_index_without_sources_fails_at_start(tmp_path):
    blog = tmp_path / "blog"
    post(blog, "2024-01-01-a", "글", "본문입니다.")
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(str(blog), progress=False)
    import sqlite3

    db = sqlite3.connect(location / (location / "CURRENT").read_text() / "index.sqlite")
    db.execute("DELETE FROM sources")
    db.commit()
    db.close()
    done = subprocess.run([*BLOGQA, "serve", "--index", str(location), "--port", str(free_port()),
                           "--sync-every", "1s"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 1
    err = done.stderr.strip()
    assert err.splitlines() == [err] and "does not remember its sources" in err


def test_a_post_published_in_the_source_becomes_searchable_without_restart(tmp_path):
    mark = "표식" + uuid.uuid4().hex[:10]
    blog = tmp_path / "blog"
    post(blog, "2024-05-01-deploy", "배포 자동화", f"배포 파이프라인을 자동화했습니다. {mark}배포")
    post(blog, "2024-05-02-kafka", "카프카 도입", f"카프카를 도입했습니다. {mark}카프카")
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(str(blog), progress=False)
    served = Served(location, tmp_path, "--sync-every", "1s")
    try:
        first = httpx.get(served.url + "/api/search", params={"q": f"{mark}신규", "mode": "bm25"}, timeout=30).json()
        assert all(h["title"] != "신규 기능 출시" for h in first["hits"])

        post(blog, "2024-05-03-launch", "신규 기능 출시", f"신규 기능을 출시했습니다. {mark}신규")
        statuses = wait_for(served, f"{mark}신규", lambda hits: any(h["title"] == "신규 기능 출시" for h in hits))

        post(blog, "2024-05-01-deploy", "배포 자동화", f"롤백은 이제 3분이면 됩니다. {mark}롤백")
        statuses += wait_for(served, f"{mark}롤백",
                             lambda hits: any("롤백은 이제 3분" in h["snippet"] for h in hits if h["title"] == "배포 자동화"))
        assert set(statuses) == {200}, "every search during the syncs was answered"
        synced = served.lines("blogqa: sync: ")
        assert any("1 added" in line for line in synced) and any("1 updated" in line for line in synced), synced
        assert all(len(line) < 300 for line in synced), "one line per sync"
        assert served.lines(f"syncing {location} with its sources every 1s")
    finally:
        served.stop()

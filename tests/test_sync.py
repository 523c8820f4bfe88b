"""Issue 14 item 5, folder and file sources: the index remembers each source in the same
generation as its posts, and `Index.sync()` / `blogqa sync` re-read them: added, edited and
deleted posts are counted, only the edited and new posts' chunks are embedded, an unchanged
source writes no new generation, and the CLI's JSON shape and exit codes are the issue's.

Every post text carries a token unique to the test run, so the embedding cache never holds its
chunks and the `embedded` counts are exact."""
from __future__ import annotations

import fcntl
import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from blogqa.api import Index
from blogqa.errors import SourceError
from blogqa.index.source_record import SourceRecord

BLOGQA = [sys.executable, "-m", "blogqa"]
SYNC_JSON_KEYS = ["added", "updated", "removed", "unchanged", "not_modified", "errors", "seconds"]


def post(folder: Path, name: str, title: str, body: str, date: str = "2024-03-01") -> Path:
    path = folder / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def mark() -> str:
    return "표식" + uuid.uuid4().hex[:10]


OWN_WORD = {"deploy": "배포", "kafka": "카프카", "hiring": "채용"}  # each `blog` post's text ends in mark + its word


@pytest.fixture
def blog(tmp_path, mark) -> Path:
    folder = tmp_path / "blog"
    post(folder, "2024-03-01-deploy", "배포 자동화", f"배포 파이프라인을 자동화했습니다. {mark}배포")
    post(folder, "2024-03-02-kafka", "카프카 도입", f"이벤트 버스로 카프카를 도입했습니다. {mark}카프카")
    post(folder, "2024-03-03-hiring", "채용 공고", f"백엔드 엔지니어를 채용합니다. {mark}채용")
    return folder


def current(location: Path) -> str:
    return (location / "CURRENT").read_text()


def titles(location: Path) -> list[str]:
    idx = Index(str(location))
    try:
        return sorted(p.title for p in idx.posts())
    finally:
        idx.close()


def blogqa(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([*BLOGQA, *argv], capture_output=True, text=True, timeout=300)


def test_ingest_records_the_folder_source_in_the_generation(blog, tmp_path):
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False, visibility="internal")
    assert idx.sources() == [SourceRecord("folder", str(blog.resolve()), visibility="internal")]
    db = sqlite3.connect(location / current(location) / "index.sqlite")
    assert db.execute("SELECT kind, location, visibility FROM sources").fetchall() == \
        [("folder", str(blog.resolve()), "internal")]


def test_sync_applies_an_added_an_edited_and_a_deleted_post_and_embeds_only_those(blog, tmp_path, mark):
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    first = idx.ingest(str(blog), progress=False)
    assert (first.added, first.embedded) == (3, first.chunks)
    post(blog, "2024-03-04-search", "검색 개선", f"검색 랭킹을 개선했습니다. {mark}검색")
    post(blog, "2024-03-01-deploy", "배포 자동화", f"배포 파이프라인을 자동화했고 롤백도 3분이면 됩니다. {mark}롤백")
    (blog / "2024-03-02-kafka.md").unlink()
    before = current(location)

    report = idx.sync(progress=False)

    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert (report.not_modified, report.errors, report.unreadable, report.sources) == (0, 0, 0, 1)
    assert report.chunks == 2 and report.embedded == 2, "only the new and the edited post were embedded"
    assert current(location) != before
    assert titles(location) == sorted(["배포 자동화", "채용 공고", "검색 개선"])
    hit = idx.search(f"{mark}롤백", k=1, mode="bm25").hits[0]
    assert "롤백도 3분" in hit.text
    assert all("kafka" not in h.post.id for h in idx.search(f"{mark}카프카", k=5, mode="bm25").hits)


def test_a_sync_with_nothing_changed_writes_no_generation(blog, tmp_path):
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False)
    before = current(location)
    report = idx.sync(progress=False)
    assert (report.added, report.updated, report.removed, report.unchanged, report.embedded) == (0, 0, 0, 3, 0)
    assert current(location) == before


def test_only_a_changed_source_record_switches_a_generation_with_the_same_search(blog, tmp_path, mark):
    """Re-ingesting with --format markdown changes the record, not one post: the new generation
    copies BM25 and vectors, and answers exactly as before."""
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False)
    before = current(location)
    hits = [(h.post.id, round(h.score, 5)) for h in idx.search(f"{mark}배포 카프카", k=3).hits]
    report = idx.ingest(str(blog), fmt="markdown", progress=False)
    assert (report.unchanged, report.chunks) == (3, 0)
    assert current(location) != before
    assert idx.sources()[0].fmt == "markdown"
    assert [(h.post.id, round(h.score, 5)) for h in idx.search(f"{mark}배포 카프카", k=3).hits] == hits


def test_sync_rereads_each_source_as_it_was_ingested(blog, tmp_path, mark):
    """Two sources: a folder marked internal, and a JSONL file; each keeps its options."""
    location = tmp_path / "idx"
    jsonl = tmp_path / "export.jsonl"
    record = {"id": "faq-1", "title": "자주 묻는 질문", "body": f"환불은 7일 안에 됩니다. {mark}환불", "date": "2024-01-05"}
    jsonl.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False, visibility="internal")
    idx.ingest(str(jsonl), progress=False)
    assert sorted(r.kind for r in idx.sources()) == ["file", "folder"]
    post(blog, "2024-03-05-oncall", "온콜 가이드", f"온콜 담당자는 매주 바뀝니다. {mark}온콜")
    record2 = {"id": "faq-2", "title": "배송 문의", "body": f"배송은 이틀 걸립니다. {mark}배송", "date": "2024-01-06"}
    jsonl.write_text(json.dumps(record2, ensure_ascii=False) + "\n", encoding="utf-8")

    report = idx.sync(progress=False)

    assert (report.sources, report.added, report.removed, report.unchanged) == (2, 2, 1, 3)
    posts = {p.title: p for p in idx.posts()}
    assert posts["온콜 가이드"].visibility == "internal"
    assert posts["배송 문의"].visibility == "public"
    assert "자주 묻는 질문" not in posts


def test_a_folder_ingested_with_a_base_url_keeps_its_live_links_after_sync(blog, tmp_path, mark):
    location = tmp_path / "idx"
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False, base_url="https://tech.example.com/blog")
    assert idx.sources()[0].base_url == "https://tech.example.com/blog"
    post(blog, "2024-03-07-new", "새 글", f"새 글입니다. {mark}새글")
    assert idx.sync(progress=False).added == 1
    urls = {p.title: p.url for p in idx.posts()}
    assert all(url and url.startswith("https://tech.example.com/blog/") for url in urls.values()), urls


def test_an_unreadable_source_keeps_its_posts_and_the_others_still_sync(blog, tmp_path, mark):
    location = tmp_path / "idx"
    other = tmp_path / "other"
    post(other, "2024-04-01-intro", "소개", f"다른 블로그입니다. {mark}소개")
    idx = Index(str(location), create=True)
    idx.ingest(str(blog), progress=False)
    idx.ingest(str(other), progress=False)
    blog.rename(tmp_path / "moved-away")
    post(other, "2024-04-02-news", "소식", f"새 소식입니다. {mark}소식")

    report = idx.sync(progress=False)

    assert (report.unreadable, report.errors, report.added, report.removed) == (1, 1, 1, 0)
    assert any(str(blog.resolve()) in w and "its posts are kept" in w for w in report.warnings), report.warnings
    assert len(titles(location)) == 5


def test_an_index_built_before_sync_says_to_ingest_once(blog, tmp_path):
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(str(blog), progress=False)
    db = sqlite3.connect(location / current(location) / "index.sqlite")  # as an index of before this change
    db.execute("DROP TABLE sources")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with pytest.raises(SourceError, match="does not remember its sources"):
        Index(str(location)).sync(progress=False)
    done = blogqa("sync", "--index", str(location))
    err = done.stderr.strip()
    assert done.returncode == 1 and done.stdout == ""
    assert err.splitlines() == [err] and err.startswith("blogqa: error: ")
    assert f"blogqa ingest SOURCE --index {location}" in err


def test_cli_sync_json_shape_and_exit_codes(blog, tmp_path, mark):
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(str(blog), progress=False)
    post(blog, "2024-03-06-api", "API 문서", f"API 문서를 공개했습니다. {mark}문서")

    done = blogqa("sync", "--index", str(location), "--json", "-q")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert list(report) == SYNC_JSON_KEYS
    assert {k: report[k] for k in SYNC_JSON_KEYS[:-1]} == \
        {"added": 1, "updated": 0, "removed": 0, "unchanged": 3, "not_modified": 0, "errors": 0}
    assert isinstance(report["seconds"], float) and report["seconds"] >= 0

    (blog / "2024-03-06-api.md").unlink()
    done = blogqa("sync", "--index", str(location), "-q")
    assert done.returncode == 0, "a removed post is no failure"
    assert "1 removed" in done.stderr

    for path in blog.iterdir():
        path.unlink()
    blog.rmdir()
    done = blogqa("sync", "--index", str(location), "--json", "-q")
    assert done.returncode == 1, "a source that cannot be read at all"
    assert json.loads(done.stdout)["errors"] == 1
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and str(blog.resolve()) in warnings[0]
    assert len(titles(location)) == 3, "its posts are kept"

    assert blogqa("sync", "--index", str(tmp_path / "nothing")).returncode == 2


def test_cli_sync_exits_3_while_another_ingest_holds_the_index(blog, tmp_path):
    location = tmp_path / "idx"
    Index(str(location), create=True).ingest(str(blog), progress=False)
    with open(location / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = blogqa("sync", "--index", str(location), "-q")
    assert done.returncode == 3
    assert "another ingest is running" in done.stderr


def test_searches_during_syncs_always_see_one_whole_generation(blog, tmp_path, mark, monkeypatch):
    """Two reader threads search (BM25 and dense) one Index while syncs switch generations: no
    search fails, and every hit's text is its own post's (never a chunk of another generation).
    Loading BM25 is slowed down so that one reader's switch to a new generation takes a while
    (as it does on a big index) while the other reader searches."""
    import threading
    import time

    import bm25s

    load = bm25s.BM25.load

    def slow_load(*args, **kwargs):
        time.sleep(0.05)
        return load(*args, **kwargs)

    monkeypatch.setattr(bm25s.BM25, "load", slow_load)
    location = tmp_path / "idx"
    writer = Index(str(location), create=True)
    writer.ingest(str(blog), progress=False)
    reader = Index(str(location))
    problems: list[str] = []
    generations: set[str] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                for hit in reader.search(f"{mark} 글입니다", k=10, mode="hybrid").hits:
                    slug = hit.post.id.removesuffix(".md").split("-", 3)[-1]
                    if f"{mark}{OWN_WORD.get(slug, slug)}" not in hit.text:
                        problems.append(f"{hit.post.id}: {hit.text!r}")
                generations.add(reader.stats()["generation"])
            except Exception as err:  # noqa: BLE001 - what the test looks for
                problems.append(repr(err))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for n in range(4):
            post(blog, f"2024-04-0{n + 1}-new{n}", f"새 글 {n}", f"새 글{n} 글입니다. {mark}new{n}")
            assert writer.sync(progress=False).added == 1
            time.sleep(0.2)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    assert problems == []
    assert len(generations) > 1, "the readers followed the switches"

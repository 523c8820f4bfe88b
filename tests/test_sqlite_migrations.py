"""blogqa.sqlite_migrations (numbered migrations in one transaction) and the two SQLite files that use
it: an index folder written by an older blogqa (schema built here in its own raw SQL) opens, reads and
migrates on the next write; the events log and the index refuse a file from a newer blogqa."""
from __future__ import annotations

import json
import sqlite3
import time

import bm25s
import numpy as np
import pytest

from blogqa.errors import IndexError_, UsageError
from blogqa.index.embedded import EmbeddedStore
from blogqa.index.source_record import SourceRecord
from blogqa.index.store import BM25_B, BM25_K1, FORMAT_VERSION, IndexMeta
from blogqa.models import Chunk, Filters, Post
from blogqa.sqlite_migrations import SchemaTooNew, run, run_script, version
from concurrency_util import at_once


# ---- the helper --------------------------------------------------------------------------------
def m001_notes(db):
    run_script(db, "CREATE TABLE notes (text TEXT NOT NULL);  -- one; table")


def m002_first_note(db):
    db.execute("INSERT INTO notes VALUES ('first; note')")


def m003_broken(db):
    db.execute("INSERT INTO notes VALUES ('half done')")
    db.execute("INSERT INTO no_such_table VALUES (1)")


def connect(path):
    return sqlite3.connect(str(path), isolation_level=None, timeout=10, check_same_thread=False)


def test_run_applies_the_missing_migrations_once_and_records_their_numbers(tmp_path):
    db = connect(tmp_path / "a.sqlite")
    assert run(db, [m001_notes]) == [1]
    assert run(db, [m001_notes, m002_first_note]) == [2]
    assert run(db, [m001_notes, m002_first_note]) == []
    assert version(db) == 2 and not db.in_transaction
    assert db.execute("SELECT text FROM notes").fetchall() == [("first; note",)]


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path):
    db = connect(tmp_path / "a.sqlite")
    run(db, [m001_notes])
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        run(db, [m001_notes, m002_first_note, m003_broken])
    assert version(db) == 1 and not db.in_transaction
    assert db.execute("SELECT COUNT(*) FROM notes").fetchone() == (0,), "m002 ran in the same transaction"


def test_a_file_from_a_newer_blogqa_is_refused_unchanged(tmp_path):
    db = connect(tmp_path / "a.sqlite")
    run(db, [m001_notes, m002_first_note])
    with pytest.raises(SchemaTooNew, match="schema version 2 is newer than this blogqa understands \\(1\\)"):
        run(db, [m001_notes])
    assert version(db) == 2 and not db.in_transaction


def test_run_script_splits_where_sqlite_does_and_never_commits(tmp_path):
    db = connect(tmp_path / "a.sqlite")
    db.execute("BEGIN")
    run_script(db, """
        CREATE TABLE t (a TEXT DEFAULT ';');    -- a comment; with a semicolon
        INSERT INTO t VALUES ('x;y'); /* c; */ INSERT INTO t VALUES ('z');;
        INSERT INTO t (a) VALUES ('no semicolon at the end')
        -- and a last comment""")
    assert db.in_transaction, "executescript would have committed here"
    assert [r[0] for r in db.execute("SELECT a FROM t")] == ["x;y", "z", "no semicolon at the end"]
    db.execute("ROLLBACK")
    assert db.execute("SELECT name FROM sqlite_master WHERE name='t'").fetchall() == []


def test_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path):
    def m002_slow(db):
        time.sleep(0.2)  # the others arrive while this one holds the write lock
        db.execute("INSERT INTO notes VALUES ('slow')")

    path = tmp_path / "a.sqlite"
    results, errors = at_once(lambda: run(connect(path), [m001_notes, m002_slow]))
    assert errors == [] and sorted(results) == [[], [], [], [1, 2]]
    assert connect(path).execute("SELECT text FROM notes").fetchall() == [("slow",)]


@pytest.mark.parametrize("module", ["blogqa.index.sqlite_schema", "blogqa.events.sqlite"])
def test_migrations_are_numbered_in_order(module):
    import importlib

    names = [m.__name__ for m in importlib.import_module(module).MIGRATIONS]
    assert [name[:5] for name in names] == [f"m{n:03d}_" for n in range(1, len(names) + 1)]


# ---- an index folder written by an older blogqa ------------------------------------------------
OLD_INDEX_SQL = {  # what each index version added, in the SQL that blogqa ran then
    1: """
        CREATE TABLE posts (
            id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
            date TEXT, updated TEXT, url TEXT, source_path TEXT, tags TEXT NOT NULL DEFAULT '[]',
            author TEXT, visibility TEXT NOT NULL DEFAULT 'public', content_hash TEXT NOT NULL);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY, post_id TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL,
            tokens TEXT NOT NULL, vector BLOB NOT NULL, text_hash TEXT NOT NULL);
        CREATE INDEX chunks_post ON chunks(post_id);
        CREATE INDEX chunks_text_hash ON chunks(text_hash);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);""",
    2: "ALTER TABLE posts ADD COLUMN summary TEXT;",
    3: """CREATE TABLE IF NOT EXISTS sources (
            location TEXT PRIMARY KEY, kind TEXT NOT NULL, fmt TEXT, visibility TEXT, base_url TEXT,
            max_pages INTEGER, state TEXT);""",
}
META = IndexMeta("test", "test-vectors", 4, "test", "test-words")
OLD_CHUNKS = [(1, 0, "", "결제 링크는 24시간 유효합니다.", ["결제", "링크", "유효"], [1, 0, 0, 0]),
              (2, 1, "환불", "환불은 3일 걸립니다.", ["환불", "걸리"], [0, 1, 0, 0])]
OLD_SOURCE = SourceRecord("folder", "/blogs/pay", fmt="markdown", base_url="https://pay.example.kr")


def write_old_index(folder, schema_version: int) -> None:
    """A one-generation index folder as blogqa wrote it at `schema_version`: one post, two chunks."""
    gen = folder / "gen-000001"
    gen.mkdir(parents=True)
    db = sqlite3.connect(gen / "index.sqlite")
    for v in range(1, schema_version + 1):
        db.executescript(OLD_INDEX_SQL[v])
    db.execute(f"PRAGMA user_version = {schema_version}")
    db.execute("INSERT INTO posts (id, source, title, body, date, url, tags, content_hash) VALUES (?,?,?,?,?,?,?,?)",
               ("p1", "/blogs/pay", "결제 링크 안내", "결제 링크는 24시간 유효합니다.\n\n## 환불\n환불은 3일 걸립니다.",
                "2026-10-01", "https://pay.example.kr/p1", '["결제"]', "hash-p1"))
    db.executemany("INSERT INTO chunks (id, post_id, ordinal, heading, text, tokens, vector, text_hash) "
                   "VALUES (?, 'p1', ?, ?, ?, ?, ?, ?)",
                   [(cid, ordinal, heading, text, json.dumps(tokens, ensure_ascii=False),
                     np.asarray(vec, np.float32).tobytes(), f"text-{cid}")
                    for cid, ordinal, heading, text, tokens, vec in OLD_CHUNKS])
    if schema_version >= 3:
        db.execute("INSERT INTO sources (location, kind, fmt, base_url) VALUES (?,?,?,?)",
                   (OLD_SOURCE.location, OLD_SOURCE.kind, OLD_SOURCE.fmt, OLD_SOURCE.base_url))
    db.commit()
    db.close()
    np.save(gen / "vectors.npy", np.array([c[5] for c in OLD_CHUNKS], np.float32))
    bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    bm25.index([c[4] for c in OLD_CHUNKS], show_progress=False)
    bm25.save(str(gen / "bm25"), show_progress=False)
    (gen / "meta.json").write_text(json.dumps({"blogqa": {"format": FORMAT_VERSION}, "index": META.to_json(),
                                               "bm25": {"k1": BM25_K1, "b": BM25_B}}), encoding="utf-8")
    (folder / "CURRENT").write_text(gen.name, encoding="utf-8")


def tables(db_path) -> set[str]:
    db = sqlite3.connect(db_path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    return names


@pytest.mark.parametrize("schema_version", [1, 2, 3])
def test_an_old_index_reads_as_it_did(tmp_path, schema_version):
    write_old_index(tmp_path / "idx", schema_version)
    store = EmbeddedStore(tmp_path / "idx")
    post = store.get_post("p1")
    assert (post.title, post.date.isoformat(), post.tags, post.summary) == ("결제 링크 안내", "2026-10-01", ["결제"], None)
    assert [h.chunk_id for h in store.lexical(["환불"], Filters(), 5)] == [2]
    assert [h.chunk_id for h in store.dense(np.array([1, 0, 0, 0], np.float32), Filters(), 1)] == [1]
    assert store.sources() == ([OLD_SOURCE] if schema_version >= 3 else [])
    assert "meta" in tables(tmp_path / "idx" / "gen-000001" / "index.sqlite"), "reading migrates nothing"
    store.close()


@pytest.mark.parametrize("schema_version", [1, 2, 3])
def test_an_old_index_migrates_on_the_next_write(tmp_path, schema_version):
    from blogqa.index.sqlite_schema import MIGRATIONS

    write_old_index(tmp_path / "idx", schema_version)
    store = EmbeddedStore(tmp_path / "idx")
    new = Post(id="p2", title="배포 자동화", body="배포는 매일 합니다.", summary="요약: 매일 배포.")
    with store.writer(META) as w:
        w.upsert(new, "/blogs/ops", [Chunk("p2", 0, "", new.body, new.body)], [["배포", "매일"]],
                 np.array([[0, 0, 1, 0]], np.float32))
        w.record_source(SourceRecord("folder", "/blogs/ops"))
    gen = tmp_path / "idx" / (tmp_path / "idx" / "CURRENT").read_text()
    assert gen.name == "gen-000002"
    assert sqlite3.connect(gen / "index.sqlite").execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert tables(gen / "index.sqlite") == {"posts", "chunks", "sources"}, "m004 drops the unused meta table"
    assert store.get_post("p1").body.startswith("결제 링크는") and store.get_post("p1").summary is None
    assert store.get_post("p2").summary == "요약: 매일 배포."
    assert [h.post_id for h in store.lexical(["결제"], Filters(), 5)] == ["p1"]
    assert [h.post_id for h in store.lexical(["배포"], Filters(), 5)] == ["p2"]
    old_sources = [OLD_SOURCE.location] if schema_version >= 3 else []
    assert [r.location for r in store.sources()] == ["/blogs/ops"] + old_sources
    store.close()


def test_an_index_from_a_newer_blogqa_is_not_written(tmp_path):
    folder = tmp_path / "idx"
    write_old_index(folder, 3)
    db = sqlite3.connect(folder / "gen-000001" / "index.sqlite")
    db.execute("PRAGMA user_version = 9")
    db.commit()
    db.close()
    store = EmbeddedStore(folder)
    with pytest.raises(IndexError_, match=f"^{folder}: schema version 9 is newer than this blogqa understands"):
        with store.writer(META):
            pass
    assert (folder / "CURRENT").read_text() == "gen-000001"
    assert sorted(p.name for p in folder.glob("gen-*")) == ["gen-000001"], "the failed copy is removed"
    assert store.get_post("p1").title == "결제 링크 안내"
    store.close()


# ---- the events log ----------------------------------------------------------------------------
def test_an_events_log_from_a_newer_blogqa_is_refused_with_one_line(tmp_path):
    from blogqa.events.sqlite import SqliteEventStore

    path = tmp_path / "events.sqlite"
    SqliteEventStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 7")
    db.commit()
    db.close()
    with pytest.raises(UsageError, match="events.sqlite: cannot open the events database \\(schema version 7 is newer"):
        SqliteEventStore(path)

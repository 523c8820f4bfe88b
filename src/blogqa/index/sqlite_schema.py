"""SQLite schema of the embedded index, as numbered migrations, and Post <-> row conversion."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from ..errors import IndexError_
from ..models import Post
from ..sqlite_migrations import SchemaTooNew, run, run_script, version
from .source_record import SourceRecord


def m001_create_tables(db: sqlite3.Connection) -> None:
    run_script(db, """
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
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """)


def m002_post_summary(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE posts ADD COLUMN summary TEXT")


def m003_sources(db: sqlite3.Connection) -> None:
    """What each source was ingested with (blogqa sync revisits them); `state` is JSON."""
    db.execute("""
        CREATE TABLE IF NOT EXISTS sources (
            location TEXT PRIMARY KEY, kind TEXT NOT NULL, fmt TEXT, visibility TEXT, base_url TEXT,
            max_pages INTEGER, state TEXT)""")


def m004_drop_meta(db: sqlite3.Connection) -> None:
    """m001's `meta` table was never read or written: meta.json holds what an index was built with."""
    db.execute("DROP TABLE IF EXISTS meta")


MIGRATIONS = [m001_create_tables, m002_post_summary, m003_sources, m004_drop_meta]


def migrate(db: sqlite3.Connection, where: Path) -> None:
    """Bring the generation copy `db` (in the index folder `where`) to the current schema."""
    try:
        run(db, MIGRATIONS)
    except SchemaTooNew as err:
        raise IndexError_(f"{where}: {err}") from None


POST_COLUMNS = "id, title, body, date, updated, url, source_path, tags, author, visibility, summary"


def post_columns(db: sqlite3.Connection) -> str:
    """POST_COLUMNS as this (possibly older, read-only) database can answer them."""
    if version(db) < 2:
        return POST_COLUMNS.replace("summary", "NULL")
    return POST_COLUMNS


# The columns `post_to_row` fills, in its order.
POST_ROW_COLUMNS = "id, source, title, body, date, updated, url, source_path, tags, author, visibility, content_hash, summary"
INSERT_POST = (f"INSERT OR REPLACE INTO posts ({POST_ROW_COLUMNS}) "
               f"VALUES ({', '.join('?' * len(POST_ROW_COLUMNS.split(',')))})")


def post_to_row(post: Post, source: str) -> tuple:
    return (post.id, source, post.title, post.body, _iso(post.date), _iso(post.updated), post.url,
            post.source_path, json.dumps(post.tags, ensure_ascii=False), post.author, post.visibility,
            post.content_hash, post.summary)


def row_to_post(row: tuple, with_body: bool = True) -> Post:
    pid, title, body, date, updated, url, source_path, tags, author, visibility, summary = row
    return Post(id=pid, title=title, body=body if with_body else "", date=_date(date),
                updated=_date(updated), url=url, source_path=source_path, tags=json.loads(tags),
                author=author, visibility=visibility, summary=summary)


SOURCE_COLUMNS = "kind, location, fmt, visibility, base_url, max_pages, state"
INSERT_SOURCE = f"INSERT OR REPLACE INTO sources ({SOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"


def read_sources(db: sqlite3.Connection) -> list[SourceRecord]:
    """The source records of this (possibly older, read-only) database; none before m003."""
    if version(db) < 3:
        return []
    rows = db.execute(f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY location").fetchall()
    return [SourceRecord(kind, location, fmt, visibility, base_url, max_pages, json.loads(state) if state else None)
            for kind, location, fmt, visibility, base_url, max_pages, state in rows]


def source_to_row(record: SourceRecord) -> tuple:
    state = json.dumps(record.state, ensure_ascii=False) if record.state is not None else None
    return (record.kind, record.location, record.fmt, record.visibility, record.base_url, record.max_pages, state)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None

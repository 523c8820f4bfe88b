"""The embedded events log: one SQLite file (WAL, so several workers on one machine can share it).

Schema changes are numbered migrations recorded in `PRAGMA user_version`, applied by
`blogqa.sqlite_migrations.open_wal` (WAL, then `run` under `BEGIN IMMEDIATE`), so two workers
starting at once migrate once.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

from ..errors import UsageError
from ..sqlite_migrations import open_wal, run_script
from .store import EventStore, iso, origin_of


def m001_create_tables(db: sqlite3.Connection) -> None:
    run_script(db, """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,            -- ask | search | chat
            surface TEXT NOT NULL,         -- api | public | openai
            answer_id TEXT UNIQUE,         -- NULL for searches
            question TEXT NOT NULL,        -- e-mail addresses redacted
            latency_ms REAL NOT NULL,
            abstained INTEGER,
            confidence REAL,
            sources TEXT NOT NULL DEFAULT '[]',  -- JSON list of post ids
            error TEXT
        );
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            answer_id TEXT NOT NULL,
            surface TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            comment TEXT                   -- e-mail addresses redacted
        );
        CREATE INDEX feedback_answer ON feedback(answer_id);
        CREATE TABLE handovers (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            surface TEXT NOT NULL,
            answer_id TEXT,
            contact TEXT NOT NULL,         -- the only place a customer's address is kept
            name TEXT,
            question TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            webhook TEXT                   -- NULL, 'sent 200', 'failed: ...'
        );
    """)


def m002_conversations_origins_reasons(db: sqlite3.Connection) -> None:
    run_script(db, """
        ALTER TABLE questions ADD COLUMN conversation_id TEXT;   -- the widget's session; NULL: its own
        ALTER TABLE questions ADD COLUMN origin TEXT;            -- search | ask | assist | widget | openai
        ALTER TABLE feedback ADD COLUMN reason TEXT;             -- wrong | outdated | incomplete | not_answered
        ALTER TABLE handovers ADD COLUMN reason TEXT;            -- asked_for_person | no_answer | wrong_answer | other
        CREATE INDEX questions_at ON questions(at);
        CREATE INDEX feedback_at ON feedback(at);
        CREATE INDEX handovers_at ON handovers(at);
    """)
    for kind, surface in db.execute("SELECT DISTINCT kind, surface FROM questions").fetchall():
        db.execute("UPDATE questions SET origin=? WHERE kind=? AND surface=?",
                   (origin_of(kind, surface), kind, surface))


MIGRATIONS = [m001_create_tables, m002_conversations_origins_reasons]


class SqliteEventStore(EventStore):
    """`SqliteEventStore("events.sqlite")`: opens (creating and migrating) the file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10, isolation_level=None)
            open_wal(self._db, MIGRATIONS)
        except (OSError, sqlite3.Error) as err:  # `blogqa serve` shows this line and exits 2
            raise UsageError(f"{self.path}: cannot open the events database ({err}); pass --events PATH") from None

    # ---- backend primitives --------------------------------------------------------------
    def _param(self, value):
        if isinstance(value, dt.datetime):
            return iso(value)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (list, tuple)):
            return json.dumps(list(value), ensure_ascii=False)
        return value

    def _insert(self, table: str, row: dict) -> int:
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        with self._lock:
            return self._db.execute(sql, tuple(row.values())).lastrowid

    def _select(self, sql: str, params: tuple = ()) -> list[dict]:
        with self._lock:
            cur = self._db.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def _change(self, sql: str, params: tuple = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

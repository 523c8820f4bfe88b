"""The events database: every question, answer id, latency, abstention, feedback and hand-over.

It is one SQLite file (`events.sqlite`) *beside* the index folder, never inside it, so
`blogqa ingest` (which swaps index generations) cannot lose feedback or hand-overs. Schema
changes are numbered migrations recorded in `PRAGMA user_version`.

Customer e-mail addresses never reach the question/feedback logs: `redact()` replaces them
(`"mail me at kim@example.com" -> "mail me at [email]"`). Only hand-over records keep the
contact a customer typed, because staff need it to reply.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

from ..errors import UsageError
from ..index.open import is_postgres
from .text import EMAIL


def redact(text: str | None) -> str | None:
    """Replace e-mail addresses: `redact("a kim.j+x@mail.example.com b") == "a [email] b"`."""
    return EMAIL.sub("[email]", text) if text else text


def m001_create_tables(db: sqlite3.Connection) -> None:
    _run_script(db, """
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


MIGRATIONS = [m001_create_tables]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # statement by statement: executescript() would COMMIT the migration's open transaction
    lines = [line.split("--")[0] for line in script.splitlines()]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            db.execute(statement)


def default_events_path(index_location: str, configured: str | None = None) -> Path:
    """`--events`/config first; else `events.sqlite` in the folder that holds the index folder."""
    if configured:
        return Path(configured)
    if is_postgres(index_location):
        raise UsageError("a postgresql:// index needs an events file: pass --events PATH "
                         "(or set `events` under [server] in the config)")
    return Path(index_location).resolve().parent / "events.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class EventStore:
    """Thread-safe writer/reader over one SQLite file (WAL, so several workers can share it)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (OSError, sqlite3.Error) as err:  # `blogqa serve` shows this line and exits 2
            raise UsageError(f"{self.path}: cannot open the events database ({err}); pass --events PATH") from None

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")  # two workers starting at once migrate once
            try:
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
                    migration(self._db)
                    self._db.execute(f"PRAGMA user_version={number}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _write(self, sql: str, params: tuple) -> int:
        with self._lock:
            return self._db.execute(sql, params).lastrowid

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._db.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    # ---- writing ---------------------------------------------------------------------------
    def log_question(self, *, kind: str, surface: str, question: str, latency_ms: float,
                     answer_id: str | None = None, abstained: bool | None = None,
                     confidence: float | None = None, sources: list[str] = (), error: str | None = None) -> None:
        self._write(
            "INSERT INTO questions (at, kind, surface, answer_id, question, latency_ms, abstained, confidence,"
            " sources, error) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (_now(), kind, surface, answer_id, redact(question), round(latency_ms, 2),
             None if abstained is None else int(abstained), confidence,
             json.dumps(list(sources), ensure_ascii=False), redact(error)))

    def log_feedback(self, answer_id: str, helpful: bool, comment: str | None, surface: str) -> int:
        return self._write("INSERT INTO feedback (at, answer_id, surface, helpful, comment) VALUES (?,?,?,?,?)",
                           (_now(), answer_id, surface, int(helpful), redact(comment)))

    def add_handover(self, *, contact: str, question: str, surface: str, answer_id: str | None = None,
                     name: str | None = None) -> dict:
        at = _now()
        row_id = self._write(
            "INSERT INTO handovers (at, surface, answer_id, contact, name, question) VALUES (?,?,?,?,?,?)",
            (at, surface, answer_id, contact, name, question))
        return {"id": row_id, "at": at, "surface": surface, "answer_id": answer_id, "contact": contact,
                "name": name, "question": question, "status": "open"}

    def set_status(self, handover_id: int, status: str) -> bool:
        with self._lock:
            return self._db.execute("UPDATE handovers SET status=? WHERE id=?", (status, handover_id)).rowcount > 0

    def set_webhook_status(self, handover_id: int, status: str) -> None:
        self._write("UPDATE handovers SET webhook=? WHERE id=?", (status, handover_id))

    # ---- reading ---------------------------------------------------------------------------
    def answer_surface(self, answer_id: str) -> str | None:
        rows = self._read("SELECT surface FROM questions WHERE answer_id=?", (answer_id,))
        return rows[0]["surface"] if rows else None

    def handovers(self, status: str | None = None, limit: int = 100) -> list[dict]:
        if status:
            return self._read("SELECT * FROM handovers WHERE status=? ORDER BY id DESC LIMIT ?", (status, limit))
        return self._read("SELECT * FROM handovers ORDER BY id DESC LIMIT ?", (limit,))

    def questions(self, limit: int = 100) -> list[dict]:
        return self._read("SELECT * FROM questions ORDER BY id DESC LIMIT ?", (limit,))

    def feedback(self, answer_id: str | None = None) -> list[dict]:
        if answer_id:
            return self._read("SELECT * FROM feedback WHERE answer_id=? ORDER BY id", (answer_id,))
        return self._read("SELECT * FROM feedback ORDER BY id")

    def close(self) -> None:
        with self._lock:
            self._db.close()

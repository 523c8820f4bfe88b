"""Parts of the events store contract (tests/test_events_contract.py runs it, and holds its fixtures):
a `Backend` opens a log (a SQLite file, a PostgreSQL database from tests/pg.py) through
`open_events()` again and again, and `write_m001_*` fill one with rows in the schema before m002,
so the migration's back-fill is checked on both."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from blogqa.events import open_events

# (kind, surface) as the server logged them before m002 -> the origin m002 must back-fill
OLD_ROWS = [("ask", "api", "ask"), ("search", "api", "search"), ("ask", "public", "widget"),
            ("ask", "openai", "openai"), ("ask", "assist", "assist"), ("chat", "api", "ask")]


class Backend:
    """Where a log lives: `open()` opens it (again) through the factory the server uses."""

    def __init__(self, name: str, index_location: str, configured: str | None):
        self.name = name
        self.index_location = index_location
        self.configured = configured
        self._opened: list = []

    def open(self):
        store = open_events(self.index_location, self.configured)
        self._opened.append(store)
        return store

    def close_all(self) -> None:
        for store in self._opened:
            store.close()


# ---- the schema before m002, written as that blogqa wrote it -------------------------------
def write_m001_sqlite(path: Path) -> None:
    from blogqa.events.sqlite import m001_create_tables

    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("BEGIN")
    m001_create_tables(db)
    db.execute("PRAGMA user_version=1")
    for i, (kind, surface, _) in enumerate(OLD_ROWS):
        db.execute("INSERT INTO questions (at, kind, surface, answer_id, question, latency_ms, abstained, sources)"
                   " VALUES (?,?,?,?,?,?,?,?)", (f"2026-11-0{i + 1}T10:00:00.000+00:00", kind, surface,
                                                 None if kind == "search" else f"old{i}", f"old question {i}",
                                                 10.0 + i, None if kind == "search" else i % 2, '["p1"]'))
    db.execute("INSERT INTO feedback (at, answer_id, surface, helpful, comment) VALUES (?,?,?,?,?)",
               ("2026-11-01T11:00:00.000+00:00", "old0", "api", 0, "old comment"))
    db.execute("INSERT INTO handovers (at, surface, contact, question) VALUES (?,?,?,?)",
               ("2026-11-01T12:00:00.000+00:00", "public", "kim@example.com", "old hand-over"))
    db.execute("COMMIT")
    db.close()


def write_m001_postgres(uri: str) -> None:
    import psycopg

    from blogqa.events.postgres import MIGRATIONS

    version, name, sql = MIGRATIONS[0]
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("""CREATE TABLE blogqa_events_migrations (version integer PRIMARY KEY, name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())""")
        conn.execute(sql)
        conn.execute("INSERT INTO blogqa_events_migrations (version, name) VALUES (%s, %s)", (version, name))
        for i, (kind, surface, _) in enumerate(OLD_ROWS):
            conn.execute("INSERT INTO blogqa_questions (at, kind, surface, answer_id, question, latency_ms, abstained,"
                         " sources) VALUES (%s,%s,%s,%s,%s,%s,%s,'[\"p1\"]')",
                         (dt.datetime(2026, 11, i + 1, 10, tzinfo=dt.timezone.utc), kind, surface,
                          None if kind == "search" else f"old{i}", f"old question {i}", 10.0 + i,
                          None if kind == "search" else bool(i % 2)))
        conn.execute("INSERT INTO blogqa_feedback (at, answer_id, surface, helpful, comment) VALUES "
                     "('2026-11-01T11:00:00Z', 'old0', 'api', false, 'old comment')")
        conn.execute("INSERT INTO blogqa_handovers (at, surface, contact, question) VALUES "
                     "('2026-11-01T12:00:00Z', 'public', 'kim@example.com', 'old hand-over')")


WIDE = (dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc))

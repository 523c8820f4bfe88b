"""Numbered schema migrations for blogqa's SQLite files (an index generation, the events log).

A migration is a function `m00N_what(db)`; a store keeps them in a list, oldest first, and the
number of the last one applied is the file's `PRAGMA user_version`:

    MIGRATIONS = [m001_create_tables, m002_post_summary]
    applied = run(db, MIGRATIONS)   # a new file: [1, 2]; the same file again: []

`run` applies the missing ones and records their numbers in one `BEGIN IMMEDIATE` transaction,
so a crash leaves the file at its old version and two processes opening it at once migrate once.
Migrations use `run_script` for several statements, never `executescript` (which COMMITs first).
"""
from __future__ import annotations

import sqlite3
import time
from typing import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]


class SchemaTooNew(sqlite3.DatabaseError):
    """The file was written by a newer blogqa, with migrations this one does not know."""


def open_wal(db: sqlite3.Connection, migrations: Sequence[Migration], seconds: float = 10.0) -> list[int]:
    """WAL mode, then `run`. Switching a new file to WAL while another connection opens it can
    fail at once with "database is locked" (SQLite does not wait on the busy timeout there), so
    both steps are retried until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return run(db, migrations)
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def version(db: sqlite3.Connection) -> int:
    """How many migrations this file has seen (0: a new, empty file)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def run(db: sqlite3.Connection, migrations: Sequence[Migration]) -> list[int]:
    """Apply the migrations past `version(db)` in one transaction; return their numbers."""
    db.execute("BEGIN IMMEDIATE")  # takes the write lock before reading the version
    try:
        current = version(db)
        if current > len(migrations):
            raise SchemaTooNew(f"schema version {current} is newer than this blogqa understands "
                               f"({len(migrations)}); upgrade blogqa")
        applied = []
        for number, migration in enumerate(migrations[current:], start=current + 1):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
            applied.append(number)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # some errors end the transaction themselves
            db.execute("ROLLBACK")
        raise
    return applied


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Execute `script` one statement at a time inside the open transaction.

    SQLite's own tokenizer (`sqlite3.complete_statement`) says where a statement ends, so a `;`
    inside a string or a `-- comment` does not split one:

        run_script(db, "CREATE TABLE t (a TEXT DEFAULT ';');  -- one; statement")
    """
    statement = ""
    pieces = script.split(";")
    for i, piece in enumerate(pieces):
        statement += piece if i == len(pieces) - 1 else piece + ";"
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():  # a last statement without `;`, or only comments
        db.execute(statement)

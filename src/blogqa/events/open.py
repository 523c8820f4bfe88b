"""Pick the events log for an index: `open_events(index_location, configured)`.

    configured (--events / [server] events)   index                  events log
    postgresql://…                            any                    PostgreSQL at that URI
    a path                                    any                    SQLite file at that path
    none                                      postgresql://…         PostgreSQL, the index's database
    none                                      a folder ./idx         SQLite ./events.sqlite (beside it)
"""
from __future__ import annotations

from pathlib import Path

from ..index.open import is_postgres
from .store import EventStore


def default_events_path(index_location: str, configured: str | None = None) -> Path:
    """The SQLite file: `configured` first; else `events.sqlite` in the folder that holds the index
    folder (never inside it: `blogqa ingest` swaps index generations)."""
    if configured:
        return Path(configured)
    return Path(index_location).resolve().parent / "events.sqlite"


def open_events(index_location: str, configured: str | None = None) -> EventStore:
    """The events log for `index_location`, opened and migrated (see the table above)."""
    target = str(configured) if configured else None
    if (target and is_postgres(target)) or (not target and is_postgres(index_location)):
        from .postgres import PostgresEventStore

        return PostgresEventStore(target or index_location)
    from .sqlite import SqliteEventStore

    return SqliteEventStore(default_events_path(index_location, target))

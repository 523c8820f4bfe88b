"""The events database now lives in `blogqa.events` (SQLite and PostgreSQL behind one
`EventStore`); these names stay so existing imports keep working. `EventStore(path)` here is the
SQLite file store, as it always was; new code opens a log with `blogqa.events.open_events()`."""
from __future__ import annotations

from ..events.open import default_events_path
from ..events.redact import redact
from ..events.sqlite import MIGRATIONS, SqliteEventStore as EventStore, m001_create_tables

__all__ = ["EventStore", "MIGRATIONS", "default_events_path", "m001_create_tables", "redact"]

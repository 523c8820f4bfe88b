"""`EventStore`: what every events backend does, written once over four backend primitives.

A backend (sqlite.py, postgres.py) supplies `_insert`, `_select`, `_change` and `_param` (how a
Python value is stored: a datetime, bool or list) and runs its own numbered migrations; the SQL
here is portable (`?` placeholders, table names after `prefix`). Rows come back as plain dicts,
the same on every backend:

    {"id": 1, "at": "2026-12-01T09:30:00.000+00:00", "kind": "ask", "surface": "public",
     "origin": "widget", "abstained": False, "sources": ["post-a"], ...}

Tables (migrations m001, m002):

    questions  id, at, kind (ask|search|chat), surface (api|public|openai|assist), answer_id,
               question (redacted), latency_ms, abstained, confidence, sources (post ids), error,
               conversation_id, origin (search|ask|assist|widget|openai: which surface asked)
    feedback   id, at, answer_id, surface, helpful, comment (redacted), reason
    handovers  id, at, surface, answer_id, contact, name, question, status, webhook, reason
"""
from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod

from .redact import redact

TABLES = ("questions", "feedback", "handovers")
ORIGINS = ("search", "ask", "assist", "widget", "openai")
FEEDBACK_REASONS = ("wrong", "outdated", "incomplete", "not_answered")
HANDOVER_REASONS = ("asked_for_person", "no_answer", "wrong_answer", "other")
_ORIGIN_BY_SURFACE = {"public": "widget", "openai": "openai", "assist": "assist"}
_BOOL_COLUMNS = ("abstained", "helpful")


def origin_of(kind: str, surface: str) -> str:
    """Which surface asked, from how a question was logged (also m002's back-fill of old rows):
    `origin_of("ask", "public") == "widget"`, `origin_of("search", "api") == "search"`,
    `origin_of("ask", "api") == "ask"`."""
    return _ORIGIN_BY_SURFACE.get(surface) or ("search" if kind == "search" else "ask")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    """`2026-12-01T09:30:00.000+00:00`: the one text form of `at` (it sorts as time does)."""
    return utc(moment).isoformat(timespec="milliseconds")


def plain(row: dict) -> dict:
    """A row as the read API promises it: `at` an ISO-8601 UTC string, `sources` a list,
    booleans bool or None, whatever the backend stored."""
    out = dict(row)
    if isinstance(out.get("at"), dt.datetime):
        out["at"] = iso(out["at"])
    for column in _BOOL_COLUMNS:
        if column in out and out[column] is not None:
            out[column] = bool(out[column])
    if isinstance(out.get("sources"), str):
        out["sources"] = json.loads(out["sources"])
    return out


class EventStore(ABC):
    """One events log. Thread-safe; several processes may write to one database at once."""

    prefix = ""        # table name prefix ("blogqa_" in PostgreSQL, which the index shares)
    location: str      # where the log is, for messages (no password)

    # ---- the backend's part --------------------------------------------------------------
    @abstractmethod
    def _insert(self, table: str, row: dict) -> int:
        """Insert `row` (column -> value, already `_param`-ed) and return the new id."""

    @abstractmethod
    def _select(self, sql: str, params: tuple = ()) -> list[dict]:
        """Run a query with `?` placeholders; rows as dicts of column -> stored value."""

    @abstractmethod
    def _change(self, sql: str, params: tuple = ()) -> int:
        """Run an UPDATE/DELETE with `?` placeholders; the number of rows it touched."""

    @abstractmethod
    def _param(self, value):
        """A Python value (datetime, bool, list, str, number, None) as this backend stores it."""

    @abstractmethod
    def close(self) -> None: ...

    # ---- writing -------------------------------------------------------------------------
    def _add(self, table: str, **row) -> int:
        return self._insert(self.prefix + table, {k: self._param(v) for k, v in row.items()})

    def log_question(self, *, kind: str, surface: str, question: str, latency_ms: float,
                     answer_id: str | None = None, abstained: bool | None = None,
                     confidence: float | None = None, sources: list[str] = (), error: str | None = None,
                     conversation_id: str | None = None, origin: str | None = None) -> int:
        """One question or search; `origin` defaults to `origin_of(kind, surface)`."""
        return self._add("questions", at=now(), kind=kind, surface=surface, answer_id=answer_id,
                         question=redact(question), latency_ms=round(latency_ms, 2),
                         abstained=None if abstained is None else bool(abstained), confidence=confidence,
                         sources=list(sources), error=redact(error), conversation_id=conversation_id,
                         origin=origin or origin_of(kind, surface))

    def log_feedback(self, answer_id: str, helpful: bool, comment: str | None, surface: str,
                     reason: str | None = None) -> int:
        return self._add("feedback", at=now(), answer_id=answer_id, surface=surface, helpful=bool(helpful),
                         comment=redact(comment), reason=reason)

    def add_handover(self, *, contact: str, question: str, surface: str, answer_id: str | None = None,
                     name: str | None = None, reason: str | None = None) -> dict:
        """The record as staff and the webhook see it (the contact is kept: staff reply to it)."""
        at = now()
        row_id = self._add("handovers", at=at, surface=surface, answer_id=answer_id, contact=contact, name=name,
                           question=question, reason=reason)
        return {"id": row_id, "at": iso(at), "surface": surface, "answer_id": answer_id, "contact": contact,
                "name": name, "question": question, "status": "open", "reason": reason}

    def set_status(self, handover_id: int, status: str) -> bool:
        return self._change(f"UPDATE {self.prefix}handovers SET status=? WHERE id=?", (status, handover_id)) > 0

    def set_webhook_status(self, handover_id: int, status: str) -> None:
        self._change(f"UPDATE {self.prefix}handovers SET webhook=? WHERE id=?", (status, handover_id))

    def purge_before(self, day: dt.date) -> dict[str, int]:
        """Remove every event from before `day` (00:00 UTC); rows removed per table."""
        cutoff = self._param(dt.datetime.combine(day, dt.time(), dt.timezone.utc))
        return {table: self._change(f"DELETE FROM {self.prefix}{table} WHERE at < ?", (cutoff,)) for table in TABLES}

    # ---- reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params: tuple = ()) -> list[dict]:
        return [plain(r) for r in self._select(sql, params)]

    def read(self, since: dt.datetime, until: dt.datetime) -> dict[str, list[dict]]:
        """Every event with `since <= at < until` (naive datetimes are UTC), oldest first:
        `{"questions": [...], "feedback": [...], "handovers": [...]}`, every column of each row."""
        window = (self._param(utc(since)), self._param(utc(until)))
        return {table: self._rows(f"SELECT * FROM {self.prefix}{table} WHERE at >= ? AND at < ? ORDER BY at, id",
                                  window) for table in TABLES}

    def answer_surface(self, answer_id: str) -> str | None:
        rows = self._select(f"SELECT surface FROM {self.prefix}questions WHERE answer_id=?", (answer_id,))
        return rows[0]["surface"] if rows else None

    def handovers(self, status: str | None = None, limit: int = 100) -> list[dict]:
        if status:
            return self._rows(f"SELECT * FROM {self.prefix}handovers WHERE status=? ORDER BY id DESC LIMIT ?",
                              (status, limit))
        return self._rows(f"SELECT * FROM {self.prefix}handovers ORDER BY id DESC LIMIT ?", (limit,))

    def questions(self, limit: int = 100) -> list[dict]:
        return self._rows(f"SELECT * FROM {self.prefix}questions ORDER BY id DESC LIMIT ?", (limit,))

    def feedback(self, answer_id: str | None = None) -> list[dict]:
        if answer_id:
            return self._rows(f"SELECT * FROM {self.prefix}feedback WHERE answer_id=? ORDER BY id", (answer_id,))
        return self._rows(f"SELECT * FROM {self.prefix}feedback ORDER BY id")

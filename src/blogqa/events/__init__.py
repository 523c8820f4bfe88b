"""The events log: every question, answer id, latency, abstention, feedback and hand-over.

    events = open_events("./idx", configured=None)      # ./events.sqlite beside the index folder
    events = open_events("postgresql://…/db", None)      # the index's own database
    week = events.read(since, until)                     # {"questions": [...], "feedback": [...], "handovers": [...]}
    events.purge_before(dt.date(2026, 11, 1))            # {"questions": 12, "feedback": 3, "handovers": 0}

Two backends behind one `EventStore` (store.py): SQLite, the embedded default (sqlite.py), and
PostgreSQL (postgres.py), so N workers on N machines keep one log. Questions and feedback
comments are redacted (redact.py: e-mail addresses and phone numbers); only hand-overs keep the
contact a customer typed, because staff need it to reply. retention.py purges old events.
"""
from .open import default_events_path, open_events
from .redact import redact
from .store import FEEDBACK_REASONS, HANDOVER_REASONS, ORIGINS, EventStore, origin_of

__all__ = ["EventStore", "open_events", "default_events_path", "redact", "origin_of", "ORIGINS",
           "FEEDBACK_REASONS", "HANDOVER_REASONS"]

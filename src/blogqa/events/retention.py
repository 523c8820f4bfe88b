"""`blogqa serve --keep-days N`: events older than N days are removed at start-up and then daily.

    removed = Retention(events, days=90).start()   # {"questions": 3, "feedback": 1, "handovers": 0}

`start()` purges at once (events from before today - 90 days, UTC) and again every 24 hours in a
daemon thread; a purge that fails is logged and tried again the next day.
"""
from __future__ import annotations

import datetime as dt
import logging

from ..errors import UsageError
from ..periodic import Periodic
from .store import EventStore

log = logging.getLogger("blogqa.server")
DAY_SECONDS = 24 * 60 * 60


def cutoff(days: int, today: dt.date | None = None) -> dt.date:
    """The first day kept: `cutoff(30, dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)`."""
    return (today or dt.datetime.now(dt.timezone.utc).date()) - dt.timedelta(days=days)


class Retention:
    def __init__(self, events: EventStore, days: int, every_s: float = DAY_SECONDS):
        if days < 1:
            raise UsageError(f"--keep-days must be at least 1 (got {days})")
        self.events = events
        self.days = days
        self._job = Periodic(every_s, self._purge_logged, name="blogqa-retention")

    def purge(self) -> dict[str, int]:
        """Remove what is older than the window now; rows removed per table."""
        removed = self.events.purge_before(cutoff(self.days))
        log.info("events older than %d days removed: %s", self.days, removed)
        return removed

    def start(self) -> dict[str, int]:
        """Purge now, then daily; what this first purge removed."""
        removed = self.purge()
        self._job.start()
        return removed

    def _purge_logged(self) -> None:
        try:
            self.purge()
        except Exception:  # a failed purge is retried tomorrow; serving goes on
            log.exception("purging old events failed")

    def stop(self) -> None:
        self._job.stop(timeout=5)

"""`blogqa serve --sync-every DURATION`: the index syncs in the background while it is served.

    loop = SyncLoop(Index("./idx"), every_s=1800).start()   # a sync every 30 minutes
    ...
    loop.stop()

One daemon thread, one sync at a time: the next sync starts `every_s` seconds after the last one
ended, so a slow sync is never overlapped. The loop writes through its own `Index`; the server's
readers keep answering from the old generation until the sync's one atomic write switches it,
and pick the new one up on their next search (`Store.refresh`). Each sync logs one line with its
counts (stderr, beside uvicorn's log); a sync that fails (the index busy, a source unreadable)
logs one line and the next one is tried as usual.
"""
from __future__ import annotations

import sys
from typing import Callable

from ..errors import BlogqaError, IndexBusyError
from ..index.sync import SyncReport
from ..periodic import Periodic


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class SyncLoop:
    MAX_WARNINGS = 5  # warning lines logged per sync; the rest are counted

    def __init__(self, index, every_s: float, log: Callable[[str], None] = _stderr):
        index.require_sources()  # an index that cannot be synced fails at start-up, not in 30 minutes
        self.index = index
        self.log = log
        self.syncs = 0  # syncs completed
        self._job = Periodic(every_s, self.sync_once, name="blogqa-sync", done=index.close)

    def start(self) -> "SyncLoop":
        self._job.start()
        return self

    def stop(self) -> None:
        """Stop waiting for the next sync; a sync in progress is left to the process's exit
        (an unfinished write never becomes visible)."""
        self._job.stop(timeout=1)

    def sync_once(self) -> SyncReport | None:
        """One sync and its log lines; None when it failed."""
        try:
            report = self.index.sync(progress=False)
        except IndexBusyError as err:
            self.log(f"blogqa: sync skipped: {err}")
            return None
        except BlogqaError as err:
            self.log(f"blogqa: sync failed: {err}")
            return None
        except Exception as err:  # noqa: BLE001 - serving goes on; the next sync is tried as usual
            self.log(f"blogqa: sync failed: {type(err).__name__}: {err}")
            return None
        self.syncs += 1
        self.log(f"blogqa: sync: {report.summary()}")
        for line in report.warnings[:self.MAX_WARNINGS]:
            self.log(f"blogqa: sync warning: {line}")
        if len(report.warnings) > self.MAX_WARNINGS:
            self.log(f"blogqa: sync: {len(report.warnings) - self.MAX_WARNINGS} more warnings")
        return report

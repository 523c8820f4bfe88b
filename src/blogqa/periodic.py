"""A job run again and again in a daemon thread, `every_s` seconds after its last run ended
(never overlapping itself), until `stop()`: what `serve --sync-every` and `serve --keep-days` share.

    job = Periodic(60, lambda: print("tick"), name="blogqa-tick").start()
    ...
    job.stop()

`run` must not raise (each user logs its own failures: the next run is tried as usual);
`done`, when given, runs in the thread once the loop has stopped.
"""
from __future__ import annotations

import threading
from typing import Callable


class Periodic:
    def __init__(self, every_s: float, run: Callable[[], object], name: str,
                 done: Callable[[], object] | None = None):
        self.every_s = every_s
        self.run = run
        self.done = done
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Periodic":
        self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        """Stop waiting for the next run; a run in progress gets `timeout` seconds to end, then
        is left to the process's exit."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.run()
        if self.done is not None:
            self.done()

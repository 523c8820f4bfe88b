"""Run one opener in several threads at once, as several workers starting together would."""
from __future__ import annotations

import threading
from typing import Callable


def at_once(open_one: Callable[[], object], workers: int = 4) -> tuple[list, list[Exception]]:
    """What `open_one` returned in each thread, and what any of them raised."""
    results: list = []
    errors: list[Exception] = []

    def run():
        try:
            results.append(open_one())
        except Exception as err:  # noqa: BLE001 - the caller's assertion shows it
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors

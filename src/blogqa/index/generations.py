"""The generations of an index folder: the folder-level steps of an ingest, apart from what a
generation holds (embedded.py writes that).

A generation is `gen-000007/`, written as `gen-000007.tmp/` and renamed when complete; `CURRENT`
names the live one and is replaced atomically (`atomic_write`). One ingest at a time holds `.lock`
(`exclusive_lock`). A new generation is numbered past every folder there (`next_number`), what a
killed ingest left is removed first (`remove_unfinished`), and after the switch the retired ones
beyond the few kept go once out of use long enough (`prune_generations`).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexBusyError


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def exclusive_lock(path: Path):
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(f"{path.parent}: another ingest is running on this index") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def generation_number(name: str) -> int | None:
    """`gen-000007` and `gen-000007.tmp` -> 7; anything else -> None."""
    stem = name.removesuffix(".tmp")
    head, _, digits = stem.partition("-")
    return int(digits) if head == "gen" and digits.isdigit() else None


def next_number(path: Path, current: str | None) -> int:
    """One past every generation folder there, live or not, so a rename never meets a leftover."""
    numbers = [n for n in (generation_number(p.name) for p in path.glob("gen-*")) if n is not None]
    if current and generation_number(current) is not None:
        numbers.append(generation_number(current))
    return max(numbers, default=0) + 1


def remove_unfinished(path: Path, current: str | None) -> None:
    """What a killed ingest left: temporary folders, and finished folders `CURRENT` never named
    (numbered past the live one). Called under the ingest lock."""
    live = generation_number(current) if current else 0
    for p in path.glob("gen-*"):
        number = generation_number(p.name)
        if number is None or p.name == current:
            continue
        if p.name.endswith(".tmp") or number > (live or 0):
            remove_tree(p)


def prune_generations(path: Path, current: str, keep: int, grace_s: float) -> None:
    """Keep the live generation and the `keep - 1` before it; an older one goes once the one that
    replaced it has been live for `grace_s` seconds (its folder's mtime: when its files were written)."""
    gens = sorted((n, p) for p in path.glob("gen-*")
                  if p.is_dir() and not p.name.endswith(".tmp") and (n := generation_number(p.name)) is not None)
    live = generation_number(current)
    retired = [(n, p) for n, p in gens if n < live]
    now = time.time()
    for i, (_, old) in enumerate(retired[:max(0, len(retired) - (keep - 1))]):
        successor = (retired[i + 1][1] if i + 1 < len(retired) else path / current)
        try:
            out_of_use_for = now - successor.stat().st_mtime
        except OSError:
            out_of_use_for = grace_s
        if out_of_use_for >= grace_s:
            remove_tree(old)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

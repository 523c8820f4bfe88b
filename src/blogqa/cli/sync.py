"""`blogqa sync --index IDX [--json] [-q]`: revisit every source of an index, apply what changed.

Exit codes: 0 when the sync completed (also when pages were removed, missing or disallowed: each
is a warning line), 1 when a source could not be read at all (its posts are kept) or the index
does not remember its sources, 2 a missing index, 3 the index is busy (another ingest or sync).
"""
from __future__ import annotations

import argparse
import re

from .common import add_index_args, open_index, print_report

DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def register(sub) -> None:
    p = sub.add_parser("sync", help="revisit every source of an index: new, edited and removed posts")
    add_index_args(p)
    p.add_argument("--json", action="store_true",
                   help='print {"added", "updated", "removed", "unchanged", "not_modified", "errors", "seconds"}')
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sync)


def cmd_sync(args) -> int:
    idx = open_index(args)
    try:
        report = idx.sync(progress=not args.quiet)
    finally:
        idx.close()
    print_report(report, args)
    return 1 if report.unreadable else 0


def duration(text: str) -> float:
    """argparse type for `--sync-every`: a number and a unit, s m h or d.

        duration("30s") -> 30.0, duration("30m") -> 1800.0, duration("1.5h") -> 5400.0
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text or "")
    seconds = float(match[1]) * DURATION_UNITS[match[2]] if match else 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"not a duration (e.g. 30s, 30m, 2h, 1d): {text!r}")
    return seconds

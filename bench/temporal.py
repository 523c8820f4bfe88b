"""Time-aware questions over the shared blogs: rank-1 accuracy with time-awareness, against plain
hybrid ranking of the same questions in the same run, per question type.

    .venv/bin/python bench/temporal.py [--work /tmp/blogqa-bench]

Indexes are built (or reused) under --work; questions are bench/data/temporal_qa.jsonl, written by
hand from the posts before any tuning, each with its own reference date (`today`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict

from common import REPO, WORK, blog_index, table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=str(WORK))
    args = ap.parse_args()
    records = [json.loads(l) for l in (REPO / "bench/data/temporal_qa.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    indexes = {blog: blog_index(blog, args.work) for blog in sorted({r["blog"] for r in records})}
    counts = defaultdict(lambda: [0, 0, 0])  # type -> [n, time-aware right, plain right]
    misses = []
    for r in records:
        idx = indexes[r["blog"]]
        timed = idx.search(r["question"], k=5, today=dt.date.fromisoformat(r["today"])).hits
        plain = idx.search(r["question"], k=5, temporal=False).hits
        t_ok = bool(timed) and timed[0].post.source_path in r["gold"]
        p_ok = bool(plain) and plain[0].post.source_path in r["gold"]
        for key in (r["type"], "all"):
            counts[key][0] += 1
            counts[key][1] += t_ok
            counts[key][2] += p_ok
        if not t_ok:
            misses.append((r["question"], r["gold"][0], timed[0].post.source_path if timed else None))
    rows = [[t, n, right / n, plain / n] for t, (n, right, plain) in sorted(counts.items())]
    print(table(["type", "questions", "rank-1 time-aware", "rank-1 plain hybrid"], rows))
    if misses:
        print("\nmissed:")
        for q, gold, got in misses:
            print(f"- {q}  (gold {gold}, got {got})")


if __name__ == "__main__":
    main()

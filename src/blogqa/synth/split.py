"""Train/test split by post, never by question, so no post's facts leak from train to test.

    >>> rows = [{"question": f"q{i}", "post_id": p} for i, p in enumerate("aabbccddee")]
    >>> train, test = split_by_post(rows, test=0.2, seed=1)
    >>> len(test), {r["post_id"] for r in train} & {r["post_id"] for r in test}
    (2, set())
"""
from __future__ import annotations

import random
from pathlib import Path

from ..errors import UsageError


def post_of(record: dict) -> str:
    """The post a record is about: `post_id`, else its first gold post."""
    pid = record.get("post_id")
    if not pid:
        gold = record.get("gold") or []
        pid = gold[0] if gold else ""
    return str(pid)


def split_by_post(records: list[dict], test: float = 0.2, seed: int = 1) -> tuple[list[dict], list[dict]]:
    """(train, test): the posts are shuffled with `seed` and about `test` of them go to test,
    with all their questions. Both halves keep the input order. With two or more posts, each
    half gets at least one post (unless `test` is 0 or 1)."""
    if not 0.0 <= test <= 1.0:
        raise UsageError(f"--test must be between 0 and 1, not {test}")
    posts = sorted({post_of(r) for r in records})
    rng = random.Random(seed)
    rng.shuffle(posts)
    n_test = round(len(posts) * test)
    if 0 < test < 1 and len(posts) >= 2:
        n_test = min(max(n_test, 1), len(posts) - 1)
    test_posts = set(posts[:n_test])
    train_rows = [r for r in records if post_of(r) not in test_posts]
    test_rows = [r for r in records if post_of(r) in test_posts]
    return train_rows, test_rows


def split_paths(path: str | Path) -> tuple[Path, Path]:
    """`qa.jsonl` -> (`qa.train.jsonl`, `qa.test.jsonl`), next to the input.

    >>> [p.name for p in split_paths("out/qa.jsonl")]
    ['qa.train.jsonl', 'qa.test.jsonl']
    """
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    suffix = path.suffix or ".jsonl"
    return path.with_name(f"{stem}.train{suffix}"), path.with_name(f"{stem}.test{suffix}")

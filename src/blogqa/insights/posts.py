"""Which posts answers lean on: posts to fix (cited by answers marked not helpful), the most
cited posts, and stale answers (answers citing posts older than `stale_days`)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Callable

from .log import FEEDBACK_REASONS, EventLog

STALE_DAYS = 730  # two years: a post that old may describe what has changed since
TOP = 10


class PostInfo:
    """Title and age of a post id, looked up once each (`lookup` is `store.get_post`)."""

    def __init__(self, lookup: Callable[[str], object]):
        self._lookup = lookup
        self._seen: dict[str, object] = {}

    def post(self, post_id: str):
        if post_id not in self._seen:
            self._seen[post_id] = self._lookup(post_id)
        return self._seen[post_id]

    def title(self, post_id: str) -> str | None:
        post = self.post(post_id)
        return post.title if post else None  # a post removed from the index since

    def written(self, post_id: str) -> dt.date | None:
        post = self.post(post_id)
        return (post.updated or post.date) if post else None


def answers(log: EventLog) -> list[dict]:
    """Questions that got an answer citing posts."""
    return [q for q in log.questions if q.get("kind") != "search" and q.get("sources")
            and log.outcome(q) != "abstained"]


def posts_to_fix(log: EventLog, info: PostInfo, top: int = TOP) -> list[dict]:
    counts: Counter = Counter()
    questions: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, Counter] = defaultdict(Counter)
    for q in answers(log):
        bad = log.not_helpful(q)
        for post_id in dict.fromkeys(q["sources"]) if bad else ():
            counts[post_id] += len(bad)
            questions[post_id].append(q["question"])
            reasons[post_id].update(f.get("reason") for f in bad)
    return [{"post_id": p, "title": info.title(p), "not_helpful": n,
             "questions": list(dict.fromkeys(questions[p])),
             "reasons": {r: reasons[p][r] for r in FEEDBACK_REASONS if reasons[p][r]}}
            for p, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]]


def most_cited(log: EventLog, info: PostInfo, top: int = TOP) -> list[dict]:
    counts = Counter(p for q in answers(log) for p in dict.fromkeys(q["sources"]))
    return [{"post_id": p, "title": info.title(p), "answers": n}
            for p, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]]


def stale_answers(log: EventLog, info: PostInfo, days: int = STALE_DAYS, top: int = TOP) -> dict:
    """Answers citing a post last written (updated, else dated) more than `days` before the
    window's last day. Posts without a date are never stale."""
    cutoff = log.window.until - dt.timedelta(days=days)
    cited: dict[str, list[str]] = defaultdict(list)
    stale = 0
    for q in answers(log):
        old = [p for p in dict.fromkeys(q["sources"]) if (info.written(p) or cutoff) < cutoff]
        stale += bool(old)
        for p in old:
            cited[p].append(q["question"])
    posts = [{"post_id": p, "title": info.title(p), "written": info.written(p).isoformat(), "answers": len(qs),
              "questions": list(dict.fromkeys(qs))[:5]}
             for p, qs in sorted(cited.items(), key=lambda item: (-len(item[1]), item[0]))[:top]]
    return {"days": days, "before": cutoff.isoformat(), "answers": stale, "of": len(answers(log)), "posts": posts}

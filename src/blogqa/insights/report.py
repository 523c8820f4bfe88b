"""The insights report as one JSON-ready dict: the contract of `blogqa insights --json` and
`/api/insights` (issue 15; fields may be added, never renamed)."""
from __future__ import annotations

from . import counts
from .deflection import deflection
from .gaps import SIMILARITY, gaps
from .log import EventLog, Window
from .posts import STALE_DAYS, PostInfo, most_cited, posts_to_fix, stale_answers


def build_report(events, index, window: Window, stale_days: int = STALE_DAYS,
                 similarity: float = SIMILARITY, progress: bool = False,
                 titler=None) -> dict:
    """`events` is an EventStore (read through `EventStore.read`), `index` a `blogqa.api.Index`
    (its embedder groups the gaps, its search finds the nearest post, its store the titles);
    `titler` optionally names the gaps (insights.titles.llm_titler)."""
    log = EventLog.read(events, window)
    info = PostInfo(index.get_post)
    by_surface = counts.by_surface(log.questions)
    return {
        "since": window.since.isoformat(), "until": window.until.isoformat(),
        "questions": {"total": len(log.questions), "by_surface": by_surface,
                      "errors": sum(1 for q in log.questions if q.get("error"))},
        "outcomes": counts.outcomes(log),
        "feedback": counts.feedback(log.feedback),
        "handovers": counts.handovers(log),
        "deflection": deflection(log),
        "gaps": gaps(log, index, similarity, progress=progress, titler=titler),
        "gap_similarity": similarity,
        "posts_to_fix": posts_to_fix(log, info),
        "most_cited": most_cited(log, info),
        "stale_answers": stale_answers(log, info, stale_days),
        "latency_ms": counts.latency(log.questions),
        "series": {"day": counts.series(log, "day"), "week": counts.series(log, "week")},
    }

"""Counts over the window: questions by surface, outcomes, feedback with reasons, latency,
and the same per day and per ISO week (the charts' data)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from .log import FEEDBACK_REASONS, HANDOVER_REASONS, OUTCOMES, SURFACES, EventLog, day_of, origin_of, week_of


def by_surface(questions: list[dict]) -> dict[str, int]:
    counts = Counter(origin_of(q) for q in questions)
    return {s: counts.get(s, 0) for s in SURFACES} | {s: n for s, n in counts.items() if s not in SURFACES}


def outcomes(log: EventLog, questions: list[dict] | None = None) -> dict[str, int]:
    counts = Counter(log.outcome(q) for q in (log.questions if questions is None else questions))
    return {o: counts.get(o, 0) for o in OUTCOMES}


def feedback(rows: list[dict]) -> dict:
    """`reasons` counts the not-helpful feedback that named one; the rest is `no_reason`."""
    not_helpful = [f for f in rows if not f["helpful"]]
    reasons = Counter(f.get("reason") for f in not_helpful)
    return {"helpful": len(rows) - len(not_helpful), "not_helpful": len(not_helpful),
            "reasons": {r: reasons.get(r, 0) for r in FEEDBACK_REASONS},
            "no_reason": sum(n for r, n in reasons.items() if r not in FEEDBACK_REASONS)}


def handovers(log: EventLog) -> dict:
    reasons = Counter(h.get("reason") for h in log.handovers)
    return {"total": len(log.handovers),
            "linked": sum(1 for h in log.handovers if h.get("answer_id") in log.question_by_answer),
            "reasons": {r: reasons.get(r, 0) for r in HANDOVER_REASONS},
            "no_reason": sum(n for r, n in reasons.items() if r not in HANDOVER_REASONS)}


def latency(questions: list[dict]) -> dict[str, float | None]:
    """p50/p95 in milliseconds, linear interpolation between ranks (NumPy's default):
    `latency([{"latency_ms": v} for v in (10, 20, 30, 40)]) == {"p50": 25.0, "p95": 38.5}`."""
    values = [float(q["latency_ms"]) for q in questions if q.get("latency_ms") is not None]
    if not values:
        return {"p50": None, "p95": None}
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1)}


def series(log: EventLog, unit: str) -> list[dict]:
    """One row per day (`unit="day"`) or ISO week (`"week"`, keyed by its Monday) of the window,
    empty periods included: {"start", "days" (how many of its days the window covers), "questions",
    <outcomes>, "helpful", "not_helpful"}."""
    key = day_of if unit == "day" else (lambda row: week_of(day_of(row)))
    starts = log.window.days() if unit == "day" else log.window.weeks()
    covered = Counter(key({"at": dt.datetime.combine(day, dt.time(12)).isoformat()}) for day in log.window.days())
    rows = {start: {"start": start.isoformat(), "days": covered[start], "questions": 0, **dict.fromkeys(OUTCOMES, 0),
                    "helpful": 0, "not_helpful": 0} for start in starts}
    for q in log.questions:
        row = rows[key(q)]
        row["questions"] += 1
        row[log.outcome(q)] += 1
    for f in log.feedback:
        rows[key(f)]["helpful" if f["helpful"] else "not_helpful"] += 1
    return list(rows.values())

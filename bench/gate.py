"""The abstention gate's evidence per question, and how often it abstains with its weights.

    .venv/bin/python bench/gate.py [--fit]

Asks every question of bench/data/{hyperconnect,spoqa}_qa.jsonl (extractive, default mode) while
recording the evidence `answer/evidence.py: judge` combines: absent topic words, BM25/dense
agreement on the first post, best cosine, coverage. Prints the abstention rates on unanswerable and
answerable questions per blog with the shipped `RISK_WEIGHTS`. `--fit` also searches a small grid
of weights, choosing on one blog and reporting the other (leave one blog out), then on both.
Uses the indexes bench/retrieval.py keeps in /tmp/blogqa-bench (built on first use).
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys

from common import REPO, blog_index, table

sys.path.insert(0, str(REPO / "src"))

from blogqa.answer.evidence import DENSE_CENTER, MIN_CONFIDENCE, RISK_WEIGHTS, absent_value, combine  # noqa: E402

BLOG_NAMES = ["hyperconnect", "spoqa"]


def features(idx, records) -> list[dict]:
    """One dict per question: answerable, abstained, exempt (time ordering), absent, absent_share,
    agree, dense_z, coverage — read from the gate's `Answer.evidence`."""
    rows = []
    for rec in records:
        answer = idx.ask(rec.question, llm=False, today=dt.date.fromisoformat(rec.today) if rec.today else None)
        ev = answer.evidence
        rows.append({"answerable": rec.answerable, "abstained": answer.abstained,
                     "exempt": ev is None or (not answer.abstained and ev.confidence < MIN_CONFIDENCE),
                     "absent": bool(ev and ev.absent),
                     "absent_share": absent_value(ev.absent, ev.topic_words, "share") if ev else 0.0,
                     "agree": 0.5 if ev is None or ev.agree is None else float(ev.agree),
                     "dense_z": (ev.best_dense - DENSE_CENTER) / 0.05 if ev and ev.best_dense else 0.0,
                     "coverage": ev.coverage if ev else 0.0})
    return rows


def abstains(row: dict, w: dict) -> bool:
    if row["exempt"]:
        return row["abstained"]
    return combine(row["absent"], row["agree"], row["dense_z"], row["coverage"], w) < MIN_CONFIDENCE


def rates(rows: list[dict], w: dict) -> tuple[float, float]:
    un = [abstains(r, w) for r in rows if not r["answerable"]]
    ans = [abstains(r, w) for r in rows if r["answerable"]]
    return sum(un) / max(1, len(un)), sum(ans) / max(1, len(ans))


def score(rows, w) -> float:
    """What a support team wants: many unanswerable caught, few answerable lost (counted double)."""
    return score_of_rates(*rates(rows, w))


def score_of_rates(un, ans):
    """`score` from the two abstention rates (floats, or NumPy arrays of them), below the limits
    of 0.8 caught and 0.1 lost by 10."""
    return un - 2 * ans - 10 * ((un < 0.8) | (ans > 0.1))


# The bias plays the threshold.
GRID = {"bias": [-1.2, -0.9, -0.6, -0.3, -0.15, 0.0, 0.3], "absent": [1.5, 2.0, 3.0],
        "agree": [-0.8, -1.2, -1.6], "dense": [-0.5, -0.7, -1.0], "coverage": [-0.5, -1.0, -1.5]}


def fit(rows) -> dict:
    """The grid's best weights by `score`, ties to the first in grid order (every combination is
    scored at once with NumPy: the same rule as `abstains`, row by row)."""
    import numpy as np

    features = np.array([[1.0, float(r["absent"]), r["agree"], r["dense_z"], r["coverage"]] for r in rows])
    exempt = np.array([r["exempt"] for r in rows], dtype=bool)
    recorded = np.array([r["abstained"] for r in rows], dtype=bool)
    answerable = np.array([r["answerable"] for r in rows], dtype=bool)
    combos = np.array(list(itertools.product(*GRID.values())))  # columns in GRID's order
    risk = np.minimum(50.0, combos @ features.T)                  # combos x rows
    abstain = np.where(exempt, recorded, 1.0 / (1.0 + np.exp(risk)) < MIN_CONFIDENCE)
    un = abstain[:, ~answerable].mean(axis=1) if (~answerable).any() else np.zeros(len(combos))
    ans = abstain[:, answerable].mean(axis=1) if answerable.any() else np.zeros(len(combos))
    scores = score_of_rates(un, ans)
    return dict(zip(GRID, (float(v) for v in combos[int(np.argmax(scores))])))


def main() -> None:
    from blogqa.evaluate.qa import read_qa

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fit", action="store_true")
    args = ap.parse_args()
    data = {blog: features(blog_index(blog), read_qa(REPO / "bench" / "data" / f"{blog}_qa.jsonl"))
            for blog in BLOG_NAMES}
    both = data["hyperconnect"] + data["spoqa"]
    head = ["weights", "chosen on", *(f"{b} {m}" for b in [*BLOG_NAMES, "both"] for m in ("unans.", "ans."))]

    def row(label, chosen, w):
        return [label, chosen, *(v for rows in (*data.values(), both) for v in rates(rows, w))]

    rows = [row(str(RISK_WEIGHTS), "shipped", RISK_WEIGHTS)]
    if args.fit:
        for held_out in BLOG_NAMES:
            train = [b for b in BLOG_NAMES if b != held_out][0]
            w = fit(data[train])
            rows.append(row(str(w), train, w))
        w = fit(both)
        rows.append(row(str(w), "both", w))
    print("abstention rates (share of questions `ask` abstains on)\n")
    print(table(head, rows))


if __name__ == "__main__":
    main()

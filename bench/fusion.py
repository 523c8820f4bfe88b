"""Fusion variants side by side, recomputed from each question's own BM25 and dense candidates.

    .venv/bin/python bench/fusion.py [--sets korquad-even hyperconnect spoqa]

Each question is searched once in hybrid mode (time-awareness on) while the candidates that
`post_fusion` receives (chunk BM25 scores, chunk cosines, chunk -> post) are recorded; every
variant below then re-ranks those same candidates, so the table differs only by the fusion rule.
KorQuAD even-numbered articles are the tuning set (the odd ones are what bench/retrieval.py
reports); the blog sets are the paraphrase check. Uses the indexes bench/retrieval.py keeps in
/tmp/blogqa-bench (built on first use).
"""
from __future__ import annotations

import argparse
import math
import sys

from common import KORQUAD, REPO, WORK, blog_index, korquad_location, table

sys.path.insert(0, str(REPO / "src"))

import blogqa.retrieve.search as search_module  # noqa: E402
from blogqa.evaluate.runner import norm_gold  # noqa: E402
from blogqa.retrieve.fusion import post_fusion, rrf  # noqa: E402


def capture(idx, records) -> list[tuple[dict, dict, dict, set]]:
    """(lexical, dense, post_of, gold) per answerable question, as hybrid search saw them."""
    seen = []
    real = search_module.post_fusion

    def recorder(lexical, dense, post_of, w):
        seen.append((dict(lexical), dict(dense), dict(post_of)))
        return real(lexical, dense, post_of, w)

    search_module.post_fusion = recorder
    out = []
    try:
        for rec in records:
            if not rec.answerable:
                continue
            seen.clear()
            idx.search(rec.question, k=10, mode="hybrid")
            if seen:
                out.append((*seen[-1], {norm_gold(g) for g in rec.gold}))
    finally:
        search_module.post_fusion = real
    return out


def per_post(scores: dict, post_of: dict) -> dict:
    best: dict = {}
    for c, s in scores.items():
        p = post_of[c]
        if p not in best or s > best[p]:
            best[p] = s
    return best


def zscore(scores: dict) -> dict:
    if len(scores) < 2:
        return {k: 0.0 for k in scores}
    mean = sum(scores.values()) / len(scores)
    sd = math.sqrt(sum((v - mean) ** 2 for v in scores.values()) / len(scores)) or 1.0
    return {k: (v - mean) / sd for k, v in scores.items()}


def variant_weighted(w):
    return lambda lex, den, post_of: post_fusion(lex, den, post_of, w)[0]


def variant_z(w):
    def fuse(lex, den, post_of):
        lp, dp = zscore(per_post(lex, post_of)), zscore(per_post(den, post_of))
        low_l, low_d = min(lp.values(), default=0.0), min(dp.values(), default=0.0)
        return {p: w * lp.get(p, low_l) + (1 - w) * dp.get(p, low_d) for p in {*lp, *dp}}
    return fuse


def variant_rrf_posts(k=60):
    def fuse(lex, den, post_of):
        rank = lambda d: [p for p, _ in sorted(per_post(d, post_of).items(), key=lambda kv: -kv[1])]
        return rrf(rank(lex), rank(den), k=k)
    return fuse


def variant_rrf_chunks(k=60):
    """Plain RRF of the chunk rankings, then each post's best chunk (bench/retrieval.py's RRF row)."""
    def fuse(lex, den, post_of):
        rank = lambda d: [c for c, _ in sorted(d.items(), key=lambda kv: -kv[1])]
        return per_post(rrf(rank(lex), rank(den), k=k), post_of)
    return fuse


def variant_weighted_plus_rrf(w, beta, k=60):
    """Weighted fusion with a small per-post RRF term: agreement of the two rankings breaks near-ties."""
    weighted, ranks = variant_weighted(w), variant_rrf_posts(k)

    def fuse(lex, den, post_of):
        a, b = weighted(lex, den, post_of), ranks(lex, den, post_of)
        top = max(b.values(), default=1.0) or 1.0
        return {p: a.get(p, 0.0) + beta * b.get(p, 0.0) / top for p in {*a, *b}}
    return fuse


def metrics(captured, fuse) -> tuple[float, float, float]:
    r1 = r5 = mrr = 0.0
    for lex, den, post_of, gold in captured:
        ranked = [p for p, _ in sorted(fuse(lex, den, post_of).items(), key=lambda kv: (-kv[1], kv[0]))][:10]
        pos = next((i for i, p in enumerate(ranked) if p in gold), None)
        r1 += pos == 0
        r5 += pos is not None and pos < 5
        mrr += 1 / (pos + 1) if pos is not None else 0.0
    n = len(captured) or 1
    return r1 / n, r5 / n, mrr / n


VARIANTS = {
    "weighted w=0.5": variant_weighted(0.5),
    "weighted w=0.6": variant_weighted(0.6),
    "weighted w=0.7": variant_weighted(0.7),
    "z-score w=0.5": variant_z(0.5),
    "z-score w=0.55": variant_z(0.55),
    "z-score w=0.6": variant_z(0.6),
    "z-score w=0.45": variant_z(0.45),
    "chunk RRF k=60 (baseline row)": variant_rrf_chunks(60),
    "per-post RRF k=60": variant_rrf_posts(60),
    "weighted w=0.6 + 0.1 RRF": variant_weighted_plus_rrf(0.6, 0.1),
    "weighted w=0.6 + 0.2 RRF": variant_weighted_plus_rrf(0.6, 0.2),
    "weighted w=0.7 + 0.2 RRF": variant_weighted_plus_rrf(0.7, 0.2),
}


def question_sets(names: list[str]):
    from blogqa.evaluate.build import index_posts
    from blogqa.evaluate.korquad import load_korquad
    from blogqa.evaluate.qa import read_qa

    for name in names:
        if name.startswith("korquad-"):
            posts, records = load_korquad(KORQUAD, split=name.split("-", 1)[1])
            all_posts, _ = load_korquad(KORQUAD)
            idx = index_posts(korquad_location(), all_posts, f"korquad://{KORQUAD.resolve()}", progress=True)
        else:
            idx, records = blog_index(name), read_qa(REPO / "bench" / "data" / f"{name}_qa.jsonl")
        yield name, idx, records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=["korquad-even", "hyperconnect", "spoqa"])
    ap.add_argument("--save", help=argparse.SUPPRESS)
    ap.add_argument("--load", help=argparse.SUPPRESS)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    captured = {}
    if args.load:
        import pickle

        captured, args.sets = pickle.load(open(args.load, "rb")), []
    for name, idx, records in question_sets(args.sets):
        captured[name] = capture(idx, records)
        if args.save:
            import pickle

            pickle.dump(captured, open(args.save, "wb"))
        print(f"{name}: {len(captured[name])} questions captured", file=sys.stderr, flush=True)
    head = ["variant"] + [f"{name} {m}" for name in captured for m in ("R@1", "R@5", "MRR@10")]
    rows = [[label, *(v for name in captured for v in metrics(captured[name], fuse))]
            for label, fuse in VARIANTS.items()]
    print(table(head, rows))


if __name__ == "__main__":
    main()

"""Fusing a lexical and a dense ranking into one. Pure functions over {id: score} dicts.

Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009) ignores score gaps; on
question sets where BM25 is very sure (KorQuAD) that throws away its rank-1 precision. The
default is therefore a weighted sum of normalised scores, which keeps the gaps.

`post_fusion` (what hybrid search uses) fuses per post, not per chunk: a post's lexical score is
its best BM25 chunk and its dense score its best cosine chunk, even when those are different
chunks of the post. Fusing chunk by chunk instead lets a post whose best BM25 chunk is not its
best dense chunk lose to a post that is middling on both (measured in docs/benchmarks.md: +4
points of Recall@1 on the hand-written blog questions, +0.8 on KorQuAD).
"""
from __future__ import annotations


def min_max(scores: dict, floor: float | None = None) -> dict:
    """Scale scores to [0, 1]; `floor` (if given) is the value mapped to 0 instead of the minimum.

    >>> min_max({"a": 2.0, "b": 1.0, "c": 0.0})
    {'a': 1.0, 'b': 0.5, 'c': 0.0}
    """
    if not scores:
        return {}
    hi = max(scores.values())
    lo = min(scores.values()) if floor is None else floor
    span = hi - lo
    if span <= 0:
        return {k: 1.0 for k in scores}
    return {k: max(0.0, (v - lo) / span) for k, v in scores.items()}


def weighted_fusion(lexical: dict, dense: dict, lexical_weight: float = 0.5) -> dict:
    """`w * lexical/max + (1 - w) * minmax(dense)`; an id missing from one list scores 0 there.

    >>> weighted_fusion({"a": 10.0, "b": 5.0}, {"b": 0.9, "c": 0.8}, 0.5)
    {'a': 0.5, 'b': 0.75, 'c': 0.0}
    """
    lex, den = min_max(lexical, floor=0.0), min_max(dense)
    ids = list(dict.fromkeys([*lexical, *dense]))
    return {i: round(lexical_weight * lex.get(i, 0.0) + (1 - lexical_weight) * den.get(i, 0.0), 12) for i in ids}


def post_fusion(lexical: dict, dense: dict, post_of: dict, lexical_weight: float = 0.7) -> tuple[dict, dict]:
    """Fuse chunk scores per post. Returns (post scores, chunk scores), both in [0, 1].

    Per post: lexical = best BM25 chunk / best BM25 overall; dense = best cosine chunk, min-max
    scaled over the candidate posts. A chunk's own score uses the same scales and picks the chunk
    a post is shown with. A post missing from one list scores 0 there.

    >>> posts, chunks = post_fusion({1: 10.0, 3: 4.0}, {2: 0.9, 3: 0.8}, {1: "a", 2: "a", 3: "b"}, 0.5)
    >>> posts
    {'a': 1.0, 'b': 0.2}
    >>> chunks
    {1: 0.5, 3: 0.2, 2: 0.5}
    """
    lex_post: dict = {}
    for c, s in lexical.items():
        p = post_of[c]
        if s > lex_post.get(p, 0.0):
            lex_post[p] = s
    den_post: dict = {}
    for c, s in dense.items():
        p = post_of[c]
        if p not in den_post or s > den_post[p]:
            den_post[p] = s
    lex_hi = max(lex_post.values(), default=0.0)
    den_hi = max(den_post.values(), default=0.0)
    den_lo = min(den_post.values(), default=0.0)
    den_span = den_hi - den_lo
    w = lexical_weight

    def lex_n(s: float) -> float:
        return max(0.0, s) / lex_hi if lex_hi > 0 else 0.0

    def den_n(s: float) -> float:
        return max(0.0, (s - den_lo) / den_span) if den_span > 0 else 1.0

    posts = {p: round(w * lex_n(lex_post.get(p, 0.0)) + (1 - w) * (den_n(den_post[p]) if p in den_post else 0.0), 12)
             for p in dict.fromkeys([*lex_post, *den_post])}
    chunks = {c: round(w * lex_n(lexical.get(c, 0.0)) + (1 - w) * (den_n(dense[c]) if c in dense else 0.0), 12)
              for c in dict.fromkeys([*lexical, *dense])}
    return posts, chunks


def rrf(*rankings: list, k: int = 60) -> dict:
    """Reciprocal rank fusion: sum of 1 / (k + rank). k=60 damps the head of each list so that
    agreement between lists beats a single first place (the paper's recommended constant).

    >>> rrf(["a", "b"], ["b", "c"], k=1)
    {'a': 0.5, 'b': 0.8333333333333333, 'c': 0.3333333333333333}
    """
    out: dict = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            out[item] = out.get(item, 0.0) + 1.0 / (k + rank)
    return out

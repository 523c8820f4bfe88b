"""Fusing a lexical and a dense ranking into one. Pure functions over {id: score} dicts.

Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009) ignores score gaps; on
question sets where BM25 is very sure (KorQuAD) that throws away its rank-1 precision. The
default is therefore a weighted sum of min-max normalised scores, which keeps the gaps.
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

"""Retrieval metrics for one question: pure functions of a ranked list of ids and the gold ids.

`gold` lists the posts that answer a question; any one of them is a right answer. So Recall@k
here is the share of questions with a gold post in the top k (often called hit rate or success@k;
with one gold post per question, as in KorQuAD, the two are the same). MRR@k and nDCG@k use the
first / every gold post, binary relevance. Averages over questions are plain means.

    >>> ranked = ["b", "a", "c"]
    >>> recall_at_k(ranked, {"a"}, 1), recall_at_k(ranked, {"a"}, 5)
    (0.0, 1.0)
    >>> mrr_at_k(ranked, {"a"}), round(ndcg_at_k(ranked, {"a"}), 4)
    (0.5, 0.6309)
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence


def first_rank(ranked: Sequence[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first gold id, or None.

    >>> first_rank(["x", "y", "z"], {"z", "q"}), first_rank(["x"], {"q"})
    (3, None)
    """
    gold = set(gold)
    for i, item in enumerate(ranked, start=1):
        if item in gold:
            return i
    return None


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when a gold id is among the first k, else 0.0.

    >>> recall_at_k(["x", "y"], {"y"}, 1), recall_at_k(["x", "y"], {"y"}, 2), recall_at_k([], {"y"}, 10)
    (0.0, 1.0, 0.0)
    """
    rank = first_rank(ranked[:k], gold)
    return 1.0 if rank is not None else 0.0


def mrr_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold id within the first k, else 0.

    >>> mrr_at_k(["x", "y", "z"], {"z"}), mrr_at_k(["x", "y", "z"], {"z"}, k=2)
    (0.3333333333333333, 0.0)
    """
    rank = first_rank(ranked[:k], gold)
    return 1.0 / rank if rank is not None else 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Normalised discounted cumulative gain with binary relevance; each gold id counts once.

    >>> ndcg_at_k(["a", "b"], {"a", "b"}), ndcg_at_k(["x", "a"], {"a"}) == 1 / math.log2(3)
    (1.0, True)
    >>> ndcg_at_k(["x"], set())
    0.0
    """
    gold = set(gold)
    if not gold:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, item in enumerate(ranked[:k], start=1):
        if item in gold and item not in seen:
            seen.add(item)
            dcg += 1.0 / math.log2(i + 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def question_metrics(ranked: Sequence[str], gold: Iterable[str], k: int = 10,
                     cutoffs: Sequence[int] = (1, 5)) -> dict[str, float]:
    """Every metric for one question: recall@c for each cutoff and k, mrr@k, ndcg@k.

    >>> question_metrics(["x", "a"], ["a"], k=10)
    {'recall@1': 0.0, 'recall@5': 1.0, 'recall@10': 1.0, 'mrr@10': 0.5, 'ndcg@10': 0.6309297535714575}
    """
    gold = set(gold)
    out = {f"recall@{c}": recall_at_k(ranked, gold, c) for c in sorted({*cutoffs, k})}
    out[f"mrr@{k}"] = mrr_at_k(ranked, gold, k)
    out[f"ndcg@{k}"] = ndcg_at_k(ranked, gold, k)
    return out


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over questions ({} for none).

    >>> mean_metrics([{"mrr@10": 1.0}, {"mrr@10": 0.5}])
    {'mrr@10': 0.75}
    """
    if not rows:
        return {}
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, q in [0, 100] (nan for no values).

    >>> percentile([5, 1, 3, 2, 4], 50), percentile([1, 2, 3, 4], 95)
    (3, 4)
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]

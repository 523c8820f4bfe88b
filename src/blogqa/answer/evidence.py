"""Is there enough evidence to answer? Decided from retrieval, before any LLM is asked.

Cosine similarity alone separates answerable from unanswerable questions poorly (with
multilingual-e5-small the best cosine of an unanswerable question overlaps the answerable range),
so the gate combines four pieces of evidence, measured on the hand-written blog question sets
(bench/data/*_qa.jsonl, docs/benchmarks.md):

- absent topic words: a noun or foreign word of the question that occurs nowhere in the blog
  ("Karpenter", "GraphQL", "연봉") — the strongest sign the blog does not cover the question;
  single Hangul syllables (often a tokenizer artefact) and Latin words of a question not written
  in Korean (the blog may simply say it in Korean) do not count;
- agreement: BM25 and dense search rank the same post first (77% of answerable questions, 17%
  of unanswerable ones);
- the best cosine similarity, relative to multilingual-e5-small's usual range;
- coverage: the share of the question's topic words found in the top post's matching chunks.

They are combined in a logistic model (`RISK_WEIGHTS`, chosen leave-one-blog-out over six blogs),
and `confidence = 1 / (1 + e^risk)`; the answerers abstain below `MIN_CONFIDENCE`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..retrieve.query import GENERIC, topic_tokens

MIN_CONFIDENCE = 0.45
# risk = bias + absent * [any absent topic word] + agree * [same first post] + dense * (cos - center) / 0.05
#        + coverage * coverage; with dense search off, agree counts half and the dense term is 0.
# Chosen on all six shared blogs by bench/blogs.py (leave-one-blog-out; the held-out rates per blog
# are in docs/benchmarks.md): over the six sets 0.817 of unanswerable and 0.061 of answerable
# questions abstain (the earlier weights, fitted on two blogs: 0.854 / 0.105).
RISK_WEIGHTS = {"bias": -0.3, "absent": 2.0, "agree": -1.2, "dense": -1.0, "coverage": -0.5}
# "any": any absent topic word counts fully; "share": the share of the question's topic words that
# are absent, so a long e-mail naming one thing the blog lacks is not refused for it alone.
ABSENT_FEATURE = "any"
DENSE_CENTER = 0.88  # multilingual-e5-small: typical best cosine of a question over a blog


@dataclass(frozen=True)
class Evidence:
    coverage: float      # share of the question's topic tokens found in the best post
    best_dense: float    # best cosine similarity (0 when dense search was not run)
    best_lexical: float  # best raw BM25 score
    confidence: float    # combined, 0..1
    agree: bool | None = None  # BM25 and dense ranked the same post first (None: one did not run)
    absent: list[str] = field(default_factory=list)  # topic words found nowhere in the index
    topic_words: int = 0  # how many topic words the question has (absent ones included)

    def to_json(self) -> dict:
        out = {k: round(v, 4) for k, v in (("coverage", self.coverage), ("best_dense", self.best_dense),
                                           ("best_lexical", self.best_lexical), ("confidence", self.confidence))}
        out.update(agree=self.agree, absent=list(self.absent))
        return out


def coverage(question_tokens: list[str], post_tokens: set[str]) -> float:
    """Share of topic tokens present in the post.

    >>> coverage(["배포", "자동", "방법"], {"배포", "자동", "jenkins"})
    1.0
    """
    topic = topic_tokens(question_tokens)
    if not topic:
        return 0.0
    return sum(1 for t in topic if t in post_tokens) / len(topic)


def telling_absent(terms: list[str] | None, korean_question: bool) -> list[str]:
    """The absent terms that say something: not a single Hangul syllable (kiwi splits unknown
    words oddly: "프라이빗" -> "프라이" + "빗"), not a Latin word of a non-Korean question.

    >>> telling_absent(["karpenter", "빗", "연봉"], True), telling_absent(["separation"], False)
    (['karpenter', '연봉'], [])
    """
    out = []
    for t in terms or []:
        if t in GENERIC:  # a question word ("며칠") is absent from posts without saying anything
            continue
        latin = t.isascii()
        if latin and not korean_question:
            continue
        if not latin and len(t) < 2:
            continue
        out.append(t)
    return out


def judge(question_tokens: list[str], post_tokens: set[str], best_dense: float, best_lexical: float,
          dense_floor: float = 0.78, dense_span: float = 0.1, result=None, korean: bool = True) -> Evidence:
    """Evidence for answering. With `result` (the SearchResult) the full gate is used; without it
    only coverage and cosine (the older, weaker gate, kept for callers that pass no result)."""
    cov = coverage(question_tokens, post_tokens)
    if result is None:
        dense_part = min(1.0, max(0.0, (best_dense - dense_floor) / dense_span)) if best_dense else cov
        return Evidence(cov, best_dense, best_lexical, 0.6 * cov + 0.4 * dense_part)
    lexical_ran = getattr(result, "top_lexical_post", None) is not None
    dense_ran = getattr(result, "top_dense_post", None) is not None
    absent = telling_absent(getattr(result, "absent_terms", None), korean)
    if lexical_ran and dense_ran:
        agree: bool | None = result.top_lexical_post == result.top_dense_post
        agree_part = float(agree)
    else:
        agree, agree_part = None, 0.5
    dense_z = (best_dense - DENSE_CENTER) / 0.05 if dense_ran else 0.0
    topic_words = len(topic_tokens(question_tokens))
    confidence = combine(absent_value(absent, topic_words), agree_part, dense_z, cov)
    return Evidence(cov, best_dense, best_lexical, confidence, agree, absent, topic_words)


def absent_value(absent: list[str], topic_words: int, feature: str | None = None) -> float:
    """The absent-word feature the gate weighs (see ABSENT_FEATURE).

    >>> absent_value(["karpenter"], 4, "any"), absent_value(["karpenter"], 4, "share")
    (1.0, 0.25)
    """
    if not absent:
        return 0.0
    if (feature or ABSENT_FEATURE) == "share":
        return min(1.0, len(absent) / max(1, topic_words))
    return 1.0


def combine(absent: float, agree: float, dense_z: float, cov: float, weights: dict = RISK_WEIGHTS) -> float:
    """The logistic combination: confidence = 1 / (1 + e^risk), risk as `RISK_WEIGHTS` describes.

    >>> round(combine(False, 1.0, 0.0, 1.0), 3), round(combine(True, 0.0, 0.0, 0.0), 3)
    (0.881, 0.154)
    """
    w = weights
    risk = w["bias"] + w["absent"] * absent + w["agree"] * agree + w["dense"] * dense_z + w["coverage"] * cov
    return 1.0 / (1.0 + math.exp(min(50.0, risk)))

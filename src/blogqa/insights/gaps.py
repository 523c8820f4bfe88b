"""Content gaps: the questions the blog did not answer well, grouped by meaning -> posts to write.

A gap question is one that was abstained on (or a search that found nothing), handed over to a
person, or whose answer was marked not helpful. Questions are embedded with the index's own
embedder and grouped by average-linkage clustering: two groups merge while the mean cosine
similarity between their questions is at least `SIMILARITY`. Each group gets its size, three
example questions (the most central first), the post the index's search shows first for the
central question when it is near ("this post almost answers it") and a suggested title
(titles.py: offline from the words the group's questions share, or by an LLM).
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..index.embed import clip_tokens
from .log import EventLog
from .titles import suggested_title, title_words, topic_words

# Chosen on the shared blogs' unanswerable questions, each rewritten three ways (bench/gaps.py over
# bench/data/gap_paraphrases.jsonl): leave-one-blog-out the fitted value is 0.91 in four folds of six
# (0.90 and 0.915 in the other two), held-out pairwise precision median 1.00, recall 0.95, and 90% of the
# questions have their three rewrites in one group; on all six blogs 0.91 is best too (pooled pair
# F1 0.96, 91.5% of triples together). Below ~0.90 different questions of one blog start to merge.
SIMILARITY = 0.91
# A post "almost answers" a gap when both retrievers rank it first (the answer gate's "agree"
# evidence) and the question's best cosine over the blog is at least NEAR_POST. Checked on the
# simulated month over examples/sample-blog (bench/simulate_month.py): of 20 gap groups this shows a
# post for 12 (11 the post a person would point to; foreign cards -> the payment-link post is a
# stretch) and none for the 8 the blog does not cover (tax invoices, closing an account, the phone
# number, ...; card fees, which one post touches, is dropped too). Cosine alone does not separate
# them: unrelated posts reach 0.866 there.
NEAR_POST = 0.85
MAX_TEXTS = 3000  # distinct questions, the most recent kept: clustering costs O(n^2) memory
EXAMPLES = 3


@dataclass
class GapQuestion:
    text: str
    why: str  # "abstained" | "handed_over" | "not_helpful"


def gap_questions(log: EventLog) -> list[GapQuestion]:
    """One entry per question (a hand-over without an answer id brings its own question text)."""
    out = []
    for q in log.questions:
        outcome = log.outcome(q)
        if outcome != "answered":
            out.append(GapQuestion(q["question"], outcome))
        elif log.not_helpful(q):
            out.append(GapQuestion(q["question"], "not_helpful"))
    out += [GapQuestion(h["question"], "handed_over") for h in log.handovers
            if h.get("answer_id") not in log.question_by_answer and (h.get("question") or "").strip()]
    return out


BATCH = 64
TITLE_CHARS = 500  # of each question, read for its topic words


def embed_questions(embedder, texts: list[str], progress: bool = False) -> np.ndarray:
    """Unit vectors, one per text, embedded as queries (both sides of every comparison are
    questions; on the paraphrase set the query prefix groups better than the passage prefix:
    pooled pairwise F1 0.96 vs 0.95, bench/gaps.py). `embed_queries` (one call per batch) when the
    embedder has it, else `embed_query` per text. Each text is first clipped as a search query is
    (`clip_tokens`, 64 tokens): a pasted 20,000-character e-mail would otherwise take the model
    over a minute, and its opening says what it is about."""
    from tqdm import tqdm

    count = getattr(embedder, "count_tokens", None)
    if count is not None:
        texts = [clip_tokens(t, count) for t in texts]
    many = getattr(embedder, "embed_queries", None) or (lambda batch: [embedder.embed_query(t) for t in batch])
    batches = range(0, len(texts), BATCH)
    parts = [np.asarray(many(list(texts[i:i + BATCH])), dtype=np.float64).reshape(-1, embedder.dim)
             for i in tqdm(batches, desc="gaps: embedding questions", unit="batch", disable=not progress,
                           file=sys.stderr)]
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def group(vectors: np.ndarray, threshold: float = SIMILARITY, weights: list[float] | None = None) -> list[list[int]]:
    """Average-linkage clusters of unit vectors (Lance-Williams updates on one similarity matrix);
    `weights` counts how often each row occurs (a text asked five times weighs five). Largest
    (by weight) first, each listing row numbers in order:
    `group(np.array([[1, 0], [1, 0], [0, 1]]), 0.9) == [[0, 1], [2]]`."""
    n = len(vectors)
    if n == 0:
        return []
    sim = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    members = [[i] for i in range(n)]
    while n > 1:
        a, b = divmod(int(np.argmax(sim)), n)
        if sim[a, b] < threshold:
            break
        merged = (sizes[a] * sim[a] + sizes[b] * sim[b]) / (sizes[a] + sizes[b])
        sim[a, :] = merged
        sim[:, a] = merged
        sim[a, a] = sim[b, :] = sim[:, b] = -np.inf
        sizes[a] += sizes[b]
        members[a] += members[b]
        members[b] = []
    alive = [i for i in range(n) if members[i]]
    return [sorted(members[i]) for i in sorted(alive, key=lambda i: (-sizes[i], min(members[i])))]


def central_order(vectors: np.ndarray, rows: list[int], weights: list[float] | None = None) -> list[int]:
    """`rows` by weighted mean similarity to the group, most central first (ties: more asked first)."""
    w = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=np.float64)
    if len(rows) < 2:
        return list(rows)
    sub = vectors[rows] @ vectors[rows].T
    score = (sub * w[None, :]).sum(axis=1) / w.sum()
    return [rows[i] for i in sorted(range(len(rows)), key=lambda i: (-score[i], -w[i], i))]


def gaps(log: EventLog, index, threshold: float = SIMILARITY, limit: int = 20, progress: bool = False,
         titler=None) -> list[dict]:
    """Groups of gap questions, largest first: size, examples, why (counts by reason),
    nearest_post {post_id, title, url, similarity} or None, suggested_title (from `titler(examples)`
    when given, e.g. an LLM: titles.llm_titler). Each distinct text is embedded once and weighs as
    often as it was asked."""
    found = gap_questions(log)
    if not found:
        return []
    texts = list(dict.fromkeys(g.text for g in reversed(found)))[:MAX_TEXTS][::-1]
    row_of = {t: i for i, t in enumerate(texts)}
    found = [g for g in found if g.text in row_of]
    weights = Counter(g.text for g in found)
    vectors = embed_questions(index.embedder, texts, progress)
    tokenizer = index.tokenizer
    out = []
    for rows in group(vectors, threshold, [weights[t] for t in texts])[:limit]:
        ordered = central_order(vectors, rows, [weights[texts[i]] for i in rows])
        central = texts[ordered[0]]
        members = set(rows)
        topics = {i: topic_words(tokenizer, texts[i][:TITLE_CHARS]) for i in rows}  # a title comes from the opening
        words = title_words([topics[i] for i in rows for _ in range(weights[texts[i]])], topics[ordered[0]])
        out.append({"size": sum(weights[texts[i]] for i in rows), "examples": [texts[i] for i in ordered[:EXAMPLES]],
                    "why": dict(Counter(g.why for g in found if row_of[g.text] in members)),
                    "nearest_post": nearest_post(index, central),
                    "suggested_title": suggested_title(central, words, titler, [texts[i] for i in ordered[:5]])})
    return sorted(out, key=lambda g: -g["size"])


def nearest_post(index, question: str) -> dict | None:
    """The post the index's own search shows first, with the best dense similarity it saw; None
    unless both retrievers agree on it and it is near enough (NEAR_POST)."""
    result = index.search(question, k=1)
    agree = result.top_dense_post is not None and result.top_dense_post == result.top_lexical_post
    if not result.hits or not agree or result.best_dense < NEAR_POST:
        return None
    post = result.hits[0].post
    return {"post_id": post.id, "title": post.title, "url": post.url,
            "similarity": round(float(result.best_dense), 3)}

"""Content gaps: the questions the blog did not answer well, grouped by meaning -> posts to write.

A gap question is one that was abstained on (or a search that found nothing), handed over to a
person, or whose answer was marked not helpful. Questions are embedded with the index's own
embedder and grouped by average-linkage clustering: two groups merge while the mean cosine
similarity between their questions is at least `SIMILARITY`. Each group gets its size, three
example questions (the most central first), the post the index's search shows first for the
central question ("this post almost answers it") and a suggested title built offline from the
words the group's questions share.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .log import EventLog

# Chosen on the shared blogs' unanswerable questions, each rewritten three ways (bench/gaps.py over
# bench/data/gap_paraphrases.jsonl): leave-one-blog-out the fitted value is 0.91 in five folds of six
# (0.90, 0.915 in the others), held-out pairwise precision median 1.00, recall 0.95, and 90% of the
# questions have their three rewrites in one group; on all six blogs 0.91 is best too (pooled pair
# F1 0.96, 91.5% of triples together). Below ~0.90 different questions of one blog start to merge.
SIMILARITY = 0.91
# A post "almost answers" a gap when both retrievers rank it first (the answer gate's "agree"
# evidence) and the question's best cosine over the blog is at least NEAR_POST. Checked on the
# simulated month over examples/sample-blog (bench/simulate_month.py): of 20 gap groups this shows a
# post for 12, each the post a person would point to, and none for the 8 the blog does not cover
# (tax invoices, closing an account, the phone number, ...), one of which (card fees) a post
# touches. Cosine alone does not separate them: unrelated posts reach 0.866 there.
NEAR_POST = 0.85
MAX_TEXTS = 3000  # distinct questions, the most recent kept: clustering costs O(n^2) memory
EXAMPLES = 3

_HANGUL = re.compile("[\uac00-\ud7a3]")
_LATIN = re.compile(r"^[a-z0-9][a-z0-9.+#-]*$")
STOPWORDS = frozenset("""a an the and or but is are was were be been do does did how what when where why which who
    can could should would will i we you my our your it its to of in on for with at by from about any there this
    that have has had get got use used using please know tell me us if not no yes hi hello thanks long much many
    take 며칠 얼마 무엇 뭐 어디 언제 누구 정도 문의 궁금""".split())


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


def embed_questions(embedder, texts: list[str], progress: bool = False) -> np.ndarray:
    """Unit vectors, one per text, embedded as queries (both sides of every comparison are
    questions; on the paraphrase set the query prefix groups better than the passage prefix:
    pooled pairwise F1 0.96 vs 0.95, bench/gaps.py). `embed_queries` (one call per batch) when the
    embedder has it, else `embed_query` per text."""
    from tqdm import tqdm

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


def title_words(tokens: list[list[str]], central: list[str]) -> list[str]:
    """Words at least half the group's questions share (all of them for two), in the central
    question's order; one-letter tokens, question words and English function words left out:
    `title_words([["포인트", "환불"], ["포인트", "환불", "현금"]], ["포인트", "현금", "환불"])
    == ["포인트", "환불"]`."""
    seen = Counter(t for toks in tokens for t in set(toks))
    need = max(2, (len(tokens) + 1) // 2) if len(tokens) > 1 else 1
    words = []
    for t in central:
        if t in words or t in STOPWORDS or seen[t] < need:
            continue
        if len(t) < 2:  # "v" of "v2", "D" of "D+1", one-syllable stems
            continue
        words.append(t)
    return words[:5]


def suggested_title(central_text: str, words: list[str]) -> str:
    """A working title for the post to write: `"도도 포인트 환불 안내"`, `"About Kafka click logs"`."""
    if not words:
        return central_text.strip()[:80]
    shown = []
    for w in words:  # Latin words as the question spelled them ("kafka" -> "Kafka")
        found = re.search(re.escape(w), central_text, re.IGNORECASE) if _LATIN.match(w) else None
        shown.append(found.group(0) if found else w)
    text = " ".join(shown)
    return f"{text} 안내" if _HANGUL.search(central_text) else f"About {text}"


def gaps(log: EventLog, index, threshold: float = SIMILARITY, limit: int = 20, progress: bool = False) -> list[dict]:
    """Groups of gap questions, largest first: size, examples, why (counts by reason),
    nearest_post {post_id, title, url, similarity} or None, suggested_title. Each distinct text
    is embedded once and weighs as often as it was asked."""
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
        topics = {i: topic_words(tokenizer, texts[i]) for i in rows}
        words = title_words([topics[i] for i in rows for _ in range(weights[texts[i]])], topics[ordered[0]])
        out.append({"size": sum(weights[texts[i]] for i in rows), "examples": [texts[i] for i in ordered[:EXAMPLES]],
                    "why": dict(Counter(g.why for g in found if row_of[g.text] in members)),
                    "nearest_post": nearest_post(index, central),
                    "suggested_title": suggested_title(central, words)})
    return sorted(out, key=lambda g: -g["size"])


def topic_words(tokenizer, text: str) -> list[str]:
    """The nouns and foreign words of `text` (what a title is made of)."""
    return [t for t, topic in tokenizer.tagged_tokens(text) if topic]


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

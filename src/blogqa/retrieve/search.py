"""Search: a query plan (query.py) -> lexical and dense candidates -> fusion per post -> one hit
per post -> time ordering."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..errors import UsageError
from ..models import Filters, Hit
from ..text.hangul import has_hangul
from ..index.embed import clip_tokens
from ..index.store import Scored
from .fusion import post_fusion
from .particles import repairs_of
from .query import QueryPlan, plan
from .temporal_patterns import MENTION_WORDS

if TYPE_CHECKING:
    from .temporal import TemporalIntent

MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class Signals:
    """What the abstention gate reads from retrieval: raw best scores before normalisation, which
    post each retriever ranked first (None when it did not run or found nothing), and the
    question's topic words that occur nowhere in the index; `repairs`, the question's words read
    without the particle glued on them (particles.py), which the gate reads the same way."""
    best_lexical: float = 0.0
    best_dense: float = 0.0
    top_lexical_post: str | None = None
    top_dense_post: str | None = None
    absent_terms: list[str] | None = None
    repairs: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)
    intent: TemporalIntent | None = None  # the question's time expressions, when one was used
    signals: Signals = field(default_factory=Signals)

    # the gate's signals, read where they are used as result.best_dense and so on
    best_lexical = property(lambda self: self.signals.best_lexical)
    best_dense = property(lambda self: self.signals.best_dense)
    top_lexical_post = property(lambda self: self.signals.top_lexical_post)
    top_dense_post = property(lambda self: self.signals.top_dense_post)
    absent_terms = property(lambda self: self.signals.absent_terms)
    repairs = property(lambda self: self.signals.repairs)

    def to_json(self) -> dict:
        out = {"query": self.query, "hits": [h.to_json() for h in self.hits]}
        if self.notes:
            out["notes"] = list(self.notes)
        if self.intent is not None:
            i = self.intent
            out["time"] = {"order": i.order, "since": i.since and i.since.isoformat(),
                           "until": i.until and i.until.isoformat(), "about_updates": i.about_updates,
                           "expressions": list(i.expressions)}
        return out


class Searcher:
    """Ranks posts for a query plan over any Store. The embedder is loaded only when a mode needs it."""

    # Chosen leave-one-blog-out over the six shared blogs (bench/blogs.py): 0.5 in every fold and on
    # all six (mean h1 +3 questions over 0.6); KorQuAD odd R@1 0.932 at 0.5 vs 0.934 at 0.6.
    LEXICAL_WEIGHT = 0.5

    def __init__(self, store, tokenizer, embedder: Callable[[], object], lexical_weight: float = LEXICAL_WEIGHT,
                 candidates: int = 100):
        self.store = store
        self.tokenizer = tokenizer
        self._embedder = embedder
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self._has_dates: bool | None = None

    def has_dates(self) -> bool:
        if self.store.refresh() or self._has_dates is None:
            self._has_dates = bool(self.store.stats().get("first_date"))
        return self._has_dates

    def plan(self, query: str, filters: Filters | None = None, today: dt.date | None = None,
             temporal: bool = True) -> QueryPlan:
        """The plan of `query` for this index: time words count only when its posts have dates."""
        return plan(query, today or dt.date.today(), self.tokenizer, filters, temporal and self.has_dates())

    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               today: dt.date | None = None, temporal: bool = True) -> SearchResult:
        if mode not in MODES:
            raise UsageError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        return self.rank(self.plan(query, filters, today, temporal), k, mode)

    def rank(self, p: QueryPlan, k: int = 5, mode: str = "hybrid") -> SearchResult:
        """The k best posts for plan `p`: in its date range (else, with a note, over all dates),
        the ones about its topic in date order when it asks for the newest or oldest."""
        pool = max(k, 20) if p.order else k  # a wider pool, so the newest relevant post can move up
        notes: list[str] = []
        vectors: dict[str, object] = {}  # a second ranking (the date fallback) reuses the embedding
        result = self._rank(p, p.filters, pool, mode, vectors)
        if not result.hits and p.fallback is not None:
            notes.append(_no_match_note(p.query, p.intent))
            result = self._rank(p, p.fallback, pool, mode, vectors)
        if p.order:
            result.hits = order_by_date(result.hits, newest=p.order == "newest", use_updated=p.use_updated,
                                        title_tokens=self.tokenizer.tokens, topic=set(p.topic_tokens),
                                        mentions=p.mentions)
        result.hits = result.hits[:k]
        result.notes = notes
        result.intent = p.intent
        return result

    def _rank(self, p: QueryPlan, filters: Filters, k: int, mode: str, vectors: dict[str, object]) -> SearchResult:
        n = max(self.candidates, k * 4)
        lexical: list[Scored] = []
        dense: list[Scored] = []
        absent = self._absent(p.nouns, filters)
        repairs = repairs_of(absent, lambda words: self._absent(words, filters))
        absent = [t for t in absent if t not in repairs]
        if mode in ("bm25", "hybrid"):
            lexical = self.store.lexical([repairs.get(t, t) for t in p.lexical], filters, n)
        if mode in ("dense", "hybrid"):
            if p.dense not in vectors:
                embedder = self._embedder()
                vectors[p.dense] = embedder.embed_query(clip_tokens(p.dense, embedder.count_tokens))
            dense = self.store.dense(vectors[p.dense], filters, n)
        post_of = {s.chunk_id: s.post_id for s in (*lexical, *dense)}
        if mode == "hybrid":
            posts, chunks = post_fusion({s.chunk_id: s.score for s in lexical}, {s.chunk_id: s.score for s in dense},
                                        post_of, self.lexical_weight)
        else:
            chunks = {s.chunk_id: s.score for s in (lexical or dense)}
            posts = {}
            for s in (lexical or dense):
                posts.setdefault(s.post_id, s.score)  # lists are best first
        hits = self._hits(posts, chunks, post_of, k)
        signals = Signals(best_lexical=lexical[0].score if lexical else 0.0,
                          best_dense=dense[0].score if dense else 0.0,
                          top_lexical_post=lexical[0].post_id if lexical else None,
                          top_dense_post=dense[0].post_id if dense else None, absent_terms=absent,
                          repairs=repairs)
        return SearchResult(p.query, hits, signals=signals)

    def _absent(self, terms: list[str], filters: Filters) -> list[str]:
        """The terms no chunk of the index contains (date and tag filters ignored)."""
        return self.store.absent(list(dict.fromkeys(terms)), Filters(visibility=filters.visibility))

    def _hits(self, posts: dict[str, float], chunks: dict[int, float], post_of: dict[int, str], k: int) -> list[Hit]:
        """The k best posts, each with its best chunk and up to two more chunks scoring >= 80% of it."""
        ranked_posts = sorted(posts.items(), key=lambda kv: -kv[1])[:k]
        wanted_posts = {p for p, _ in ranked_posts}
        by_post: dict[str, list[tuple[float, int]]] = {}
        for chunk_id, score in chunks.items():
            pid = post_of[chunk_id]
            if pid in wanted_posts:
                by_post.setdefault(pid, []).append((score, chunk_id))
        best: dict[str, int] = {}
        extra: dict[str, list[int]] = {}
        for pid, scored in by_post.items():
            scored.sort(key=lambda sc: (-sc[0], sc[1]))
            best[pid] = scored[0][1]
            extra[pid] = [c for sc, c in scored[1:3] if sc >= 0.8 * scored[0][0]]
        wanted = list(best.values()) + [c for cs in extra.values() for c in cs]
        records = {r.chunk_id: r for r in self.store.records(wanted)}
        hits = []
        for pid, score in ranked_posts:
            rec = records.get(best.get(pid, -1))
            if rec is None:  # the index changed under us; skip rather than fail
                continue
            mine = [rec, *(records[c] for c in extra.get(pid, []) if c in records)]
            tokens = None if any(r.tokens is None for r in mine) else frozenset().union(*(r.tokens for r in mine))
            hits.append(Hit(rec.post, score, rec.text, rec.chunk_id, [r.text for r in mine[1:]], rec.next_text, tokens))
        return hits


# the share of a date-ordered question's candidates whose labels may hold a topic word that still
# tells what a post is about. "More than half" was the first value tried; bench/blogs.py and
# bench/temporal.py over 0.3-0.7 (docs/benchmarks.md, stop 29): 0.4-0.5 gain one socar question,
# 0.3 loses a temporal one, 0.6 and up change nothing
COMMON_LABEL = 0.5


def order_by_date(hits: list[Hit], newest: bool, use_updated: bool = False, floor: float = 0.5,
                  title_tokens=None, topic: set[str] | None = None, head: int = 2,
                  mentions: bool = False) -> list[Hit]:
    """Put the hits that are *about* the topic in date order; the rest keep their rank after.

    A post is about the topic when it scores >= floor * best and is either among the `head` best
    hits or has a topic word in its title or its tags (`labels`: a post tagged 통계학 is about
    statistics whatever its title says), one that labels at most `COMMON_LABEL` of the hits.
    Without that test, any newer post that merely mentions the topic in passing would jump to the
    top. Undated posts are never dropped: they follow the dated relevant ones.

    A question that asks for posts that *mention* the topic (`mentions`: "…얘기가 나오는 글",
    "…가 처음 등장한 글") takes every hit scoring >= floor * best whose matching chunks hold the
    topic words the best hit's do (`Hit.tokens`), passing mentions included.
    """
    if not hits:
        return hits
    top = hits[0].score
    labelled = [set(title_tokens(labels(h.post))) & topic for h in hits] if topic and title_tokens else []
    # a topic word in the labels of most candidates (the company's name: "쏘카" in 26 of socar's 58
    # titles) says nothing of what one of them is about
    common = {t for t in topic or () if sum(t in words for words in labelled) > COMMON_LABEL * len(hits)}

    # the topic words the best hit holds, the words of the asking ("얘기가 나오는") left out
    needed = set(hits[0].tokens or ()) & (set(topic or ()) - MENTION_WORDS) if mentions else set()

    def about(rank: int, h: Hit) -> bool:
        if needed and h.tokens is not None:
            return h.score >= floor * top and needed <= h.tokens
        # a topic word in the title or a tag is strong evidence, so such a post may score a little lower
        titled = bool(labelled) and bool(labelled[rank] - common)
        if h.score < floor * top * (0.8 if titled else 1.0):
            return False
        return rank < head or not topic or title_tokens is None or titled

    relevant = [h for rank, h in enumerate(hits) if about(rank, h)]
    rest = [h for h in hits if h not in relevant]

    def when(h: Hit):
        d = h.post.effective_updated if use_updated else h.post.date
        return d.toordinal() if d else None

    dated = sorted((h for h in relevant if when(h) is not None), key=when, reverse=newest)
    undated = [h for h in relevant if when(h) is None]
    return dated + undated + rest


def labels(post) -> str:
    """What a post says it is about: its title and its tags."""
    return " ".join([post.title, *post.tags])


def _no_match_note(query: str, intent) -> str:
    span = f"{intent.since or '…'} ~ {intent.until or '…'}"
    if has_hangul(query):
        return f"{span} 기간에 맞는 글이 없어 전체 기간에서 찾았습니다."
    return f"No post from {span} matched; showing results from all dates."

"""Query understanding: what a question asks the retrievers for, decided once before ranking.

`plan(query, today, tokenizer)` reads the question's time expressions (temporal.py), removes the
ones it used from the words BM25 and the embedder see, merges the date range into the filters
(keeping the caller's filters as the fallback when the range finds nothing), and tokenises the
words once: all of them for BM25, the nouns to check for absence from the index, and the topic
tokens that decide which hits date ordering moves. The Searcher only ranks a plan.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..models import Filters

if TYPE_CHECKING:  # temporal.py's patterns load with the first question that uses them
    from .temporal import TemporalIntent

# Work per question is bounded whatever its length (the server accepts 20,000 characters):
# the first QUERY_CHARS characters are parsed and tokenised for BM25, and the embedder sees the
# first QUERY_TOKENS model tokens of those (index/embed.py). Questions are far shorter.
QUERY_CHARS = 2_000

# Question words and fillers that say nothing about the topic (kiwi content tokens).
GENERIC = frozenset("""
무엇 뭐 어떻 어떤 어디 언제 누구 왜 어느 얼마 방법 하 되 있 없 같 알 수 것 좀 가장 제일 정말 혹시
알려주 궁금 문의 질문 설명 이유 경우 사용 이용 관련 대하 대해 위하 글 블로그 포스트 하나 잘
며칠 몇 얼마나 지금 현재 그리고 그런데 그럼 또한
what how why when where who which the a an is are do does can i you we our your it of to in for
on and or about with please tell know post blog
""".split())


def topic_tokens(tokens: list[str]) -> list[str]:
    """The tokens that name what a question is about: not a question word, not one letter (digits stay)."""
    return [t for t in dict.fromkeys(tokens) if t not in GENERIC and len(t) > 1 or t.isdigit()]


@dataclass(frozen=True)
class QueryPlan:
    query: str                  # as asked
    lexical: list[str]          # BM25's tokens (time expressions that were used removed)
    dense: str                  # the text to embed (the same words)
    filters: Filters            # the caller's filters with the question's date range merged in
    fallback: Filters | None    # the caller's own filters, when a date range may find nothing
    order: str | None           # "newest" | "oldest" | None
    topic_tokens: list[str]     # what date ordering keeps in front (titles are matched against them)
    nouns: list[str]            # topic words of the question to look up for absence from the index
    intent: "TemporalIntent | None"  # the time expressions read, when one was used
    mentions: bool = False      # asks for posts that mention the topic, not only ones about it

    @property
    def use_updated(self) -> bool:
        return bool(self.intent and self.intent.about_updates)


def plan(query: str, today: dt.date, tokenizer, filters: Filters | None = None, temporal: bool = True) -> QueryPlan:
    """Plan `query` as asked on `today`; `temporal=False` (or an index without dates) ignores time words."""
    filters = filters or Filters()
    text = query[:QUERY_CHARS]
    intent = None
    if temporal:
        from .temporal import parse_temporal

        parsed = parse_temporal(text, today)
        intent = None if parsed.is_empty else parsed
    words = lexical_text(text, intent)
    tagged = _tagged(tokenizer, words)
    lexical = [t for t, _ in tagged]
    timed = intent is not None and bool(intent.since or intent.until)
    return QueryPlan(
        query=query, lexical=lexical, dense=words,
        filters=_merge(filters, intent.to_filters()) if timed else filters,
        fallback=filters if timed else None,
        order=intent.order if intent else None,
        topic_tokens=topic_tokens(lexical),
        nouns=list(dict.fromkeys(t for t, topic in tagged if topic)),
        intent=intent,
        mentions=bool(intent and intent.order) and _mentions(text))


def lexical_text(query: str, intent: "TemporalIntent | None") -> str:
    """The words BM25 should match: time expressions that were used are removed, but an update
    word inside one ("최근에 업데이트된") stays, since updates are what the question is about."""
    if intent is None:
        return query
    from .temporal_patterns import POST_WORDS, UPDATE_WORD

    words = [m.group(0) for e in intent.expressions for m in UPDATE_WORD.finditer(e)] if intent.about_updates else []
    topic = " ".join(POST_WORDS.sub(" ", intent.cleaned).split())
    return " ".join([topic or intent.cleaned, *words])


def _mentions(text: str) -> bool:
    from .temporal_patterns import MENTION

    return MENTION.search(text) is not None


def _tagged(tokenizer, text: str) -> list[tuple[str, bool]]:
    tagged = getattr(tokenizer, "tagged_tokens", None)
    if tagged is not None:
        return tagged(text)
    return [(t, not t.isdigit()) for t in tokenizer.tokens(text)]


def _merge(base: Filters, extra: Filters) -> Filters:
    since = max(filter(None, [base.since, extra.since]), default=None)
    until = min(filter(None, [base.until, extra.until]), default=None)
    keep = base.keep_undated if (base.since or base.until) else extra.keep_undated
    return replace(base, since=since, until=until, use_updated=base.use_updated or extra.use_updated,
                   keep_undated=keep)

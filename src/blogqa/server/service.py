"""What the routes share: the app's state and the one place questions are answered and logged.

Routes stay thin: parse, call `Service.ask()`/`.search()`, shape JSON. Public answers pass
`public_guard()`, which re-checks every source against the index, so even a faulty
retriever cannot show an internal post on the public surface."""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterator

from ..answer.audience import CUSTOMER, INTERNAL, Audience
from ..answer.events import Event, Final
from ..config import Settings
from ..errors import BlogqaError
from ..models import Answer, Hit
from ..events import EventStore, redact
from .answer_cache import AnswerCache
from .text import highlight_terms, snippet, snippet_parts

log = logging.getLogger("blogqa.server")
HIT_JSON_KEPT = 4096  # hits kept as JSON (a few KB each)

def new_answer_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Asked:
    answer: Answer
    answer_id: str
    latency_ms: float


class Service:
    def __init__(self, index, settings: Settings, events: EventStore, cache: AnswerCache | None = None):
        self.index = index
        self.settings = settings
        self.events = events
        self.cache = cache if cache is not None else AnswerCache()
        self._cached_generation: object = None
        # hits as JSON (their snippets are marked by the tokenizer): a popular answer's hits are
        # shaped once per index generation, not on every ask
        self._hit_json: OrderedDict[tuple, dict] = OrderedDict()
        self._hit_json_lock = threading.Lock()

    # ---- visibility --------------------------------------------------------------------------
    def is_public_post(self, post_id: str) -> bool:
        post = self.index.get_post(post_id)
        return post is not None and post.visibility == "public"

    def public_guard(self, answer: Answer) -> Answer:
        """A customer's answer, unless it names a post that is not public (then withheld)."""
        ids = {s.post_id for s in answer.sources} | {h.post.id for h in answer.hits}
        leaked = [pid for pid in ids if not self.is_public_post(pid)]
        if leaked:
            log.error("public answer cited non-public posts %s; withheld", leaked)
            return Answer(answer.question, CUSTOMER.abstain_text(answer.question), True, notes=["withheld"])
        return answer

    # ---- asking ------------------------------------------------------------------------------
    def ask(self, question: str, surface: str, audience: Audience = INTERNAL, answer_id: str | None = None,
            conversation_id: str | None = None, **kwargs) -> Asked:
        """`audience`: who reads the answer (a customer's pass `public_guard`); `conversation_id`:
        the widget's session, logged with the question (None: its own)."""
        answer_id = answer_id or new_answer_id()
        start = time.perf_counter()
        try:
            key = self._cache_key(question, audience, kwargs)
            answer = self.cache.get(key, question) if key else None
            if answer is None:
                answer = self.index.ask(question, audience=audience, **kwargs)
                if audience.visibility:
                    answer = self.public_guard(answer)
                if key:
                    self.cache.put(key, answer)
        except Exception as err:
            self._log(question, surface, answer_id, start, None, error=err, conversation_id=conversation_id)
            raise
        self._log(question, surface, answer_id, start, answer, conversation_id=conversation_id)
        return Asked(answer, answer_id, (time.perf_counter() - start) * 1000)

    def _cache_key(self, question: str, audience: Audience, options: dict) -> tuple | None:
        """The answer cache's key, or None when the answer may differ each time (an LLM writes it).
        A changed index empties the cache first."""
        llm = options.get("llm")
        if llm or (llm is None and self.index.settings.llm.configured):
            return None
        self.index.refresh()
        generation = self.index.generation
        if generation != self._cached_generation:
            self.cache.clear()
            self._cached_generation = generation
        # the generation in the key too: workers sharing answers may not all have seen a change yet
        return (generation, *AnswerCache.key(question, audience.name, options, options.get("today")))

    def ask_events(self, question: str, surface: str, answer_id: str, audience: Audience = INTERNAL,
                   **kwargs) -> Iterator[Event]:
        """`Index.ask_stream` events, logged once the answer is complete (or failed); a customer's
        Final answer passes `public_guard` first."""
        start = time.perf_counter()
        answer = None
        try:
            for event in self.index.ask_stream(question, audience=audience, **kwargs):
                if isinstance(event, Final):
                    answer = self.public_guard(event.answer) if audience.visibility else event.answer
                    event = Final(answer)
                yield event
        except Exception as err:
            self._log(question, surface, answer_id, start, None, error=err)
            raise
        self._log(question, surface, answer_id, start, answer)

    def _log(self, question: str, surface: str, answer_id: str, start: float, answer: Answer | None,
             error: Exception | None = None, conversation_id: str | None = None) -> None:
        latency = (time.perf_counter() - start) * 1000
        message = None
        if error is not None:
            message = str(error) if isinstance(error, BlogqaError) else type(error).__name__
        try:
            self.events.log_question(
                kind="ask", surface=surface, question=question, latency_ms=latency, answer_id=answer_id,
                abstained=None if answer is None else answer.abstained,
                confidence=None if answer is None else float(answer.confidence),
                sources=[s.post_id for s in answer.sources] if answer else [], error=message,
                conversation_id=conversation_id)
        except Exception:  # the answer matters more than its log line
            log.exception("could not log question %s", answer_id)
        log.info("ask surface=%s answer_id=%s latency_ms=%.0f abstained=%s error=%s q=%s", surface, answer_id,
                 latency, None if answer is None else answer.abstained, message, json.dumps(
                     (redact(question) or "")[:80], ensure_ascii=False))

    def search(self, query: str, **kwargs):
        start = time.perf_counter()
        result = self.index.search(query, **kwargs)
        try:
            self.events.log_question(kind="search", surface="api", question=query,
                                     latency_ms=(time.perf_counter() - start) * 1000,
                                     sources=[h.post.id for h in result.hits])
        except Exception:
            log.exception("could not log search")
        return result

    def tokenizer(self):
        try:
            return self.index.tokenizer
        except Exception:
            return None

    def terms(self, query: str) -> list[str]:
        return highlight_terms(query, self.tokenizer())

    # ---- JSON shapes -------------------------------------------------------------------------
    def answer_json(self, asked: Asked, base_url: str, public: bool = False, links: Audience = INTERNAL) -> dict:
        """`public`: the public shape (no hits, no post ids; customers' links). `links`: whose
        links the sources get — CUSTOMER's (the post's URL or the public viewer) for drafts that
        go out to customers."""
        a = asked.answer
        links = CUSTOMER if public else links
        sources = []
        for s in a.sources:
            item = s.to_json()
            item["link"] = links.link(base_url, s.post_id, s.url)
            sources.append(item)
        if public:
            return {"answer_id": asked.answer_id, "answer": a.text, "abstained": a.abstained,
                    "confidence": round(float(a.confidence), 4),
                    "sources": [{k: x[k] for k in ("n", "title", "date", "link")} for x in sources],
                    "related": [{"title": r.title, "date": iso(r.date), "link": links.link(base_url, r.post_id, r.url)}
                                for r in a.related],
                    "latency_ms": round(asked.latency_ms, 1)}
        out = a.to_json()
        related = [{**r.to_json(), "link": links.link(base_url, r.post_id, r.url)} for r in a.related]
        out.update(answer_id=asked.answer_id, sources=sources, related=related, latency_ms=round(asked.latency_ms, 1))
        terms = self.terms(a.question)
        out["hits"] = [self.hit_json(h, base_url, terms, links) for h in a.hits]
        return out

    def hit_json(self, hit: Hit, base_url: str, terms: list[str], links: Audience = INTERNAL) -> dict:
        key = (self.index.generation, hit.chunk_id, hit.score, tuple(terms), base_url, links.name)
        with self._hit_json_lock:
            item = self._hit_json.get(key)
            if item is not None:
                self._hit_json.move_to_end(key)
                return dict(item)
        item = self._shape_hit(hit, base_url, terms, links)
        with self._hit_json_lock:
            self._hit_json[key] = item
            while len(self._hit_json) > HIT_JSON_KEPT:
                self._hit_json.popitem(last=False)
        return dict(item)

    def _shape_hit(self, hit: Hit, base_url: str, terms: list[str], links: Audience) -> dict:
        item = hit.to_json()
        item["visibility"] = hit.post.visibility
        item["link"] = (links if hit.post.visibility == "public" else INTERNAL).link(base_url, hit.post.id, hit.post.url)
        item["snippet"] = snippet(hit.text, terms)
        item["snippet_parts"] = snippet_parts(item["snippet"], terms, self.tokenizer())  # marks on whole words
        return item


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None

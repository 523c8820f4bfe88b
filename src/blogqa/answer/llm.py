"""Generated answers through any OpenAI-compatible chat API (or a local GGUF file).

    answer = llm_answer(question, search_result, tokenizer, settings.llm, tone="internal")
    for event in llm_answer_stream(...):   # Token(text) ... Final(answer) (answer/events.py)
        ...

Order of decisions, for every question:
1. Retrieval evidence (the same gate as the extractive answerer): too weak -> abstain, and the
   model is not asked at all.
2. One chat call with the numbered sources (prompt.py), each built around the passage the
   offline answer would quote from that post (passage.py).
3. The model's own "I don't know" (the NO_ANSWER sentinel, or a short reply saying it does not
   know and citing nothing) -> abstain.
4. Citations checked (citations.py): out-of-range ones removed and noted; sources = cited posts.

The chat calls themselves, with their retries and error messages, are in backend.py.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..config import LLMSettings
from ..errors import LLMError
from ..models import Answer
from .backend import get_backend, use_llm
from .citations import check_citations, cited_sources
from .extractive import abstain_text, extractive_answer
from .events import Event, Final, Token, final_answer
from .gate import evidence_gate
from .prompt import NO_ANSWER, TONES, Prompt, build_prompt
from ..text.llm_text import strip_think

NO_LLM_NOTE = "no LLM configured; extractive answer"

_IDK = re.compile(
    r"(i\s+(do\s*n[o']?t|cannot|can't|am\s+unable\s+to)\s+(know|find|answer|tell)|\bno\s+information\b"
    r"|not\s+(mentioned|stated|covered|found)\s+in\s+the\s+(sources?|posts?|blog)"
    r"|모르겠|알\s*수\s*없|찾(을|지)\s*수\s*없|찾지\s*못했|나와\s*있지\s*않|언급(되어\s*있지|이)\s*않|정보가\s*없)",
    re.I,
)


# ---- answering ---------------------------------------------------------------------------

def llm_answer(question: str, result, tokenizer, settings: LLMSettings, tone: str = "internal",
               backend=None, today=None) -> Answer:
    """A generated, cited answer (one chat call), or an abstention."""
    return final_answer(_answer_events(question, result, tokenizer, settings, tone, backend, today, stream=False))


def llm_answer_stream(question: str, result, tokenizer, settings: LLMSettings, tone: str = "internal",
                      backend=None, today=None) -> Iterator[Event]:
    """Token events as the model writes, then the Final answer."""
    yield from _answer_events(question, result, tokenizer, settings, tone, backend, today, stream=True)


def _answer_events(question, result, tokenizer, settings: LLMSettings, tone, backend, today,
                   stream: bool) -> Iterator[Event]:
    if tone not in TONES:
        raise LLMError(f"unknown tone {tone!r}; choose one of {', '.join(TONES)}")
    notes = list(result.notes)
    gate = evidence_gate(question, result, tokenizer)  # the offline answerer's gate, at its default
    confidence = gate.evidence.confidence if gate else 0.0
    if not (gate and gate.passes()):
        text = abstain_text(question)
        yield Token(text)
        yield Final(Answer(question, text, True, confidence=confidence, notes=notes, hits=result.hits))
        return
    prompt = build_prompt(question, result.hits, tone=tone, context_tokens=settings.context_tokens, today=today,
                          tokenizer=tokenizer, focus=getattr(result.intent, "cleaned", None))
    if not prompt.sources:
        text = abstain_text(question)
        yield Token(text)
        yield Final(Answer(question, text, True, confidence=confidence,
                           notes=notes + ["no source fits in llm.context_tokens"], hits=result.hits))
        return
    backend = backend or get_backend(settings)
    if stream:
        parts: list[str] = []
        shown = _StreamFilter()
        for delta in backend.stream(prompt.messages):
            parts.append(delta)
            for text in shown.feed(delta):
                yield Token(text)
        for text in shown.flush():
            yield Token(text)
        raw = "".join(parts)
    else:
        raw = backend.complete(prompt.messages)
    yield Final(finish_answer(question, raw, prompt, confidence, notes, result.hits))


def model_abstained(text: str) -> bool:
    """The model said it cannot answer: the sentinel alone, or a short uncited "I don't know".

    >>> model_abstained("NO_ANSWER"), model_abstained("모르겠습니다."), model_abstained("배포는 매일 합니다 [1].")
    (True, True, False)
    """
    if re.fullmatch(r"[\s\"'`*.:]*" + NO_ANSWER + r"[\s\"'`*.:]*", text):
        return True
    if check_citations(text, 10 ** 6).cited:
        return False
    return NO_ANSWER in text or (len(text) <= 240 and bool(_IDK.search(text)))


def finish_answer(question: str, raw: str, prompt: Prompt, confidence: float, notes: list[str],
                  hits=None) -> Answer:
    """Turn the model's reply into an Answer: abstention, citation check, cited sources only."""
    text = strip_think(raw).strip()
    notes = list(notes)
    hits = list(hits or [])
    if not text or model_abstained(text):
        notes.append("the model found no answer in the sources" if text else "the model returned no text")
        return Answer(question, abstain_text(question), True, confidence=confidence, notes=notes, hits=hits)
    text = re.sub(r"\s*\b" + NO_ANSWER + r"\b\s*", " ", text).strip()
    check = check_citations(text, len(prompt.sources))
    if check.invalid:
        bad = ", ".join(f"[{n}]" for n in check.invalid)
        notes.append(f"removed citation(s) {bad}: no such source was given (there were {len(prompt.sources)})")
    if not check.cited:
        notes.append("the model cited no source; check the answer against the posts")
    sources = cited_sources(check.cited, prompt.sources)
    return Answer(question, check.text, False, sources, confidence, notes, hits)


class _StreamFilter:
    """Holds back the start of a stream while it could still be the NO_ANSWER sentinel or a
    <think> block, so neither is shown; everything else passes through as it arrives."""

    def __init__(self):
        self.buffer = ""
        self.passing = False

    def feed(self, delta: str) -> list[str]:
        if self.passing:
            return [delta]
        self.buffer += delta
        head = self.buffer.lstrip()
        if head.lower().startswith("<think>"):
            end = head.lower().find("</think>")
            if end < 0:
                return []
            self.buffer = head[end + len("</think>"):]
            head = self.buffer.lstrip()
        if not head or NO_ANSWER.startswith(head) or head.startswith(NO_ANSWER) or "<think>".startswith(head.lower()):
            return []
        self.passing = True
        out, self.buffer = head, ""
        return [out]

    def flush(self) -> list[str]:
        head = self.buffer.strip()
        self.buffer = ""
        if self.passing or not head or head.startswith(NO_ANSWER) or head.lower().startswith("<think>"):
            return []
        return [head]


def extractive_with_note(answer: Answer) -> Answer:
    """The extractive answer marked as such (no LLM was configured)."""
    if NO_LLM_NOTE not in answer.notes:
        answer.notes.append(NO_LLM_NOTE)
    return answer


# ---- Index.ask / Index.ask_stream --------------------------------------------------------

def ask_index(index, question: str, search: dict, llm: bool | None = None, tone: str = "internal") -> Answer:
    """`Index.ask`: search, then the LLM answer (one non-streaming chat call) or the extractive one."""
    return final_answer(_index_events(index, question, search, llm, tone, stream=False))


def ask_index_stream(index, question: str, search: dict, llm: bool | None = None,
                     tone: str = "internal") -> Iterator[Event]:
    """`Index.ask_stream`: Token events as they arrive, then the Final answer."""
    yield from _index_events(index, question, search, llm, tone, stream=True)


def _index_events(index, question: str, search: dict, llm: bool | None, tone: str, stream: bool) -> Iterator[Event]:
    from ..errors import UsageError

    if tone not in TONES:
        raise UsageError(f"unknown tone {tone!r}; choose one of {', '.join(TONES)}")
    settings = index.settings.llm
    generate = use_llm(settings, llm)  # LLMError before any work when llm=True and none is configured
    search = {"tags": (), **{k: v for k, v in search.items() if v is not None}}
    if tone == "customer":
        search["visibility"] = "public"
    result = index.search(question, **search)
    if generate:
        today = search.get("today")
        if stream:
            yield from llm_answer_stream(question, result, index.tokenizer, settings, tone=tone, today=today)
        else:
            yield Final(llm_answer(question, result, index.tokenizer, settings, tone=tone, today=today))
        return
    answer = extractive_answer(question, result, index.tokenizer)
    if llm is None:
        extractive_with_note(answer)
    if stream:
        for line in answer.text.splitlines(keepends=True):
            yield Token(line)
    yield Final(answer)

"""Generated answers through any OpenAI-compatible chat API (or a local GGUF file).

    answerer = LLMAnswerer(settings.llm, tokenizer)   # the Answerer the pipeline runs (pipeline.py)
    for event in answerer.answer(question, result, gate, audience, stream=True): ...

Once the evidence gate (pipeline.py) is open:
1. One chat call with the numbered sources (prompt.py), each built around the passage the
   offline answer would quote from that post (passage.py), in the audience's tone.
2. The model's own "I don't know" (the NO_ANSWER sentinel, or a short reply saying it does not
   know and citing nothing) -> the audience's abstention.
3. Citations checked (citations.py): out-of-range ones removed and noted; sources = cited posts.

The chat calls themselves, with their retries and error messages, are in backend.py.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..config import LLMSettings
from ..models import Answer
from .audience import INTERNAL, Audience
from .backend import get_backend
from .citations import check_citations, cited_sources
from .events import Event, Final, Token
from .gate import Gate
from .pipeline import abstention
from .prompt import NO_ANSWER, Prompt, build_prompt
from ..text.llm_text import strip_think

_IDK = re.compile(
    r"(i\s+(do\s*n[o']?t|cannot|can't|am\s+unable\s+to)\s+(know|find|answer|tell)|\bno\s+information\b"
    r"|not\s+(mentioned|stated|covered|found)\s+in\s+the\s+(sources?|posts?|blog)"
    r"|모르겠|알\s*수\s*없|찾(을|지)\s*수\s*없|찾지\s*못했|나와\s*있지\s*않|언급(되어\s*있지|이)\s*않|정보가\s*없)",
    re.I,
)


# ---- answering ---------------------------------------------------------------------------

class LLMAnswerer:
    """The generated-answer Answerer (answer/pipeline.py): one chat call per question."""

    def __init__(self, settings: LLMSettings, tokenizer, backend=None, today=None):
        self.settings = settings
        self.tokenizer = tokenizer
        self.backend = backend
        self.today = today

    def answer(self, question: str, result, gate: Gate, audience: Audience, stream: bool = False) -> Iterator[Event]:
        settings = self.settings
        prompt = build_prompt(question, result.hits, tone=audience.tone, context_tokens=settings.context_tokens,
                              today=self.today, tokenizer=self.tokenizer, focus=getattr(result.intent, "cleaned", None))
        if not prompt.sources:
            answer = abstention(question, result, audience, gate, notes=["no source fits in llm.context_tokens"])
            if stream:
                yield Token(answer.text)
            yield Final(answer)
            return
        backend = self.backend or get_backend(settings)
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
        yield Final(finish_answer(question, raw, prompt, gate.evidence.confidence, list(result.notes), result.hits,
                                  audience))


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
                  hits=None, audience: Audience = INTERNAL) -> Answer:
    """Turn the model's reply into an Answer: abstention, citation check, cited sources only."""
    text = strip_think(raw).strip()
    notes = list(notes)
    hits = list(hits or [])
    if not text or model_abstained(text):
        notes.append("the model found no answer in the sources" if text else "the model returned no text")
        return Answer(question, audience.abstain_text(question), True, confidence=confidence, notes=notes, hits=hits)
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

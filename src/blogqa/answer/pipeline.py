"""The one answer pipeline: search, the evidence gate (once), an answerer, the audience's words.

    events = ask_events(index, question, search={"k": 5}, llm=None, audience=CUSTOMER, stream=True)
    answer = final_answer(events)           # answer/events.py

For every question, whatever surface asks it:
1. search, within the posts the audience may see (a customer: public posts only);
2. the evidence gate (answer/gate.py): too weak -> the audience's abstention, and no answerer
   (no model call) runs; its `Evidence` is kept on the Answer either way;
3. the answerer writes the answer: `ExtractiveAnswerer` (a passage of the best post, offline) or
   `LLMAnswerer` (one chat call over the same passages), chosen by `llm` and the settings.

An answerer needs one method, `answer(question, result, gate, audience, stream)`, yielding Token
events (as the text is written, when `stream`) and then one Final answer.
"""
from __future__ import annotations

from typing import Iterator, Protocol

from ..models import Answer
from .audience import Audience, audience_named
from .backend import use_llm
from .events import Event, Final, Token
from .gate import Gate, evidence_gate

NO_LLM_NOTE = "no LLM configured; extractive answer"


class Answerer(Protocol):
    """Writes the answer once the gate is open: Token events, then exactly one Final."""

    def answer(self, question: str, result, gate: Gate, audience: Audience, stream: bool) -> Iterator[Event]:
        ...


def answer_events(question: str, result, answerer: Answerer, audience: Audience, tokenizer,
                  stream: bool = False) -> Iterator[Event]:
    """Steps 2 and 3 for a search's `result`: the gate, then `answerer` (or the abstention)."""
    gate = evidence_gate(question, result, tokenizer)
    if gate is None or not gate.passes():
        answer = abstention(question, result, audience, gate)
        if stream:
            yield Token(answer.text)
        yield Final(answer)
        return
    for event in answerer.answer(question, result, gate, audience, stream):
        if isinstance(event, Final) and event.answer.evidence is None:
            event.answer.evidence = gate.evidence
        yield event


def abstention(question: str, result, audience: Audience, gate: Gate | None = None,
               notes: list[str] | None = None) -> Answer:
    """The audience's "not in the blog" answer, with the search's hits and the gate's evidence."""
    evidence = gate.evidence if gate else None
    return Answer(question, audience.abstain_text(question), True,
                  confidence=evidence.confidence if evidence else 0.0,
                  notes=list(result.notes) + list(notes or []), hits=list(result.hits), evidence=evidence)


def ask_events(index, question: str, search: dict, llm: bool | None = None,
               audience: "Audience | str | None" = None, stream: bool = False) -> Iterator[Event]:
    """`Index.ask` / `Index.ask_stream`: all three steps over `index`."""
    from .extractive import ExtractiveAnswerer
    from .llm import LLMAnswerer

    audience = audience_named(audience)
    settings = index.settings.llm
    generate = use_llm(settings, llm)  # LLMError before any work when llm=True and none is configured
    search = {"tags": (), **{k: v for k, v in search.items() if v is not None}}
    if audience.visibility:
        search["visibility"] = audience.visibility
    result = index.search(question, **search)
    if generate:
        answerer: Answerer = LLMAnswerer(settings, index.tokenizer, today=search.get("today"))
    else:
        answerer = ExtractiveAnswerer()
    for event in answer_events(question, result, answerer, audience, index.tokenizer, stream=stream):
        if isinstance(event, Final) and llm is None and not generate:  # say why there is no LLM answer
            event.answer.notes.append(NO_LLM_NOTE)
        yield event

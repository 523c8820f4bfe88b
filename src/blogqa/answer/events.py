"""The events an answer streams in, and the one helper that drains them.

    for event in index.ask_stream(question):
        if isinstance(event, Token): print(event.text, end="")
    answer = final_answer(events)   # when only the Answer matters

A stream is `Rewrite?` (a follow-up searched as a standalone question), then `Token`s as the text
is written, then exactly one `Final` carrying the finished `Answer`. The Answer's text can differ
from the tokens joined (an abstention, removed citations), so surfaces that show tokens compare
the two at the end. Dicts appear only at the wire (SSE, the CLI's JSON lines).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Union

from ..models import Answer


@dataclass(frozen=True)
class Token:
    """A piece of the answer's text, as it is written."""

    text: str


@dataclass(frozen=True)
class Rewrite:
    """A follow-up question was searched as this standalone question."""

    question: str


@dataclass(frozen=True)
class Final:
    """The finished answer: always the stream's last event."""

    answer: Answer


Event = Union[Token, Rewrite, Final]


def final_answer(events: Iterable[Event]) -> Answer:
    """Drain `events` and return the `Final` answer (the stream runs to its end, so a surface's
    logging or history wrapped around it still happens)."""
    answer = None
    for event in events:
        if isinstance(event, Final):
            answer = event.answer
    if answer is None:
        raise ValueError("the answer stream ended without a Final event")
    return answer


def answer_as_events(answer: Answer) -> Iterator[Event]:
    """A finished answer as a stream: its whole text as one token, then the answer."""
    yield Token(answer.text)
    yield Final(answer)


def with_final(events: Iterable[Event], on_final) -> Iterator[Event]:
    """Pass `events` through, calling `on_final(answer)` when the Final one goes by (before it is
    yielded): for surfaces that log or remember an answer while still streaming it."""
    for event in events:
        if isinstance(event, Final):
            on_final(event.answer)
        yield event

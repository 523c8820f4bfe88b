"""The answer pipeline's typed stream events (answer/events.py) and the helper that drains them."""
from __future__ import annotations

import dataclasses

import pytest
from openai_stub import tiny_blog_index

from blogqa.answer.events import Final, Rewrite, Token, answer_as_events, final_answer, with_final
from blogqa.api import Index
from blogqa.models import Answer

QUESTION = "배포는 어떻게 자동화했나요?"


def _answer(text="배포는 매일 합니다 [1].") -> Answer:
    return Answer("q", text, False)


def test_final_answer_drains_to_the_final_event():
    answer = _answer()
    seen = []

    def events():
        yield Rewrite("standalone q")
        yield Token("배포는 ")
        yield Final(answer)
        seen.append("ran to the end")  # code after the Final (a surface's log line) still runs

    assert final_answer(events()) is answer and seen == ["ran to the end"]


def test_final_answer_without_a_final_event_is_an_error():
    with pytest.raises(ValueError, match="without a Final"):
        final_answer([Token("a"), Token("b")])


def test_events_are_frozen_values():
    assert Token("a") == Token("a") and Rewrite("q") != Rewrite("r")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Token("a").text = "b"


def test_answer_as_events_is_the_whole_text_then_the_answer():
    answer = _answer()
    assert list(answer_as_events(answer)) == [Token(answer.text), Final(answer)]


def test_with_final_sees_the_answer_before_it_is_passed_on():
    answer = _answer()
    calls = []
    out = []
    for event in with_final([Token("x"), Final(answer)], lambda a: calls.append(a)):
        out.append((event, list(calls)))
    assert out == [(Token("x"), []), (Final(answer), [answer])]


def test_index_ask_stream_yields_tokens_then_the_same_answer_as_ask():
    idx = Index(str(tiny_blog_index() / "idx"))
    events = list(idx.ask_stream(QUESTION, llm=False))
    assert isinstance(events[-1], Final) and all(isinstance(e, Token) for e in events[:-1])
    streamed = final_answer(events)
    asked = idx.ask(QUESTION, llm=False)
    assert "".join(e.text for e in events[:-1]) == streamed.text == asked.text
    assert not streamed.abstained and [s.post_id for s in streamed.sources] == [s.post_id for s in asked.sources]

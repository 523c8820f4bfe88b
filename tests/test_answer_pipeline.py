"""The one answer pipeline (answer/pipeline.py): its typed stream events and the helper that drains
them, the Answerer protocol behind one evidence gate, and the Audience every surface passes."""
from __future__ import annotations

import dataclasses

import pytest
from openai_stub import tiny_blog_index

from blogqa.answer.audience import CUSTOMER, INTERNAL, audience_named
from blogqa.answer.events import Final, Rewrite, Token, answer_as_events, final_answer, with_final
from blogqa.answer.extractive import ExtractiveAnswerer
from blogqa.answer.pipeline import answer_events
from blogqa.api import Index
from blogqa.errors import UsageError
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


# ---- one gate, any Answerer ----------------------------------------------------------------

class Recording:
    """An Answerer that records what the pipeline handed it and answers with a fixed text."""

    def __init__(self):
        self.calls = []

    def answer(self, question, result, gate, audience, stream):
        self.calls.append((question, gate, audience))
        if stream:
            yield Token("고정 답 ")
        yield Final(Answer(question, "고정 답 [1]", False, confidence=gate.evidence.confidence, hits=result.hits))


@pytest.fixture(scope="module")
def tiny():
    idx = Index(str(tiny_blog_index() / "idx"))
    yield idx
    idx.close()


def test_an_open_gate_hands_the_answerer_its_gate_and_the_evidence_lands_on_the_answer(tiny):
    result = tiny.search(QUESTION)
    answerer = Recording()
    events = list(answer_events(QUESTION, result, answerer, CUSTOMER, tiny.tokenizer, stream=True))
    assert events[0] == Token("고정 답 ") and isinstance(events[-1], Final)
    (question, gate, audience), = answerer.calls
    assert question == QUESTION and audience is CUSTOMER and gate.passes()
    answer = final_answer(events)
    assert answer.evidence is gate.evidence and answer.confidence == gate.evidence.confidence


def test_a_shut_gate_never_reaches_the_answerer_and_abstains_in_the_audiences_words(tiny):
    question = "Kubernetes 클러스터의 Karpenter 노드 설정은 어떻게 하나요?"  # nothing in the tiny blog
    result = tiny.search(question)
    answerer = Recording()
    for audience in (INTERNAL, CUSTOMER):
        answer = final_answer(answer_events(question, result, answerer, audience, tiny.tokenizer))
        assert answer.abstained and answer.text == audience.abstain_text(question)
        assert answer.evidence is not None and answer.evidence.confidence == answer.confidence < 0.45
    assert answerer.calls == []
    assert INTERNAL.abstain_text(question) != CUSTOMER.abstain_text(question)


def test_the_gate_judges_the_hits_by_the_tokens_ingest_gave_their_chunks(tiny):
    """The top post's coverage comes from `Hit.tokens` (the index's own tokens of its chunks, title
    and date): the gate tokenizes the question only, and a hit without tokens is tokenized now."""
    from blogqa.answer.gate import evidence_gate

    class Counting:
        def __init__(self, inner):
            self.inner, self.texts = inner, []

        def tokens(self, text):
            self.texts.append(text)
            return self.inner.tokens(text)

        def stems(self, text):
            return self.inner.stems(text)

    result = tiny.search(QUESTION)
    top = result.hits[0]
    assert top.tokens and set(tiny.tokenizer.tokens(top.text)) <= top.tokens
    counting = Counting(tiny.tokenizer)
    stored = evidence_gate(QUESTION, result, counting)
    assert counting.texts == [QUESTION] and stored.evidence.coverage > 0
    result.hits[0] = dataclasses.replace(top, tokens=None)
    fresh = evidence_gate(QUESTION, result, counting)
    assert len(counting.texts) == 3 and top.text in counting.texts[-1]
    assert fresh.evidence.coverage == stored.evidence.coverage


def test_the_extractive_answerer_behind_the_gate_is_what_index_ask_gives(tiny):
    result = tiny.search(QUESTION)
    direct = final_answer(answer_events(QUESTION, result, ExtractiveAnswerer(), INTERNAL,
                                        tiny.tokenizer))
    asked = tiny.ask(QUESTION, llm=False)
    assert direct.text == asked.text and not asked.abstained
    assert asked.evidence is not None and asked.evidence.confidence == asked.confidence


# ---- the audience ----------------------------------------------------------------------------

def test_a_customer_is_answered_from_public_posts_only_and_offered_a_person():
    idx = Index(str(tiny_blog_index() / "idx"))
    question = "신입 사원 온보딩 버디는 몇 명 배정되나요?"  # only the internal onboarding post answers it
    internal = idx.ask(question, llm=False)
    assert not internal.abstained and [s.title for s in internal.sources] == ["사내 온보딩 가이드"]
    for customer in (idx.ask(question, llm=False, audience="customer"), idx.ask(question, llm=False, tone="customer"),
                     idx.ask(question, llm=False, audience=CUSTOMER)):
        assert all(h.post.visibility == "public" for h in customer.hits)
        assert "사내 온보딩 가이드" not in {s.title for s in customer.sources}
        if customer.abstained:
            assert customer.text == "죄송합니다. 공개된 글에서 이 질문에 대한 답을 찾지 못했습니다. 담당자에게 연결해 드릴까요?"


def test_audience_names_and_their_words():
    assert audience_named(None) is INTERNAL and audience_named("customer") is CUSTOMER
    assert audience_named(CUSTOMER) is CUSTOMER
    with pytest.raises(UsageError, match=r"unknown audience \(tone\) 'vip'; choose one of internal, customer"):
        audience_named("vip")
    assert CUSTOMER.abstain_text("요금이 얼마인가요?").startswith("죄송합니다.")
    assert CUSTOMER.abstain_text("How much is it?").startswith("Sorry,")
    assert INTERNAL.handover_ko == "" and CUSTOMER.handover_ko.endswith("문의해 주세요.")

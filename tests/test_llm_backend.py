"""The one chat interface (`answer.backend.ChatBackend`): its callers over an in-process fake of its one
method, and what the OpenAI-compatible backend adds (JSON mode, limits) against the loopback stub."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from blogqa.answer import backend as chat_backend
from blogqa.answer.backend import OpenAIBackend, api_backend
from blogqa.answer.rewrite import rewrite_question
from blogqa.config import LLMSettings
from blogqa.errors import LLMError, LLMTransientError, UsageError
from blogqa.evaluate.closed_book import ask_closed_book
from blogqa.models import Post
from blogqa.synth import llm as synth_llm
from blogqa.synth.summaries import ensure_summaries, load_summaries, summarise
from chat_fake import FakeChat
from openai_stub import Reply

DEPLOY = "배포 파이프라인은 GitHub Actions로 자동화했습니다. 롤백은 5분 안에 끝납니다."
POST = Post(id="deploy", title="배포 자동화 도입기", body=f"소개 문단입니다.\n\n{DEPLOY}", date=dt.date(2024, 3, 1))


def test_complete_is_the_stream_joined_with_limits_passed_through():
    fake = FakeChat(lambda messages: "배포는  매일 합니다 [1].")
    assert list(fake.stream([])) == ["배포는  ", "매일 ", "합니다 ", "[1]."]
    assert fake.complete([{"role": "user", "content": "q"}], max_tokens=64, json=True) == "배포는  매일 합니다 [1]."
    assert fake.calls[-1] == {"messages": [{"role": "user", "content": "q"}], "max_tokens": 64, "json": True}


def test_a_follow_up_is_rewritten_through_the_backend_with_a_short_limit():
    fake = FakeChat(lambda messages: "Standalone question: 블로그QA 프로의 가격은?")
    history = [("블로그QA 프로에는 어떤 기능이 있나요?", "검색과 답변 [1].")]
    assert rewrite_question("그럼 가격은?", history, backend=fake) == "블로그QA 프로의 가격은?"
    call, = fake.calls
    assert call["max_tokens"] == 128 and call["json"] is False
    assert "블로그QA 프로에는 어떤 기능이 있나요?" in call["messages"][1]["content"]


def test_synth_asks_for_json_and_labels_questions_with_the_backend_model():
    reply = {"questions": [{"question": "롤백은 얼마나 걸리나요?", "answer": "롤백은 5분 안에 끝납니다.",
                            "passage": "지어낸 구절", "type": "factoid"},
                           {"question": "", "answer": "빈 질문은 버린다"}]}
    fake = FakeChat(lambda messages: f"```json\n{json.dumps(reply, ensure_ascii=False)}\n```", model="gen-1")
    records = synth_llm.generate(POST, fake, per_post=2)
    call, = fake.calls
    assert call["json"] is True and call["max_tokens"] is None
    assert call["messages"][0]["content"] == synth_llm.SYSTEM and "Write 2 questions in Korean" in call["messages"][1]["content"]
    assert [(r.question, r.generator, r.post_id) for r in records] == [("롤백은 얼마나 걸리나요?", "llm:gen-1", "deploy")]
    assert records[0].passage == DEPLOY, "an invented passage is replaced by the post's own paragraph"
    assert synth_llm.generate(POST, FakeChat(lambda messages: "질문을 못 만들었습니다.")) == []


def test_a_long_post_is_summarised_piece_by_piece_then_merged(tmp_path):
    long = Post(id="long", title="긴 글", body="\n\n".join(f"{n}번째 문단은 배포 이야기를 길게 합니다. " * 6 for n in range(8)))
    asked: list[str] = []

    def reply(messages):
        asked.append(messages[1]["content"].splitlines()[0])
        return f"요약 {len(asked)}."

    fake = FakeChat(reply, model="sum-1")
    summary = summarise(long, fake, budget=60)
    assert len(asked) > 2 and asked[0] == f"Title: 긴 글 (part 1 of {len(asked) - 1})" and asked[-1] == "Title: 긴 글"
    assert summary == f"요약 {len(asked)}."
    assert all(c["json"] is False for c in fake.calls)
    merged = fake.calls[-1]["messages"][1]["content"]
    assert all(f"요약 {n}." in merged for n in range(1, len(asked)))

    path = tmp_path / "summaries.jsonl"
    fake.calls.clear()
    out, made = ensure_summaries([long, POST], fake, path, budget=60)
    assert made == 1 and set(out) == {"long"} and load_summaries(path)["long"]["model"] == "sum-1"
    calls = len(fake.calls)
    assert ensure_summaries([long], fake, path, budget=60) == (out, 0) and len(fake.calls) == calls


# ---- the OpenAI-compatible backend, over the loopback stub ------------------------------------

def test_json_mode_is_dropped_when_the_server_refuses_it(stub):
    stub.reset()
    stub.push(Reply.error(400, "response_format is not supported by this server"), Reply.of('{"questions": []}'))
    backend = api_backend(LLMSettings(base_url=stub.url, model=stub.model, timeout=10))
    assert backend.complete([{"role": "user", "content": "q"}], json=True) == '{"questions": []}'
    first, second = (r["json"] for r in stub.chat_requests)
    assert first["response_format"] == {"type": "json_object"} and "response_format" not in second
    assert not {"max_tokens", "max_completion_tokens"} & (set(first) | set(second)), "api_backend sets no limit"


def test_limit_switch_and_json_fallback_combine(stub):
    stub.reset()
    stub.push(Reply.error(400, "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead."),
              Reply.error(400, "response_format is not supported"), Reply.of("{}"))
    backend = OpenAIBackend(LLMSettings(base_url=stub.url, model=stub.model, timeout=10))
    assert backend.complete([{"role": "user", "content": "q"}], max_tokens=50, json=True) == "{}"
    bodies = [r["json"] for r in stub.chat_requests]
    assert len(bodies) == 3 and bodies[0]["max_tokens"] == 50 and bodies[1]["max_completion_tokens"] == 50
    assert "response_format" in bodies[1] and "response_format" not in bodies[2]
    assert bodies[2]["max_completion_tokens"] == 50 and "max_tokens" not in bodies[2]


def test_failures_are_classified_once_and_only_transient_ones_retried(stub, monkeypatch):
    monkeypatch.setattr(chat_backend, "BACKOFF_BASE", 0.01)
    backend = OpenAIBackend(LLMSettings(base_url=stub.url, model=stub.model, timeout=10, max_retries=1))
    ask = [{"role": "user", "content": "q"}]
    stub.reset()
    stub.push(Reply.error(503), Reply.error(503))
    with pytest.raises(LLMTransientError, match=r"failed \(503\) after 2 attempts"):
        backend.complete(ask)
    assert len(stub.chat_requests) == 2
    stub.reset()
    stub.push(Reply.error(429), Reply.of("네 [1]."))
    assert "".join(backend.stream(ask)) == "네 [1]." and len(stub.chat_requests) == 2
    stub.reset()
    stub.push(Reply.error(401))
    with pytest.raises(LLMError, match="rejected the API key") as caught:
        backend.complete(ask)
    assert not caught.value.retryable and len(stub.chat_requests) == 1


def test_synth_and_closed_book_need_an_openai_compatible_server():
    with pytest.raises(UsageError, match="no LLM configured"):
        api_backend(LLMSettings(model="m", gguf="/models/x.gguf"))
    with pytest.raises(UsageError, match="no LLM configured"):
        ask_closed_book("질문?", "ft:model", LLMSettings())

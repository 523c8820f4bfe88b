"""`blogqa chat`: a follow-up is rewritten with the history before retrieval."""
from __future__ import annotations

import io
import json

import pytest

from blogqa.answer import backend
from blogqa.answer.rewrite import REWRITE_SYSTEM, Conversation
from blogqa.cli import main
from blogqa.config import LLMSettings, Settings
from blogqa.answer.events import Final, Rewrite, Token
from openai_stub import Reply, tiny_blog_index

FIRST = "블로그QA 프로에는 어떤 기능이 있나요?"
FOLLOW = "그럼 가격은?"
STANDALONE = "블로그QA 프로의 가격은 얼마인가요?"


@pytest.fixture(autouse=True)
def fresh(stub, monkeypatch):
    stub.reset()
    monkeypatch.setattr(backend, "BACKOFF_BASE", 0.02)
    backend.get_backend.cache_clear()


def script(stub):
    """Rewrite requests get the standalone question; answer requests a cited answer."""
    def reply(body: dict) -> Reply:
        system = body["messages"][0]["content"]
        if system == REWRITE_SYSTEM:
            return Reply.of(f"Standalone question: {STANDALONE}")
        question = body["messages"][1]["content"].rstrip().splitlines()[-1]
        if "가격" in question:
            return Reply.of("블로그QA 프로는 월 29,000원입니다 [1].")
        return Reply.of("검색, 생성 답변, 출처 표시 기능이 있습니다 [1].")

    stub.default = Reply.call(reply)


def test_follow_up_is_rewritten_with_history_before_retrieval(tiny, stub):
    tiny = tiny.with_settings(Settings(llm=LLMSettings(base_url=stub.url, model=stub.model, timeout=10)))
    script(stub)
    chat = Conversation(tiny)
    first = chat.ask(FIRST)
    assert len(stub.chat_requests) == 1  # the first question is never rewritten
    assert first.sources and first.sources[0].title == "블로그QA 프로 요금제 출시"

    answer = chat.ask(FOLLOW)
    assert len(stub.chat_requests) == 3
    rewrite, final = stub.chat_requests[1]["json"], stub.chat_requests[2]["json"]
    # 1) the follow-up went to the model with the history, for rewriting
    assert rewrite["messages"][0]["content"] == REWRITE_SYSTEM
    convo = rewrite["messages"][1]["content"]
    assert FIRST in convo and "출처 표시 기능" in convo and convo.index(FIRST) < convo.index(FOLLOW)
    # 2) retrieval and the answer used the standalone question
    user = final["messages"][1]["content"]
    assert user.rstrip().endswith(STANDALONE) and FOLLOW not in user
    assert "<<<SOURCE 1>>>\ntitle: 블로그QA 프로 요금제 출시" in user and "29,000" in user
    assert answer.text == "블로그QA 프로는 월 29,000원입니다 [1]."
    assert answer.notes[0] == f"searched for: {STANDALONE}"
    assert [s.title for s in answer.sources] == ["블로그QA 프로 요금제 출시"]
    assert [q for q, _ in chat.history] == [FIRST, FOLLOW]

    chat.reset()
    stub.reset()
    script(stub)
    chat.ask(FOLLOW)
    assert len(stub.chat_requests) == 1  # no history, no rewrite


def test_streamed_chat_reports_the_rewrite_then_tokens(tiny, stub):
    tiny = tiny.with_settings(Settings(llm=LLMSettings(base_url=stub.url, model=stub.model, timeout=10)))
    script(stub)
    chat = Conversation(tiny)
    list(chat.ask_stream(FIRST))
    events = list(chat.ask_stream(FOLLOW))
    assert events[0] == Rewrite(STANDALONE)
    assert isinstance(events[-1], Final) and any(isinstance(e, Token) for e in events)
    assert stub.chat_requests[-1]["json"]["stream"] is True


def test_offline_chat_gives_a_follow_up_the_previous_questions_topic_words(tiny, stub):
    tiny = tiny.with_settings(Settings())
    chat = Conversation(tiny)
    chat.ask(FIRST)
    answer = chat.ask(FOLLOW)
    assert stub.chat_requests == []
    assert answer.notes[0] == f"searched for: {FOLLOW} qa 프로 기능"
    assert answer.sources and answer.sources[0].title == "블로그QA 프로 요금제 출시"


def test_cli_chat_reads_turns_from_stdin(stub, monkeypatch, capsys):
    script(stub)
    monkeypatch.setenv("BLOGQA_LLM_BASE_URL", stub.url)
    monkeypatch.setenv("BLOGQA_LLM_MODEL", stub.model)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{FIRST}\n{FOLLOW}\n/reset\n{FOLLOW}\n"))
    code = main(["chat", "--index", str(tiny_blog_index() / "idx"), "--json"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and len(out) == 3
    assert out[1]["question"] == FOLLOW and out[1]["rewritten"] == STANDALONE
    assert out[1]["answer"] == "블로그QA 프로는 월 29,000원입니다 [1]." and out[1]["sources"][0]["n"] == 1
    assert out[2]["rewritten"] == FOLLOW  # after /reset there is nothing to resolve against
    assert len(stub.chat_requests) == 4


def test_cli_chat_streams_text(stub, monkeypatch, capsys):
    script(stub)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{FIRST}\n{FOLLOW}\n"))
    code = main(["chat", "--index", str(tiny_blog_index() / "idx"), "--base-url", stub.url, "--model", stub.model])
    out = capsys.readouterr().out
    assert code == 0
    assert f"(searching for: {STANDALONE})" in out and "월 29,000원입니다 [1]." in out
    assert "[1] 블로그QA 프로 요금제 출시 (2024-05-10) https://blog.example.com/pro" in out

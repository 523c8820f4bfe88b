"""Follow-ups (issue 13, item 4): without an LLM a follow-up carries the earlier question's topic
words, not the whole question, and `/v1/chat/completions` rewrites the last message with the
conversation, as `blogqa chat` does — through the real `openai` client against a real server on
loopback, over the shared spoqa posts."""
from __future__ import annotations

import openai
import pytest

from blogqa.answer.rewrite import heuristic_rewrite, is_follow_up, topic_words
from blogqa.text.tokens import get_tokenizer
from server_util import serve

GEOFRONT = "_posts/2014-07-09-geofront.md"
FIRST = "스포카 개발팀이 SSH 키를 관리하려고 직접 만든 서비스가 뭐예요?"
FOLLOW = "그건 오픈 소스로 공개되어 있나요?"


@pytest.fixture(scope="module")
def kiwi():
    return get_tokenizer("kiwi")


def test_a_follow_up_carries_the_topic_words_not_the_whole_question(kiwi):
    rewritten = heuristic_rewrite(FOLLOW, [(FIRST, "Geofront입니다 [1].")], kiwi)
    assert rewritten.startswith(FOLLOW)
    carried = rewritten[len(FOLLOW):].split()
    assert {"ssh", "관리", "서비스"} <= set(carried)
    assert FIRST not in rewritten and not {"뭐", "직접", "만들"} & set(carried)  # question words stay behind


def test_a_question_that_stands_alone_is_left_alone(kiwi):
    alone = "Poetry로 파이썬 패키지 의존성을 추가하는 명령은 뭔가요?"
    assert not is_follow_up(alone, kiwi)
    assert heuristic_rewrite(alone, [(FIRST, "...")], kiwi) == alone
    assert heuristic_rewrite(FOLLOW, [], kiwi) == FOLLOW  # the first turn is never rewritten


@pytest.mark.parametrize("question", ["DB는 뭘 썼어요?", "그 전에는 뭘 썼었어요?", "How much faster did it get?",
                                      "거기 참가자 중에 몇 명이 이력서를 냈어요?"])
def test_references_and_questions_with_too_few_topic_words_are_follow_ups(kiwi, question):
    assert is_follow_up(question, kiwi)


def test_a_chain_of_follow_ups_reaches_back_to_the_question_that_stood_alone(kiwi):
    history = [("SQLAlchemy 연결 풀은 어떻게 동작하나요?", "..."), ("그럼 다 찼을 때는요?", "...")]
    rewritten = heuristic_rewrite("그건 몇 초예요?", history, kiwi)
    assert "sqlalchemy" in rewritten.split() and "연결" in rewritten.split()
    assert topic_words("그건 몇 초예요?", kiwi) == []


@pytest.fixture(scope="module")
def spoqa_live(spoqa_index):
    server = serve(spoqa_index[0].location)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(spoqa_live):
    return openai.OpenAI(base_url=spoqa_live.url + "/v1", api_key="anything", max_retries=0, timeout=120)


def _source_ids(completion) -> list[str]:
    return [s["post_id"] for s in completion.model_extra["sources"]]


@pytest.mark.slow
def test_a_v1_follow_up_cites_the_post_the_first_turn_was_about(client):
    first = client.chat.completions.create(model="blogqa", messages=[{"role": "user", "content": FIRST}])
    assert _source_ids(first)[0] == GEOFRONT and "rewritten" not in first.model_extra  # stood alone: not echoed
    alone = client.chat.completions.create(model="blogqa", messages=[{"role": "user", "content": FOLLOW}])
    assert GEOFRONT not in _source_ids(alone)  # the follow-up by itself does not say what "그건" is

    messages = [{"role": "user", "content": FIRST},
                {"role": "assistant", "content": first.choices[0].message.content},
                {"role": "user", "content": FOLLOW}]
    second = client.chat.completions.create(model="blogqa", messages=messages)
    assert not second.model_extra["abstained"] and _source_ids(second)[0] == GEOFRONT
    assert "[1]" in second.choices[0].message.content
    rewritten = second.model_extra["rewritten"]
    assert rewritten.startswith(FOLLOW) and "ssh" in rewritten.split() and FIRST not in rewritten

    stream = client.chat.completions.create(model="blogqa", messages=messages, stream=True)
    last = [chunk for chunk in stream][-1]
    assert last.model_extra["rewritten"] == rewritten and last.model_extra["sources"][0]["post_id"] == GEOFRONT

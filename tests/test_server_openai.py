"""The OpenAI-compatible endpoints, driven by the real `openai` client pointed at /v1."""
from __future__ import annotations

import re

import httpx
import openai
import pytest

from server_util import ONCALL_SENTENCE, ONCALL_TITLE

QUESTION = "결제 링크의 유효 기간은 얼마인가요?"


@pytest.fixture(scope="module")
def client(live):
    # no keys are configured: a loopback client passes whatever key it sends
    return openai.OpenAI(base_url=live.url + "/v1", api_key="anything", max_retries=0, timeout=60)


def test_models_lists_blogqa(client):
    ids = [m.id for m in client.models.list()]
    assert "blogqa" in ids and "blogqa-public" in ids


def test_chat_completion_answers_with_citations_and_links(client, live):
    completion = client.chat.completions.create(model="blogqa", messages=[
        {"role": "system", "content": "You answer from the blog."},
        {"role": "user", "content": QUESTION}])
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert "7일" in content and "[1]" in content
    links = re.findall(r"\]\((http[^)]+)\)", content)
    assert links and httpx.get(links[0]).status_code == 200
    assert completion.usage.total_tokens > 0
    assert completion.model_extra["sources"][0]["title"] == "결제 링크 기능 출시"


def test_chat_completion_streams(client):
    stream = client.chat.completions.create(model="blogqa", stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": QUESTION}])
    parts, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            parts.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    text = "".join(parts)
    assert "7일" in text and "[1]" in text and "Sources:" in text
    assert finish == "stop" and usage is not None and usage.completion_tokens > 0


def test_content_parts_are_read(client):
    completion = client.chat.completions.create(model="blogqa", messages=[
        {"role": "user", "content": [{"type": "text", "text": QUESTION}]}])
    assert "7일" in completion.choices[0].message.content


@pytest.mark.parametrize("stream", [False, True])
def test_public_model_never_shows_internal_posts(client, stream):
    for question in (ONCALL_TITLE, ONCALL_SENTENCE):
        if stream:
            text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
                model="blogqa-public", stream=True, messages=[{"role": "user", "content": question}]) if c.choices)
        else:
            text = client.chat.completions.create(model="blogqa-public", messages=[
                {"role": "user", "content": question}]).choices[0].message.content
        assert "grafana.internal.example" not in text and "온콜 대응 가이드" not in text


def test_unknown_model_is_a_not_found_error(client):
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "blogqa" in str(err.value)


def test_no_user_message_is_unprocessable(client):
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="blogqa", messages=[{"role": "system", "content": "hi"}])


@pytest.mark.parametrize("model", ["blogqa", "blogqa-public"])
@pytest.mark.parametrize("question, abstained", [(QUESTION, False), ("회사 주차장은 몇 층에 있나요?", True)])
def test_stream_last_chunk_carries_answer_id_abstained_and_sources(client, model, question, abstained):
    # docs/server.md: the extra fields come with the completion, and with the last chunk when streamed
    chunks = [c for c in client.chat.completions.create(model=model, stream=True,
                                                        messages=[{"role": "user", "content": question}])]
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert all("abstained" not in (c.model_extra or {}) for c in chunks[:-1])
    extra = last.model_extra
    assert extra["abstained"] is abstained
    assert extra["answer_id"] and last.id == f"chatcmpl-{extra['answer_id']}"
    assert (extra["sources"] == []) is abstained
    if not abstained:
        assert extra["sources"][0]["title"] == "결제 링크 기능 출시" and extra["sources"][0]["link"]


def test_stream_with_usage_last_chunk_still_carries_the_fields(client):
    # with include_usage the last chunk is the usage one (no choices): it carries the fields too
    chunks = list(client.chat.completions.create(model="blogqa", stream=True, stream_options={"include_usage": True},
                                                 messages=[{"role": "user", "content": QUESTION}]))
    last, finish = chunks[-1], chunks[-2]
    assert last.choices == [] and last.usage.completion_tokens > 0
    assert finish.choices[0].finish_reason == "stop"
    for chunk in (finish, last):
        extra = chunk.model_extra
        assert extra["abstained"] is False and last.id == f"chatcmpl-{extra['answer_id']}"
        assert extra["sources"][0]["title"] == "결제 링크 기능 출시"
    assert all("abstained" not in (c.model_extra or {}) for c in chunks[:-2])

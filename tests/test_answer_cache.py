"""The server's answer cache: a question asked again (any case, spacing or end punctuation) is
answered from the cache while the index is unchanged, every ask is still logged, a write to the
index by another process empties it, and LLM answers are never kept. The workers of one server
share their answers through one SQLite file."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from blogqa.answer.audience import CUSTOMER, INTERNAL
from blogqa.api import Index
from blogqa.config import Settings
from blogqa.events import open_events
from blogqa.models import Post
from blogqa.server.answer_cache import TRIM_EVERY, AnswerCache, SharedAnswers, question_key
from blogqa.server.service import Service

POSTS = [
    Post(id="pool", title="커넥션 풀 설정", body="SQLAlchemy 큐 풀은 연결이 다 차면 기본값으로 30초를 기다립니다.",
         date=dt.date(2024, 1, 5)),
    Post(id="retro", title="회고 방법", body="우리 팀은 스프린트가 끝날 때마다 KPT 방식으로 회고를 합니다.",
         date=dt.date(2024, 3, 2)),
]


def _service(tmp_path, settings: Settings | None = None, shared=None, create: bool = True):
    location = str(tmp_path / "idx")
    idx = Index(location, settings=settings, create=create)
    if create:
        idx.add_posts(POSTS, "test://cache", progress=False)
    svc = Service(idx, idx.settings, open_events(location), AnswerCache(shared=shared) if shared is not None else None)
    calls = []
    real_ask = idx.ask

    def counted(question, **kwargs):  # the real answerer, counted
        calls.append(question)
        return real_ask(question, **kwargs)

    idx.ask = counted
    return svc, calls, location


def test_a_repeated_question_is_answered_once_and_logged_each_time(tmp_path):
    svc, calls, _ = _service(tmp_path)
    first = svc.ask("커넥션 풀이 다 차면 몇 초를 기다리나요?", surface="api")
    again = svc.ask("  커넥션 풀이 다 차면   몇 초를 기다리나요 ", surface="api")
    assert calls == ["커넥션 풀이 다 차면 몇 초를 기다리나요?"] and len(svc.cache) == 1
    assert again.answer.text == first.answer.text and "30초" in first.answer.text
    assert again.answer.question == "  커넥션 풀이 다 차면   몇 초를 기다리나요 "  # as this asker wrote it
    assert again.answer_id != first.answer_id
    assert first.answer.hits[0].tokens and all(h.tokens is None for h in again.answer.hits)  # kept lean
    assert [h.chunk_id for h in again.answer.hits] == [h.chunk_id for h in first.answer.hits]
    assert len(svc.events.questions()) == 2
    public = svc.ask("커넥션 풀이 다 차면 몇 초를 기다리나요?", surface="public", audience=CUSTOMER)
    assert len(calls) == 2 and public.answer.sources  # the public surface is its own entry


def test_other_options_or_another_day_are_other_entries(tmp_path):
    svc, calls, _ = _service(tmp_path)
    svc.ask("회고는 어떻게 하나요?", surface="api", k=3)
    svc.ask("회고는 어떻게 하나요?", surface="api", k=5)
    svc.ask("회고는 어떻게 하나요?", surface="api", k=5, today=dt.date(2025, 1, 1))
    svc.ask("회고는 어떻게 하나요?", surface="api", k=5, today=dt.date(2025, 1, 1))
    assert len(calls) == 3


def test_a_write_by_another_process_empties_the_cache(tmp_path):
    svc, calls, location = _service(tmp_path)
    before = svc.ask("회고는 어떻게 하나요?", surface="api")
    writer = Index(location)  # as `blogqa ingest` in another process would
    changed = replace(POSTS[1], body="이제 우리 팀은 매달 4L 방식으로 회고를 합니다.")
    writer.add_posts([POSTS[0], changed], "test://cache", progress=False)
    after = svc.ask("회고는 어떻게 하나요?", surface="api")
    assert len(calls) == 2 and "4L" in after.answer.text and "4L" not in before.answer.text


def test_hits_are_shaped_once_per_index_generation(tmp_path):
    """A repeated answer's hits (snippets marked by Kiwi) come from the hit JSON kept for the
    generation; another process's write to a post shows in the next answer's hits."""
    svc, _, location = _service(tmp_path)
    question = "회고는 어떻게 하나요?"
    first = svc.answer_json(svc.ask(question, surface="api"), "http://h")
    shaped = []
    real = svc._shape_hit
    svc._shape_hit = lambda *args: shaped.append(args[0].post.id) or real(*args)
    again = svc.answer_json(svc.ask(question, surface="api"), "http://h")
    assert shaped == [] and again["hits"] == first["hits"] and again["hits"][0]["snippet_parts"]
    writer = Index(location)
    retitled = replace(POSTS[1], title="스프린트 회고 방법")
    writer.add_posts([POSTS[0], retitled], "test://cache", progress=False)
    after = svc.answer_json(svc.ask(question, surface="api"), "http://h")
    assert "retro" in shaped and after["hits"][0]["title"] == "스프린트 회고 방법"


def test_llm_answers_are_never_kept(tmp_path):
    settings = Settings(llm=replace(Settings().llm, base_url="http://127.0.0.1:9/v1", model="m"))
    svc, _, _ = _service(tmp_path, settings)
    assert svc._cache_key("회고는?", INTERNAL, {}) is None  # an LLM is configured: answers may differ
    assert svc._cache_key("회고는?", INTERNAL, {"llm": False}) is not None  # extractive, asked for
    assert svc._cache_key("회고는?", INTERNAL, {"llm": True}) is None


def test_the_cache_keeps_the_most_recent_answers():
    cache = AnswerCache(size=2)
    for q in ["a", "b", "c"]:
        cache.put(AnswerCache.key(q, False, {}), _answer(q))
    assert len(cache) == 2 and cache.get(AnswerCache.key("a", False, {}), "a") is None
    assert cache.get(AnswerCache.key("C", False, {}), "C").text == "answer to c"
    assert question_key("  Hello  World?! ") == question_key("hello world") == "hello world"


def _answer(q: str):
    from blogqa.models import Answer

    return Answer(q, f"answer to {q}", False)


def test_workers_share_answers_and_none_outlives_a_change_of_the_index(tmp_path):
    """Two services over one index and one shared file, as two workers of `serve --workers 2`."""
    first, first_calls, location = _service(tmp_path, shared=SharedAnswers(tmp_path / "answers.sqlite"))
    second, second_calls, _ = _service(tmp_path, shared=SharedAnswers(tmp_path / "answers.sqlite"), create=False)
    asked = first.ask("회고는 어떻게 하나요?", surface="api")
    again = second.ask("회고는 어떻게 하나요", surface="api")
    assert first_calls == ["회고는 어떻게 하나요?"] and second_calls == []
    assert again.answer.text == asked.answer.text and "KPT" in again.answer.text
    assert again.answer.question == "회고는 어떻게 하나요" and len(second.cache) == 1  # now in its memory too
    assert [h.chunk_id for h in again.answer.hits] == [h.chunk_id for h in asked.answer.hits]

    writer = Index(location)  # `blogqa ingest` in another process
    writer.add_posts([POSTS[0], replace(POSTS[1], body="이제 우리 팀은 매달 4L 방식으로 회고를 합니다.")],
                     "test://cache", progress=False)
    changed = second.ask("회고는 어떻게 하나요?", surface="api")
    assert len(second_calls) == 1 and "4L" in changed.answer.text
    assert "4L" in first.ask("회고는 어떻게 하나요?", surface="api").answer.text
    assert len(first_calls) == 1  # the answer the other worker wrote for the new generation


def test_the_shared_file_keeps_the_most_recent_answers(tmp_path):
    shared = SharedAnswers(tmp_path / "answers.sqlite", size=2)
    for n in range(TRIM_EVERY):
        shared.put(AnswerCache.key(f"q{n}", False, {}), _answer(f"q{n}"))
    assert shared.count() == 2
    assert shared.get(AnswerCache.key("q0", False, {})) is None
    assert shared.get(AnswerCache.key(f"q{TRIM_EVERY - 1}", False, {})).text == f"answer to q{TRIM_EVERY - 1}"


def test_a_shared_file_that_cannot_be_opened_only_costs_the_sharing(tmp_path, caplog):
    (tmp_path / "not-a-db").mkdir()
    svc, calls, _ = _service(tmp_path, shared=SharedAnswers(tmp_path / "not-a-db"))
    first = svc.ask("회고는 어떻게 하나요?", surface="api")
    again = svc.ask("회고는 어떻게 하나요?", surface="api")
    assert len(calls) == 1 and again.answer.text == first.answer.text  # still kept in memory
    warned = [r.getMessage() for r in caplog.records if "shared answer cache" in r.getMessage()]
    assert len(warned) == 1 and "not-a-db" in warned[0]

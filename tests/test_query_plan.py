"""The query plan (retrieve/query.py): what a question asks the retrievers for, decided before ranking,
and a Searcher that ranks a plan exactly as it ranks the question."""
from __future__ import annotations

import datetime as dt

import pytest

from blogqa.models import Filters, Post
from blogqa.retrieve.query import GENERIC, QUERY_CHARS, plan, topic_tokens
from blogqa.text.tokens import get_tokenizer

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def kiwi():
    return get_tokenizer("kiwi")


def test_a_date_range_is_merged_into_the_filters_with_the_callers_filters_as_fallback(kiwi):
    mine = Filters(tags=["infra"])
    p = plan("2023년에 올라온 배포 자동화 글", TODAY, kiwi, mine)
    assert (p.filters.since, p.filters.until) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert p.filters.tags == ["infra"] and p.fallback is mine
    assert "2023" not in p.lexical and {"배포", "자동"} <= set(p.lexical)
    assert p.dense == "배포 자동화" and p.order is None and p.intent.since == dt.date(2023, 1, 1)


def test_a_question_without_time_words_plans_its_own_words(kiwi):
    mine = Filters()
    p = plan("쿠버네티스 배포는 어떻게 하나요?", TODAY, kiwi, mine)
    assert p.intent is None and p.order is None and p.fallback is None and p.filters is mine
    assert p.dense == "쿠버네티스 배포는 어떻게 하나요?"
    assert p.lexical == kiwi.tokens(p.dense)
    assert "어떻" in p.lexical and "어떻" not in p.topic_tokens  # question words name no topic
    assert {"kubernetes", "배포"} <= set(p.nouns) <= set(p.lexical)  # loanwords read as their Latin word


def test_a_recency_question_orders_by_date_on_its_topic_words(kiwi):
    p = plan("가장 최근에 올라온 파이콘 관련 글은 뭐예요?", TODAY, kiwi)
    assert p.order == "newest" and not p.use_updated and p.fallback is None
    assert "pycon" in p.topic_tokens and not set(p.topic_tokens) & GENERIC
    updated = plan("가장 최근에 업데이트된 쿠버네티스 글", TODAY, kiwi)
    assert updated.order == "newest" and updated.use_updated


def test_temporal_off_reads_time_words_as_words(kiwi):
    p = plan("최근 배포 관련 글", TODAY, kiwi, temporal=False)
    assert p.intent is None and p.order is None and "최근" in p.lexical


def test_work_per_question_is_bounded(kiwi):
    words = get_tokenizer("words")
    long = "배포 " * QUERY_CHARS
    p = plan(long, TODAY, words)
    assert p.query == long and len(p.dense) == QUERY_CHARS and len(p.lexical) == QUERY_CHARS // 3 + 1
    assert p.nouns == ["배포"]  # a tokenizer without parts of speech: every non-number is a topic word


def test_topic_tokens_keep_numbers_and_drop_question_words_and_single_letters():
    assert topic_tokens(["배포", "어떻", "k", "8", "배포", "docker"]) == ["배포", "8", "docker"]


def test_a_searcher_ranks_a_plan_as_it_ranks_the_question(tmp_path):
    from blogqa.api import Index

    idx = Index(str(tmp_path / "idx"), create=True)
    posts = [Post(id=f"p{i}", title=title, body=body, date=date) for i, (title, body, date) in enumerate([
        ("배포 자동화 2022", "배포 자동화를 젠킨스로 처음 만들었습니다.", dt.date(2022, 3, 1)),
        ("배포 자동화 2024", "배포 자동화를 깃허브 액션으로 옮겼습니다.", dt.date(2024, 5, 1)),
        ("회고", "한 해를 돌아보는 회고입니다.", dt.date(2023, 7, 1)),
    ])]
    idx.add_posts(posts, "test://plan", progress=False)
    searcher = idx.searcher
    for question in ["가장 최근 배포 자동화 글", "2022년에 올라온 배포 자동화 글", "회고는 어떻게 하나요?"]:
        p = searcher.plan(question, today=TODAY)
        by_plan, by_question = searcher.rank(p, k=3), searcher.search(question, k=3, today=TODAY)
        assert [h.post.id for h in by_plan.hits] == [h.post.id for h in by_question.hits]
        assert by_plan.signals == by_question.signals and by_plan.intent == by_question.intent
    newest = searcher.search("가장 최근 배포 자동화 글", k=2, today=TODAY)
    assert [h.post.id for h in newest.hits] == ["p1", "p0"]
    assert newest.best_dense == newest.signals.best_dense > 0 and newest.top_lexical_post in {"p0", "p1"}
    in_2022 = searcher.search("2022년에 올라온 배포 자동화 글", k=3, today=TODAY)
    assert [h.post.id for h in in_2022.hits] == ["p0"] and not in_2022.notes
    nothing_then = searcher.search("2019년에 올라온 배포 자동화 글", k=3, today=TODAY)
    assert nothing_then.hits and nothing_then.notes  # no post of 2019: all dates, with a note


def test_a_date_ordered_question_about_mentions_says_so(kiwi):
    assert plan("서킷브레이커 얘기가 나오는 글 중에 가장 최신 포스팅은 뭐야?", TODAY, kiwi).mentions
    assert plan("ksqlDB가 처음 등장한 글", TODAY, kiwi).mentions
    assert plan("Which is the latest post that mentions Flink?", TODAY, kiwi).mentions
    assert not plan("가장 최근에 올라온 파이콘 관련 글은 뭐예요?", TODAY, kiwi).mentions
    assert not plan("서킷브레이커 얘기가 나오는 글", TODAY, kiwi).mentions  # no date order: nothing to change

"""Temporal intent parser: exact since/until/order/about_updates/cleaned for Korean and English
questions, non-temporal look-alikes, and a KorQuAD safety check (factual questions get no filter)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from blogqa.models import Filters
from blogqa.retrieve.temporal import TemporalIntent, parse_temporal
from blogqa.retrieve.temporal_calendar import add_months, period

TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date
KORQUAD = Path(__file__).resolve().parents[2] / "shared/data/korquad/KorQuAD_v1.0_dev.json"

# (question, order, since, until, about_updates, cleaned)
TEMPORAL = [
    # --- recency / oldest (Korean)
    ("최근 배포 관련 글", "newest", None, None, False, "배포 관련 글"),
    ("최신 쿠버네티스 운영 가이드", "newest", None, None, False, "쿠버네티스 운영 가이드"),
    ("요즘 쿠버네티스 운영 방식", "newest", None, None, False, "쿠버네티스 운영 방식"),
    ("가장 최근에 업데이트된 쿠버네티스 글", "newest", None, None, True, "쿠버네티스 글"),
    ("최근에 업데이트된 가이드", "newest", None, None, True, "가이드"),
    ("근래에 쓴 캐시 글", "newest", None, None, False, "쓴 캐시 글"),
    ("새로 올라온 글", "newest", None, None, False, "올라온 글"),
    ("마지막으로 올라온 배포 글", "newest", None, None, False, "올라온 배포 글"),
    ("가장 오래된 글", "oldest", None, None, False, "글"),
    ("제일 처음 쓴 글은?", "oldest", None, None, False, "쓴 글은?"),
    ("최초의 포스트", "oldest", None, None, False, "포스트"),
    ("Redis에 대한 첫 글", "oldest", None, None, False, "Redis에 대한 글"),
    ("처음으로 카프카를 다룬 블로그 글", "oldest", None, None, False, "카프카를 다룬 블로그 글"),
    # --- recency / oldest (English)
    ("latest posts about kafka", "newest", None, None, False, "posts about kafka"),
    ("most recent article on Redis", "newest", None, None, False, "article on Redis"),
    ("recently updated posts on kafka", "newest", None, None, True, "posts on kafka"),
    ("the last post about kafka", "newest", None, None, False, "the post about kafka"),
    ("when did they first write about kafka", "oldest", None, None, False, "when did they write about kafka"),
    ("the first post about redis", "oldest", None, None, False, "the post about redis"),
    ("What's the earliest article about Rust?", "oldest", None, None, False, "What's the article about Rust?"),
    ("oldest post on redis", "oldest", None, None, False, "post on redis"),
    # --- absolute dates and ranges (Korean, with blog context)
    ("2023년 블로그 글", None, D(2023, 1, 1), D(2023, 12, 31), False, "블로그 글"),
    ("2023년 6월에 올라온 글", None, D(2023, 6, 1), D(2023, 6, 30), False, "올라온 글"),
    ("2023년 6월 13일 글", None, D(2023, 6, 13), D(2023, 6, 13), False, "글"),
    ("23년 하반기 블로그 글", None, D(2023, 7, 1), D(2023, 12, 31), False, "블로그 글"),
    ("2023년 상반기 포스트", None, D(2023, 1, 1), D(2023, 6, 30), False, "포스트"),
    ("2022년 3분기 블로그", None, D(2022, 7, 1), D(2022, 9, 30), False, "블로그"),
    ("2023년 초 글", None, D(2023, 1, 1), D(2023, 3, 31), False, "글"),
    ("2023년 말에 쓴 글", None, D(2023, 10, 1), D(2023, 12, 31), False, "쓴 글"),
    ("'23년 글", None, D(2023, 1, 1), D(2023, 12, 31), False, "글"),
    ("2023-06 글", None, D(2023, 6, 1), D(2023, 6, 30), False, "글"),
    ("2023-06-13에 올라온 글", None, D(2023, 6, 13), D(2023, 6, 13), False, "올라온 글"),
    ("2023.06 포스트", None, D(2023, 6, 1), D(2023, 6, 30), False, "포스트"),
    ("2019~2021년 글", None, D(2019, 1, 1), D(2021, 12, 31), False, "글"),
    ("2019년부터 2021년까지 쓴 글", None, D(2019, 1, 1), D(2021, 12, 31), False, "쓴 글"),
    ("2023년 3월~6월 글", None, D(2023, 3, 1), D(2023, 6, 30), False, "글"),
    ("2020년 이후 글", None, D(2020, 1, 1), None, False, "글"),
    ("2019년부터 글", None, D(2019, 1, 1), None, False, "글"),
    ("2020년 이전 글", None, None, D(2019, 12, 31), False, "글"),
    ("2020년 전에 쓴 글", None, None, D(2019, 12, 31), False, "쓴 글"),
    ("2023년 6월까지의 글", None, None, D(2023, 6, 30), False, "글"),
    ("2023년에 수정된 글", None, D(2023, 1, 1), D(2023, 12, 31), True, "수정된 글"),
    ("2023년 최신 글", "newest", D(2023, 1, 1), D(2023, 12, 31), False, "글"),
    ("2023년에 발표한 우리 팀 로드맵", None, D(2023, 1, 1), D(2023, 12, 31), False, "발표한 우리 팀 로드맵"),
    ("1999년 글", None, D(1999, 1, 1), D(1999, 12, 31), False, "글"),
    ("6월 글", None, D(2026, 6, 1), D(2026, 6, 30), False, "글"),
    ("12월 글", None, D(2025, 12, 1), D(2025, 12, 31), False, "글"),  # Dec 2026 is ahead
    ("상반기 글", None, D(2026, 1, 1), D(2026, 6, 30), False, "글"),
    ("1분기 실적 글", None, D(2026, 1, 1), D(2026, 3, 31), False, "실적 글"),
    # --- absolute dates (English)
    ("posts about kafka since 2020", None, D(2020, 1, 1), None, False, "posts about kafka"),
    ("before 2020 posts", None, None, D(2019, 12, 31), False, "posts"),
    ("posts after 2020", None, D(2021, 1, 1), None, False, "posts"),
    ("in 2023 blog", None, D(2023, 1, 1), D(2023, 12, 31), False, "blog"),
    ("2023 posts", None, D(2023, 1, 1), D(2023, 12, 31), False, "posts"),
    ("June 2023 posts", None, D(2023, 6, 1), D(2023, 6, 30), False, "posts"),
    ("Jun 2023 posts", None, D(2023, 6, 1), D(2023, 6, 30), False, "posts"),
    ("Q3 2022 posts", None, D(2022, 7, 1), D(2022, 9, 30), False, "posts"),
    ("2022 Q3 articles", None, D(2022, 7, 1), D(2022, 9, 30), False, "articles"),
    ("H1 2023 posts", None, D(2023, 1, 1), D(2023, 6, 30), False, "posts"),
    ("from 2019 to 2021 posts", None, D(2019, 1, 1), D(2021, 12, 31), False, "posts"),
    ("between 2019 and 2021 posts", None, D(2019, 1, 1), D(2021, 12, 31), False, "posts"),
    ("during 2022, what did we publish", None, D(2022, 1, 1), D(2022, 12, 31), False, "what did we publish"),
    # --- relative to today (Korean)
    ("작년에 올라온 배포 글", None, D(2025, 1, 1), D(2025, 12, 31), False, "올라온 배포 글"),
    ("작년 쿠버네티스 장애", None, D(2025, 1, 1), D(2025, 12, 31), False, "쿠버네티스 장애"),
    ("재작년 글", None, D(2024, 1, 1), D(2024, 12, 31), False, "글"),
    ("올해 올라온 글", None, D(2026, 1, 1), D(2026, 12, 31), False, "올라온 글"),
    ("작년 하반기 장애", None, D(2025, 7, 1), D(2025, 12, 31), False, "장애"),
    ("작년 12월 글", None, D(2025, 12, 1), D(2025, 12, 31), False, "글"),
    ("작년부터 올해까지 글", None, D(2025, 1, 1), D(2026, 12, 31), False, "글"),
    ("이번 달 글", None, D(2026, 11, 1), D(2026, 11, 30), False, "글"),
    ("지난달 배포 회고", None, D(2026, 10, 1), D(2026, 10, 31), False, "배포 회고"),
    ("지난 달에 바뀐 것", None, D(2026, 10, 1), D(2026, 10, 31), False, "바뀐 것"),
    ("지난 분기 글", None, D(2026, 7, 1), D(2026, 9, 30), False, "글"),
    ("이번 분기 목표", None, D(2026, 10, 1), D(2026, 12, 31), False, "목표"),
    ("지난주 장애", None, D(2026, 11, 16), D(2026, 11, 22), False, "장애"),
    ("이번 주 글", None, D(2026, 11, 23), D(2026, 11, 29), False, "글"),
    ("어제 올라온 글", None, D(2026, 11, 24), D(2026, 11, 24), False, "올라온 글"),
    ("오늘 올라온 글", None, D(2026, 11, 25), D(2026, 11, 25), False, "올라온 글"),
    ("최근 3개월 장애 회고", None, D(2026, 8, 25), D(2026, 11, 25), False, "장애 회고"),
    ("지난 6개월간 배포", None, D(2026, 5, 25), D(2026, 11, 25), False, "배포"),
    ("최근 일주일 글", None, D(2026, 11, 18), D(2026, 11, 25), False, "글"),
    ("3개월 전 글", None, D(2026, 8, 1), D(2026, 11, 25), False, "글"),
    ("한 달 전 글", None, D(2026, 10, 1), D(2026, 11, 25), False, "글"),
    ("블로그에 2년 전 올라온 글", None, D(2024, 1, 1), D(2026, 11, 25), False, "블로그에 올라온 글"),
    # --- relative to today (English)
    ("last year kafka", None, D(2025, 1, 1), D(2025, 12, 31), False, "kafka"),
    ("posts from this year", None, D(2026, 1, 1), D(2026, 12, 31), False, "posts"),
    ("this month", None, D(2026, 11, 1), D(2026, 11, 30), False, ""),
    ("last month posts", None, D(2026, 10, 1), D(2026, 10, 31), False, "posts"),
    ("last quarter releases", None, D(2026, 7, 1), D(2026, 9, 30), False, "releases"),
    ("last 6 months posts", None, D(2026, 5, 25), D(2026, 11, 25), False, "posts"),
    ("in the past 2 years", None, D(2024, 11, 25), D(2026, 11, 25), False, ""),
    ("posts since last year", None, D(2025, 1, 1), None, False, "posts"),
    ("yesterday posts", None, D(2026, 11, 24), D(2026, 11, 24), False, "posts"),
    ("posts published today", None, D(2026, 11, 25), D(2026, 11, 25), False, "posts published"),
    ("3 months ago we wrote about kafka", None, D(2026, 8, 1), D(2026, 11, 25), False, "we wrote about kafka"),
]

NOT_TEMPORAL = [
    "최근접 이웃 탐색", "최근접 이웃 탐색 알고리즘 글", "2048 게임", "1000년", "3000 포트 설정", "HTTP 2.0",
    "iOS 17", "Python 3.11 설치", "ES2015 문법", "RFC 2616", "RFC 2616 posts", "24시간 모니터링",
    "5년차 개발자", "23년 동안 근무", "최초의 컴퓨터는?", "처음부터 끝까지 배포 글",
    "새로 추가된 기능", "kafka 설정 변경 방법", "올해의 책", "오늘날 쓰이는 기술",
    "1989년 6월 30일에 일어난 일은?", "1950년에 발발한 전쟁은?", "2002년 월드컵 개최국은?",
    "2016 디렉터스 컷 어워즈에서 올해 수상자로 남자주연상을 받은 배우는?",
    "40년 전 오스카의 번식이 처음으로 성공한 곳은?", "라이언이 잭이 2년 전 태어난 곳이라고 밝힌 곳은?",
    "2023년 6월 13일에 일어난 장애 글", "지난 30년간 글", "한국에서 가장 오래된 아파트는?",
    "글로벌 2023년 시장", "우리나라 최초의 컴퓨터는 2020년에", "코레히도르 요새 점령",
    "창단 첫 포스트시즌을 맞은 팀은?", "Who won the World Cup in 2002?", "what's new today",
    "at last", "last but not least", "First, how do I deploy?", "First, list the posts",
    "first-class functions in posts", "the first step to deploy kafka", "2023년 2월 30일 글",
]


@pytest.mark.parametrize("question,order,since,until,updates,cleaned", TEMPORAL)
def test_temporal(question, order, since, until, updates, cleaned):
    intent = parse_temporal(question, TODAY)
    assert (intent.order, intent.since, intent.until, intent.about_updates, intent.cleaned) == (
        order, since, until, updates, cleaned)
    assert not intent.is_empty and intent.expressions
    for expr in intent.expressions:
        assert expr in question


@pytest.mark.parametrize("question", NOT_TEMPORAL)
def test_not_temporal(question):
    intent = parse_temporal(question, TODAY)
    assert intent.is_empty, (intent.order, intent.since, intent.until, intent.expressions)
    assert intent == TemporalIntent(cleaned=question)


@pytest.mark.parametrize("question,expressions", [
    ("작년에 올라온 배포 글", ["작년에"]),
    ("가장 최근에 업데이트된 쿠버네티스 글", ["가장 최근에 업데이트된"]),
    ("2019년부터 2021년까지 쓴 글", ["2019년부터 2021년까지"]),
    ("2023년 최신 글", ["2023년", "최신"]),
    ("posts about kafka since 2020", ["since 2020"]),
    ("between 2019 and 2021 posts", ["between 2019 and 2021"]),
    ("최근 3개월 장애 회고", ["최근 3개월"]),
])
def test_expressions_are_the_used_substrings(question, expressions):
    assert parse_temporal(question, TODAY).expressions == expressions


def test_range_and_recency_do_not_mix():
    """"최근 3개월" is a filter, not a recency sort; a separate 최신 adds the sort."""
    assert parse_temporal("최근 3개월 글", TODAY).order is None
    assert parse_temporal("최근 3개월 최신 글", TODAY).order == "newest"


def test_conflicting_orders_strong_wins():
    intent = parse_temporal("처음 쓴 글 말고 최근 글", TODAY)
    assert intent.order == "newest" and intent.expressions == ["최근"]
    assert intent.cleaned == "처음 쓴 글 말고 글"


def test_open_bounds_narrow_a_range():
    intent = parse_temporal("2020년 이후 2022년 이전 글", TODAY)
    assert (intent.since, intent.until) == (D(2020, 1, 1), D(2021, 12, 31))


def test_to_filters():
    f = parse_temporal("2023년에 업데이트된 글", TODAY).to_filters()
    assert f == Filters(since=D(2023, 1, 1), until=D(2023, 12, 31), use_updated=True, keep_undated=True)
    assert parse_temporal("배포 글", TODAY).to_filters() == Filters(keep_undated=True)


def test_intent_is_frozen():
    with pytest.raises(FrozenInstanceError):
        parse_temporal("최근 글", TODAY).order = "oldest"


def test_calendar_helpers():
    assert add_months(D(2026, 5, 31), -3) == D(2026, 2, 28)
    assert period(D(2026, 1, 15), "month", -1) == (D(2025, 12, 1), D(2025, 12, 31))
    assert period(D(2026, 2, 10), "quarter", -1) == (D(2025, 10, 1), D(2025, 12, 31))
    assert period(TODAY, "week", 0) == (D(2026, 11, 23), D(2026, 11, 29))


@pytest.mark.skipif(not KORQUAD.exists(), reason="KorQuAD dev set not available")
def test_korquad_questions_get_no_date_filter():
    data = json.loads(KORQUAD.read_text(encoding="utf-8"))
    questions = [qa["question"] for art in data["data"] for p in art["paragraphs"] for qa in p["qas"]]
    assert len(questions) == 5774
    intents = [(q, parse_temporal(q, TODAY)) for q in questions]
    filtered = [(q, i.since, i.until, i.expressions) for q, i in intents if i.since or i.until]
    ordered = [(q, i.order, i.expressions) for q, i in intents if i.order]
    for row in filtered:
        print("FILTER", *row)
    for row in ordered:
        print("ORDER", *row)
    assert len(filtered) < len(questions) * 0.01
    assert filtered == []  # currently 0; only strong recency words (최근, 최신) give an order
    assert len(ordered) <= len(questions) * 0.005  # 9 of 5,774 today


def test_a_tag_says_what_a_post_is_about_as_its_title_does():
    """"통계학 주제로 가장 최근에 올라온 글은?" (dable): the newest post tagged 통계학 ranks fourth and its
    title ("Bayes Theorem") lacks the word; a newer post that mentions it in passing stays behind."""
    from blogqa.models import Hit, Post
    from blogqa.retrieve.search import order_by_date

    def hit(title, year, tags, score):
        return Hit(Post(title, title, "", date=dt.date(year, 1, 1), tags=tags), score, "", 0)

    hits = [hit("회귀 분석 정리", 2021, ["통계학"], 1.0), hit("선형대수 정리", 2020, ["수학"], 0.95),
            hit("팀 회식 후기", 2024, [], 0.7), hit("Bayes Theorem", 2023, ["수학", "통계학"], 0.6)]
    ordered = order_by_date(hits, newest=True, title_tokens=str.split, topic={"통계학"})
    assert [h.post.title for h in ordered] == ["Bayes Theorem", "회귀 분석 정리", "선형대수 정리", "팀 회식 후기"]
    untagged = [hit(h.post.title, h.post.date.year, [], h.score) for h in hits]
    ordered = order_by_date(untagged, newest=True, title_tokens=str.split, topic={"통계학"})
    assert ordered[0].post.title == "회귀 분석 정리"  # without tags, only the two best and titled posts are about it


def test_a_word_in_most_candidates_labels_says_nothing_of_what_one_is_about():
    """"쏘카 PM이 직접 쓴 글 중에서 가장 최근 글은?" (socar): "쏘카" is in most titles, so a newer post
    titled "쏘카의 웹 팀에 관하여" is not about PMs; the PM posts go in date order."""
    from blogqa.models import Hit, Post
    from blogqa.retrieve.search import order_by_date

    def hit(title, year, score):
        return Hit(Post(title, title, "", date=dt.date(year, 1, 1)), score, "", 0)

    hits = [hit("주니어 PM 의 고객 발굴", 2022, 1.0), hit("쏘카 PM 의 퍼널 개선기", 2021, 0.7),
            hit("쏘카 의 웹 팀", 2024, 0.6), hit("쏘카 QA 는 무슨 일을", 2023, 0.55), hit("쏘카 데이터 회고", 2020, 0.5)]
    ordered = order_by_date(hits, newest=True, title_tokens=str.split, topic={"쏘카", "pm", "PM"})
    assert [h.post.title for h in ordered][:2] == ["주니어 PM 의 고객 발굴", "쏘카 PM 의 퍼널 개선기"]
    few = [hit("주니어 PM 의 고객 발굴", 2022, 1.0), hit("쏘카 PM 의 퍼널 개선기", 2021, 0.7), hit("쏘카 의 웹 팀", 2024, 0.6),
           hit("디자인 시스템", 2023, 0.55), hit("데이터 회고", 2020, 0.5)]
    ordered = order_by_date(few, newest=True, title_tokens=str.split, topic={"쏘카", "pm", "PM"})
    assert ordered[0].post.title == "쏘카 의 웹 팀"  # in 2 of 5 labels, the name still counts


def test_a_question_about_mentions_takes_any_close_post_holding_the_words():
    """"서킷브레이커 얘기가 나오는 글 중에 가장 최신 포스팅은?" (saramin): the newest post that mentions it is
    an API gateway post whose title and tags lack it; a newer post without the word stays behind."""
    from blogqa.models import Hit, Post
    from blogqa.retrieve.search import order_by_date

    def hit(title, year, score, words):
        return Hit(Post(title, title, "", date=dt.date(year, 1, 1)), score, "", 0, tokens=frozenset(words))

    hits = [hit("서킷브레이커 패턴 구현", 2020, 0.85, {"서킷브레이커", "php"}), hit("장애대응 후일담", 2019, 0.8, {"서킷브레이커"}),
            hit("코드리뷰", 2023, 0.6, {"리뷰"}), hit("API GATEWAY 구축기", 2022, 0.53, {"서킷브레이커", "gateway"})]
    topic = {"서킷브레이커", "얘기", "나오"}
    ordered = order_by_date(hits, newest=True, title_tokens=str.split, topic=topic, mentions=True)
    assert [h.post.title for h in ordered] == ["API GATEWAY 구축기", "서킷브레이커 패턴 구현", "장애대응 후일담", "코드리뷰"]
    about = order_by_date(hits, newest=True, title_tokens=str.split, topic=topic)
    assert about[0].post.title == "서킷브레이커 패턴 구현"  # asked for posts about it: titled or the two best

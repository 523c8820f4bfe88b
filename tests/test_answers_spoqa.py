"""Offline answers over the real spoqa posts: the cases the answers issue lists, asked as a user would."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from blogqa.answer.email import questions_in
from blogqa.errors import UsageError
from blogqa.evaluate.answer_checks import misattributed

TODAY = dt.date(2020, 1, 15)


@pytest.fixture(scope="module")
def idx(spoqa_index):
    return spoqa_index[0]


def ask(idx, question):
    answer = idx.ask(question, llm=False, today=TODAY)
    bodies = {s.n: idx.store.get_post(s.post_id).body for s in answer.sources}
    assert misattributed(answer.text, bodies, {s.n: s.title for s in answer.sources}) == 0, answer.text
    return answer


@pytest.mark.slow
def test_the_value_asked_for_is_quoted(idx):
    answer = ask(idx, "SQLAlchemy 큐 풀에서 연결이 다 찼을 때 기본으로 몇 초를 기다리나요?")
    assert not answer.abstained and "30" in answer.text and "Poetry" not in answer.text
    assert answer.sources[0].title == "SQLAlchemy의 연결 풀링 이해하기" and len(answer.sources) == 1


@pytest.mark.slow
@pytest.mark.parametrize("question", ["해커톤은 언제 열렸나요?", "스포카 해커톤은 언제 열렸나요?"])
def test_a_when_question_gets_the_date_with_or_without_the_company_name(idx, question):
    answer = ask(idx, question)
    assert "2019-05-29" in answer.text and "5월 18일" in answer.text


@pytest.mark.slow
def test_a_recency_answer_quotes_only_the_post_its_lead_names(idx):
    answer = ask(idx, "가장 최근에 올라온 파이콘 관련 글은 뭐예요?")
    assert len(answer.sources) == 1 and answer.sources[0].date == dt.date(2019, 8, 30)
    assert answer.text.startswith("2019-08-30에 올라온 글")
    assert answer.related and all(r.post_id != answer.sources[0].post_id for r in answer.related)


@pytest.mark.slow
def test_a_hard_wrapped_paragraph_is_quoted_as_whole_sentences(idx):
    answer = ask(idx, "스포카 개발팀이 SSH 키 관리를 위해 직접 만든 서비스 이름은?")
    assert "Geofront" in answer.text
    quoted = answer.text.rsplit("[1]", 1)[0].strip()
    assert not re.search(r"라고$", quoted), "a sentence cut at a hard line break"
    assert "\n" not in quoted.split("Geofront")[0][-40:]


@pytest.mark.slow
def test_a_how_to_question_gets_the_command(idx):
    answer = ask(idx, "도커 컨테이너를 실행할 때 환경변수는 어떻게 넘기나요?")
    assert "docker run -e" in answer.text


@pytest.mark.slow
def test_each_question_of_an_email_is_answered(idx):
    email = ("안녕하세요, 개발팀 신입입니다.\n스포카 기술 블로그는 어떤 도구로 만들어졌나요? "
             "그리고 트렐로에서 릴리즈 주기는 어떻게 돼요?\n감사합니다.")
    questions = questions_in(email)
    assert len(questions) == 2
    first, second = (ask(idx, q) for q in questions)
    assert first.sources[0].title == "Spoqa 블로그 탄생 비화"
    assert "30일" in second.text


@pytest.mark.slow
def test_an_english_question_over_korean_posts_says_the_source_is_korean(idx):
    answer = ask(idx, "Which static site generator does the Spoqa tech blog use?")
    assert not answer.abstained and "Jekyll" in answer.text
    assert answer.text.startswith("The blog post is in Korean")


@pytest.mark.parametrize("question", ["", "   \n"])
def test_an_empty_question_is_a_usage_error(idx, question):
    with pytest.raises(UsageError):
        idx.ask(question, llm=False)

"""A question's word with a particle glued on is read without it when only that is in the index
(retrieve/particles.py), in the search and in the evidence gate alike."""
from __future__ import annotations

import doctest

import pytest

from blogqa.retrieve import particles
from blogqa.retrieve.particles import repairs_of
from blogqa.text import hangul


@pytest.mark.parametrize("module", [particles, hangul])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_a_word_the_index_holds_or_lacks_either_way_is_left_as_it_is():
    held = {"구성", "구성은", "클러스"}
    lookup = lambda words: [w for w in words if w not in held]  # noqa: E731
    # not absent at all: nothing to repair; no Hangul, no particle, or too little left: no stem
    assert repairs_of(["연봉", "kotlin", "가로", "클러스터로"], lookup) == {}


def test_the_longest_particle_that_leaves_a_held_word_wins():
    held = {"서버", "서버에"}
    assert repairs_of(["서버에서"], lambda ws: [w for w in ws if w not in held]) == {"서버에서": "서버"}


def test_hyperconnect_question_with_a_glued_particle_is_not_judged_on_an_absent_word(hyperconnect_index):
    idx, _ = hyperconnect_index
    question = "KPI 같은 시계열 지표 예측할 때 하이퍼커넥트 데이터팀은 어떤 패키지를 써? 모델 구성은?"
    result = idx.search(question)
    assert result.repairs == {"구성은": "구성"}
    assert "구성은" not in result.absent_terms
    answer = idx.ask(question)
    assert not answer.abstained and answer.evidence.absent == []


def test_a_word_the_blog_never_uses_stays_absent(hyperconnect_index):
    idx, _ = hyperconnect_index
    result = idx.search("하이퍼커넥트 신입 백엔드 개발자 연봉은 대략 얼마인가요?")
    assert result.repairs == {} and "연봉" in result.absent_terms


def test_the_noun_suffix_is_read_off_only_a_word_the_index_lacks():
    from blogqa.text.hangul import particle_stems

    assert particle_stems("재사용") == []  # no particle: the page marks and the question writer keep it whole
    held = {"대시보드", "재사"}
    assert repairs_of(["대시보드용"], lambda ws: [w for w in ws if w not in held]) == {"대시보드용": "대시보드"}

"""The text helpers with one home each in blogqa.text: Hangul, sentences, LLM markers and <think>, plain."""
from __future__ import annotations

import doctest
import importlib

import pytest

from blogqa.text.hangul import count_hangul, has_hangul, is_hangul, is_korean, syllable_has_final
from blogqa.text.llm_text import defuse, drop_markers, strip_think
from blogqa.text.plain import plain
from blogqa.text.sentences import prose_sentences, split_sentences


@pytest.mark.parametrize("name", ["blogqa.text.hangul", "blogqa.text.sentences", "blogqa.text.llm_text", "blogqa.text.surface",
                                  "blogqa.text.plain"])
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_hangul():
    assert [is_hangul(c) for c in ("가", "힣", "ㄱ", "a", "", "가나")] == [True, True, False, False, False, False]
    assert count_hangul("") == 0 and count_hangul("Docker 도커 ㄱ") == 2
    assert has_hangul("v2 배포") and not has_hangul("deploy ㅋㅋ")
    assert is_korean("Kafka 컨슈머 그룹") and not is_korean("Kafka consumer 그룹 rebalancing") and not is_korean("123")
    assert [syllable_has_final(c) for c in ("법", "구", "각", "a")] == [True, False, True, False]


@pytest.mark.parametrize("text,kwargs,expected", [
    ("", {}, []),
    ("한 문장", {}, ["한 문장"]),
    ("하나. 둘?  셋!\n\n넷。 다섯", {}, ["하나.", "둘?", "셋!", "넷。", "다섯"]),
    ("v1.2 버전", {}, ["v1.2 버전"]),                                  # no space after the dot
    ("됐나요？ 네！ 좋아요", {}, ["됐나요？ 네！ 좋아요"]),
    ("됐나요？ 네！ 좋아요", {"fullwidth": True}, ["됐나요？", "네！", "좋아요"]),
    ("했다.다음은 이렇습니다요.끝", {"glued": True}, ["했다.", "다음은 이렇습니다요.", "끝"]),
    ("- 항목 하나.  > 인용", {"strip": " -*>\t"}, ["항목 하나.", "인용"]),
])
def test_split_sentences(text, kwargs, expected):
    assert split_sentences(text, **kwargs) == expected


def test_prose_sentences_leave_out_code_headings_and_fragments():
    text = "# 제목\n- 목록 문장은 이렇습니다\n```\nx = 1. y = 2\n```\n짧다.\n" + "가" * 401 + "."
    assert prose_sentences(text) == ["목록 문장은 이렇습니다."]
    assert prose_sentences("짧다.", min_chars=2) == ["짧다."]


def test_markers_and_think():
    assert defuse("<<<<SOURCE>>>") == "‹‹‹SOURCE›››" and drop_markers("a <<< b >>>> c") == "a  b  c"
    assert defuse("a << b >> c") == "a << b >> c"  # two are no marker
    assert strip_think("<THINK>hmm</think> 답") == " 답"
    assert strip_think("<think>cut off while thinking") == "" and strip_think(None) == ""
    assert strip_think("a<think>1</think>b<think>2</think>c") == "abc"


def test_plain():
    assert plain("![그림](a.png) [링크](http://x/(y)) <b>굵게</b> `code` __강조__\n\n끝") == "그림 링크 굵게 code 강조 끝"

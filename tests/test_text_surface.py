"""The letters tests that spare the tokenizer (text/surface.py): a text `surface_pattern` does not
match never holds the token (snippet marks analyse only the words it matches), and the offline
answer's word test (`topic_words_in`) finds every topic word Kiwi reads in a unit of a post, and
few more, without Kiwi."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogqa.answer.passage import hit_units
from blogqa.retrieve.query import topic_tokens
import blogqa.text.surface as surface
from blogqa.text.surface import lowered, surface_pattern, topic_words_in
from blogqa.text.tokens import KiwiTokenizer

QUESTIONS = Path(__file__).resolve().parents[1] / "bench" / "data" / "spoqa_qa.jsonl"


@pytest.fixture(scope="module")
def kiwi():
    return KiwiTokenizer()


# a stem, and a sentence in which Kiwi reads it though its last syllable (or two) is spelled otherwise
CONJUGATED = [("기다리", "기본값으로는 30초를 기다립니다."), ("어렵", "설정이 생각보다 어려워서 포기했다."),
              ("만들", "우리가 만든 도구입니다."), ("모르", "원인을 몰라서 한참 헤맸다."),
              ("바꾸", "설정을 바꿔 주세요."), ("돕", "동료가 도와 주었다."), ("듣", "이야기를 들어 보니 달랐다."),
              ("docker", "도커를 써서 배포합니다.")]


@pytest.mark.parametrize("stem,sentence", CONJUGATED)
def test_a_stem_kiwi_reads_in_a_changed_spelling_is_still_found(kiwi, stem, sentence):
    assert stem in kiwi.tokens(sentence)  # what makes the case: Kiwi does read the stem there
    assert stem not in sentence.lower() or stem == "docker"
    assert surface_pattern([stem]).search(lowered(sentence))


def test_texts_without_the_letters_are_not_matched():
    find = surface_pattern(["회고", "kubernetes", "도커"])
    assert not find.search(lowered("배포는 Jenkins로 합니다.")) and find.search(lowered("쿠버네티스 대신 Kubernetes"))
    assert surface_pattern([]) is None


def test_a_stem_is_spelled_with_its_endings_and_any_other_word_as_it_is():
    texts = ["배편으로 보냅니다.", "배포를 자동화했습니다.", "기본값으로는 30초를 기다립니다.", "기다려 주세요",
             "따라서 지역마다", "따로 지워 주세요"]
    assert topic_words_in(texts, {"배포", "기다리", "따로", "지우"}, stems={"기다리", "지우"}) == [
        set(), {"배포"}, {"기다리"}, {"기다리"}, set(), {"따로", "지우"}]


def test_latin_words_and_numbers_stand_alone_and_web_addresses_hold_no_words():
    texts = ["Google 검색", "Go 언어로 작성", "Vue3로 바꿨습니다", "P1: 꼭 반영", "1000개", "도커를 씁니다",
             "문서: https://docs.aws.amazon.com/ko_kr/", "AWS 계정"]
    topic = {"go", "vue", "1", "docker", "aws"}
    assert topic_words_in(texts, topic, stems=set()) == [set(), {"go"}, {"vue"}, {"1"}, set(), {"docker"}, set(),
                                                         {"aws"}]


def test_doctests():
    import doctest

    result = doctest.testmod(surface)
    assert result.attempted >= 3 and result.failed == 0


@pytest.mark.slow
def test_the_letters_find_every_word_kiwi_reads_in_the_units_of_the_spoqa_answers(spoqa_index):
    """Over every spoqa question and the units of its five hits: each topic word Kiwi reads in a
    unit, the letters find there; of what the letters find, about 9 in 10 Kiwi reads too (the rest
    are mostly compounds Kiwi reads as one word, "서킷브레이커 패턴" for "서킷브레이커", and stems
    spelled with another verb's ending)."""
    tokenizer = spoqa_index[0].tokenizer
    both = kiwi_only = letters_only = 0
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)["question"]
        topic = set(topic_tokens(tokenizer.tokens(question)))
        texts = [u.text for h in spoqa_index[0].search(question, k=5).hits for u in hit_units(h)]
        letters = topic_words_in(texts, topic, tokenizer.stems(question))
        for text, found in zip(texts, letters):
            read = set(tokenizer.tokens(text)) & topic
            both, kiwi_only, letters_only = both + len(read & found), kiwi_only + len(read - found), \
                letters_only + len(found - read)
    assert both > 2000
    assert kiwi_only <= 0.001 * both, kiwi_only
    assert letters_only <= 0.12 * (both + letters_only), letters_only

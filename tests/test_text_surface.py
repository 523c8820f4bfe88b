"""The letters test that spares the tokenizer (text/surface.py): a text the pattern does not match
never holds the token, so answers analyse only the sentences that may hold a question's words and
choose exactly what analysing every sentence would choose."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogqa.answer.passage import hit_units, topic_sets
from blogqa.retrieve.query import topic_tokens
from blogqa.text.surface import lowered, surface_pattern
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


@pytest.mark.slow
def test_topic_sets_equal_analysing_every_unit_over_the_spoqa_questions(spoqa_index, kiwi):
    """Over every spoqa question and the units of its five hits: the same topic words per unit as
    the tokenizer finds reading every unit (so the answers cannot change)."""
    idx = spoqa_index[0]
    tokenizer = idx.tokenizer
    checked = matched = 0
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        question = json.loads(line)["question"]
        topic = set(topic_tokens(tokenizer.tokens(question)))
        texts = [u.text for h in idx.search(question, k=5).hits for u in hit_units(h)]
        every = [set(tokenizer.tokens(t)) & topic for t in texts]
        assert topic_sets(texts, topic, tokenizer) == every, question
        checked += len(texts)
        matched += sum(1 for s in every if s)
    assert checked > 3000 and 0 < matched < checked

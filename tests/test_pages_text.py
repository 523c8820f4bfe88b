"""What the search page's snippets show: a window centred on the best match, marks on whole words
(with the index's own tokenizer, kiwi), never a piece of one ("스포카" must not become "스포")."""
from __future__ import annotations

import pytest

from blogqa.server.text import Word, highlight_terms, snippet, snippet_parts, words
from blogqa.text.tokens import KiwiTokenizer, WhitespaceTokenizer


@pytest.fixture(scope="module")
def kiwi():
    return KiwiTokenizer()


def marked(parts) -> list[str]:
    return [p["text"] for p in parts if p["mark"]]


def test_parts_spell_the_snippet_back(kiwi):
    text = "스포카는 2011년에 창업한 회사입니다. (스포카의) 스포츠 팀과는 다릅니다."
    parts = snippet_parts(text, highlight_terms("스포카는 어떤 회사인가요?", kiwi), kiwi)
    assert "".join(p["text"] for p in parts) == text
    assert all(p["text"] for p in parts)


def test_a_word_kiwi_splits_is_marked_whole(kiwi):
    assert kiwi.tokens("스포카는") == ["스포", "카"]  # why "스포" alone used to be marked
    terms = highlight_terms("스포카는 어떤 회사인가요?", kiwi)
    assert terms[0] == "스포카" and "어떤" not in terms  # the query word, without its particle
    text = "스포카는 2011년에 창업한 회사입니다. (스포카의) 스포츠 팀과는 다릅니다."
    assert marked(snippet_parts(text, terms, kiwi)) == ["스포카", "회사", "스포카"]


def test_marks_leave_particles_and_punctuation_out(kiwi):
    parts = snippet_parts("배포 자동화는 Jenkins로, 자동 배포와 함께.", highlight_terms("배포 자동화는 Jenkins로 하나요?", kiwi), kiwi)
    assert marked(parts) == ["배포", "자동화", "Jenkins", "자동", "배포"]
    assert {"text": "는 ", "mark": False} in parts


def test_a_loanword_matches_its_hangul_spelling(kiwi):
    assert words("도커를", kiwi) == [Word(0, 2, ["docker"], True)]  # kiwi maps 도커 to docker
    terms = highlight_terms("도커 이미지를 줄이려면", kiwi)
    assert marked(snippet_parts("Docker 이미지와 도커를 씁니다", terms, kiwi)) == ["Docker", "이미지", "도커"]


def test_one_letter_verbs_mark_nothing(kiwi):
    terms = highlight_terms("배포는 어떻게 하나요?", kiwi)
    assert terms == ["배포"]
    assert marked(snippet_parts("배포를 하는 방법을 합니다", terms, kiwi)) == ["배포"]


def test_other_tokenizers_and_none():
    assert marked(snippet_parts("Deploy with docker, then Docker again", ["docker"], WhitespaceTokenizer())) == \
        ["docker", "Docker"]
    assert marked(snippet_parts("the rapid api", ["api"], None)) == ["api"]  # whole words: not "rapid"
    assert snippet_parts("", ["api"], None) == []


def test_snippet_is_centred_on_a_match_far_down_a_long_post(kiwi):
    filler = "이 문단은 결제와 상관없는 회사 소개입니다. " * 60
    text = filler + "환불 정책은 결제일로부터 7일 안에 신청하면 전액 돌려받을 수 있다는 것입니다. " + filler
    terms = highlight_terms("환불 정책이 궁금해요", kiwi)
    s = snippet(text, terms, width=240)
    assert "환불 정책은" in s and s.startswith("…") and s.endswith("…") and len(s) <= 242
    middle = s.index("환불") + len("환불 정책은 결제일로부터 7일 안에") / 2
    assert abs(middle - len(s) / 2) < 40, s  # the match sits in the middle, not at the window's edge
    assert not s[1].isspace() and s[1:3] != "니다"  # cut at a word, not inside one


def test_the_window_with_most_terms_wins_over_the_first_mention(kiwi):
    text = ("환불 이야기는 나중에. " + "다른 이야기입니다. " * 80 +
            "환불 정책과 결제 취소 기간은 7일입니다. " + "그 밖의 이야기입니다. " * 80)
    s = snippet(text, highlight_terms("환불 정책 결제 취소 기간", kiwi), width=120)
    assert "환불 정책과 결제 취소 기간은 7일" in s and "나중에" not in s


def test_short_texts_and_no_match():
    assert snippet("짧은 글", ["배포"]) == "짧은 글"
    assert snippet("가 " * 300, ["없음"], width=20).startswith("가 가")  # no match: the start


def test_words_are_read_in_context(kiwi):
    # alone, kiwi reads "주기는" as the verb 주다 + 기; in the sentence as the noun 주기
    assert highlight_terms("정산 주기는 어떻게 되나요?", kiwi) == ["정산", "주기"]
    assert marked(snippet_parts("가맹점 정산 주기를 D+2에서 D+1로 앞당겼습니다.", ["정산", "주기"], kiwi)) == ["정산", "주기"]
    assert words("(스포카는 회사", kiwi) == [Word(1, 4, ["스포", "카"], True), Word(6, 8, ["회사"], True)]
    assert words("어떻게 ?", kiwi)[1] == Word(5, 5, [], False)  # punctuation alone: no core


def test_a_tokenizer_failure_falls_back_to_words():
    class Broken:
        def tagged_tokens(self, text):
            raise RuntimeError("kiwi is gone")

    assert highlight_terms("배포 자동화", Broken()) == ["배포", "자동화"]
    assert marked(snippet_parts("배포 자동화는", ["배포"], Broken())) == ["배포"]


def test_marks_stay_on_their_words_after_words_without_content(kiwi):
    """Morphemes are matched back to the words they came from even past words Kiwi keeps nothing
    of ("몇 가지") and stems it spells otherwise ("되었습니다"): the marks do not drift onto the
    words before the term."""
    text = "결과를 API로 받아오는 것도 좋지만 몇 가지 개선을 위해 캐시 서버를 새로 도입하게 되었습니다. 그 뒤로 응답이 빨라졌습니다."
    assert marked(snippet_parts(text, ["캐시", "서버"], kiwi)) == ["캐시", "서버"]
    assert marked(snippet_parts(text, ["응답"], kiwi)) == ["응답"]
    assert marked(snippet_parts(text, ["도입"], kiwi)) == ["도입"]
    found = {text[w.start:w.end]: w.forms for w in words(text, kiwi)}
    assert found["개선"] == ["개선"] and found["위해"] == ["위하"] and found["응답"] == ["응답"]
    # a one-syllable morpheme is looked for as written only: "웹" is not the "의" of "하나의"
    other = "우리 서비스는 처음부터 하나의 웹서비스로 시작했습니다."
    assert [(other[w.start:w.end], w.forms) for w in words(other, kiwi)][3:5] == [("하나", ["하나"]), ("웹서비스", ["웹", "서비스"])]

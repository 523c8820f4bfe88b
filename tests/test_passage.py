"""The passage an offline answer quotes (answer/passage.py): units, windows, code for how-to questions."""
import doctest

import pytest

from blogqa.answer import passage, units as units_module
from blogqa.answer.passage import (IN_PARAGRAPH, LIMITS, NUMBER_LIKE, Limits, answer_shape, best_passage,
                                   hit_passages, weights)
from blogqa.answer.units import units
from blogqa.models import Hit, Post
from blogqa.text.surface import topic_words_in
from blogqa.text.tokens import get_tokenizer


def test_hard_wrapped_lines_of_one_paragraph_become_whole_sentences():
    text = "서버 접속 권한을 관리하는 도구를 직접 만들기로 했는데, Geofront라고\n이름을 붙였습니다. 다음 문장입니다."
    assert [u.text for u in units(text)] == [
        "서버 접속 권한을 관리하는 도구를 직접 만들기로 했는데, Geofront라고 이름을 붙였습니다.", "다음 문장입니다."]


def test_lists_tables_and_code_keep_their_structure():
    text = "설정은 다음과 같습니다.\n\n- pool_size: 5\n- max_overflow: 10\n\n| 키 | 값 |\n|---|---|\n| timeout | 30 |\n\n" \
           "```\n$ docker run -e A=B image\n```\n끝."
    got = [(u.kind, u.text) for u in units(text)]
    assert got == [("sentence", "설정은 다음과 같습니다."), ("item", "- pool_size: 5"), ("item", "- max_overflow: 10"),
                   ("row", "| 키 | 값 |"), ("row", "| timeout | 30 |"),
                   ("code", "```\n$ docker run -e A=B image\n```"), ("sentence", "끝.")]
    kinds = units(text)
    assert kinds[1].block == kinds[2].block != kinds[0].block != kinds[3].block


def _passage(text: str, question: str, howto: bool = False, limits: Limits = LIMITS):
    tok = get_tokenizer("kiwi")
    from blogqa.answer.evidence import topic_tokens

    parts = units(text)
    topic = set(topic_tokens(tok.tokens(question)))
    token_sets = topic_words_in([u.text for u in parts], topic, tok.stems(question))
    return best_passage(parts, token_sets, topic, weights(topic, token_sets), howto, answer_shape(question), limits)


def test_the_sentence_that_completes_the_match_comes_with_it():
    text = ("큐 풀이 관리하는 연결이 다 찬 상황에서 요청이 들어오면 일단 기다리게 합니다. 기본값으로는 30초를 기다립니다.\n\n"
            "Poetry는 여러분의 기여를 기다리고 있습니다.")
    question = "큐 풀에서 연결이 다 찼을 때 몇 초를 기다리나요?"
    assert "30초" in _passage(text, question).text  # read on (the shipped limits) into the next paragraph
    within = _passage(text, question, limits=IN_PARAGRAPH)  # grown within its paragraph
    assert "30초" in within.text and "Poetry" not in within.text


def test_a_how_to_question_gets_the_command():
    text = ("컨테이너 실행 시 -e 옵션을 통해 환경변수를 인자로 주는 게 가능합니다.\n```\n$ docker run -e HELLO=WORLD image\n```\n\n"
            "이미지는 작게 유지하는 것이 좋습니다.")
    passage = _passage(text, "도커 컨테이너에 환경변수는 어떻게 넘기나요?", howto=True)
    assert "docker run -e HELLO=WORLD" in passage.text
    assert "docker run" not in _passage(text, "도커 컨테이너에 환경변수를 넘길 수 있나요?").text


def test_a_sentence_about_the_post_does_not_start_the_answer():
    text = "이번 글에서는 회고를 어떻게 하는지 소개하고자 합니다. 우리 팀은 2주마다 회고를 하며 좋았던 점과 아쉬운 점을 적습니다."
    assert _passage(text, "회고는 어떻게 하나요?").text.startswith("우리 팀은 2주마다")


def test_answer_shape_and_windows_stay_short():
    assert answer_shape("How many retries?") is NUMBER_LIKE and answer_shape("배포는 어떻게?") is None
    long = " ".join(f"배포 문장 {i}번은 길게 이어지는 설명입니다." for i in range(60))
    assert len(_passage(long, "배포는 어떻게 하나요?").text) <= LIMITS.read_on  # as quoted, separators counted
    assert len(_passage(long, "배포는 어떻게 하나요?", limits=IN_PARAGRAPH).text) <= 520


def _hit(text: str, next_text: str = "") -> Hit:
    return Hit(Post("p", "제목", text + "\n\n" + next_text), 1.0, text, 1, [], next_text)


OOM = ("주소록 1만 명의 데이터를 JSON으로 받으면 OutOfMemory 에러가 발생했습니다. 모바일 기기는 자원이 제한적입니다.\n\n"
       "어떻게 하면 OOM을 피할 수 있을지 고민했습니다.")
OOM_NEXT = ("어떻게 하면 OOM을 피할 수 있을지 고민했습니다.\n\n"  # the chunker's one-sentence overlap
            "그래서 gson 라이브러리를 적용하고, HttpURLConnection의 InputStream에서 바로 객체를 만들었습니다.\n\n"
            "## 정리\n\n다음 글에서 또 만나요.")


def test_reading_on_takes_the_fix_from_the_posts_next_chunk_without_the_overlap_or_the_next_section():
    question = "JSON 주소록 데이터에서 OutOfMemory가 나면 어떻게 해결했나요?"
    tok = get_tokenizer("kiwi")
    from blogqa.answer.evidence import topic_tokens

    topic = set(topic_tokens(tok.tokens(question)))
    stems = tok.stems(question)
    hit = _hit(OOM, OOM_NEXT)
    shipped_before = hit_passages([hit], topic, stems, howto=True, limits=IN_PARAGRAPH)[0]
    assert "OutOfMemory" in shipped_before.text and "gson" not in shipped_before.text
    within = hit_passages([hit], topic, stems, howto=True, limits=Limits(read_on=500, read_next=False))[0]
    assert "gson" not in within.text and within.text.endswith("고민했습니다.")  # the chunk's end
    read = hit_passages([hit], topic, stems, howto=True, limits=Limits(read_on=500, read_next=True))[0]
    assert read.text.startswith("주소록 1만 명") and "gson" in read.text and "InputStream" in read.text
    assert read.text.count("어떻게 하면 OOM을 피할 수") == 1  # the overlap is not quoted twice
    assert "정리" not in read.text and "다음 글" not in read.text  # a heading ends the reading
    short = hit_passages([hit], topic, stems, howto=True, limits=Limits(read_on=120, read_next=True))[0]
    assert len(short.text) < len(read.text) and "InputStream" not in short.text  # the budget holds


def test_a_window_never_starts_in_the_next_chunk():
    hit = _hit("배포는 매일 합니다.", "Kubernetes 클러스터는 세 개입니다.")
    topic = {"kubernetes", "클러스터"}
    passage = hit_passages([hit], topic, set(), howto=False, limits=Limits(read_on=400, read_next=True))[0]
    assert passage.text.startswith("배포는 매일 합니다.")


def test_the_shipped_limits_read_on():
    assert LIMITS.read_on > 0 and LIMITS.read_next


def test_a_heading_path_the_chunker_wrote_is_a_heading_and_ends_the_reading():
    text = ("웹소켓 대신 다른 방식을 골랐습니다.\n\n4. 기술적 고민 > 4.1 재민 님의 고민 > 4.1.2 여러 선택지\n"
            "- 양방향 통신을 위한 새로운 프로토콜입니다.")
    got = [(u.kind, u.text) for u in units(text)]
    assert got[1] == ("heading", "4. 기술적 고민 > 4.1 재민 님의 고민 > 4.1.2 여러 선택지")
    assert [k for k, _ in got] == ["sentence", "heading", "item"]
    assert "4.1.2" not in _passage(text, "웹소켓 대신 어떤 방식을 골랐나요?").text


def test_reading_on_from_one_matching_chunk_into_the_next_starts_a_new_line():
    """Each line of an answer is the post's own text: sentences of two chunks (two sections, or a
    paragraph the chunker cut) are never joined into one line, so no line reads as the post's
    words when it is two of its passages glued together (hyperconnect's Hilt post, once)."""
    first = "Google은 Dagger Hilt를 발표하였습니다."
    second = "Hilt를 적용하기에 앞서 무엇인지 알아봅니다. Hilt는 Android 전용 DI 라이브러리입니다."
    hit = Hit(Post("p", "제목", f"{first}\n\n## Hilt\n\n{second}"), 1.0, "배포 이야기입니다.", 1, [first, second], "")
    passage = hit_passages([hit], {"hilt", "dagger"}, set(), howto=False, limits=Limits(read_on=400, read_next=True))[0]
    assert passage.text.split("\n") == [first, second], passage.text


def test_of_two_windows_with_the_same_words_the_one_naming_the_setting_and_value_is_quoted():
    text = ("메시지 보관 기간은 카프카 클러스터 설정에서 정할 수 있습니다. 자세한 내용은 문서를 참고하세요.\n\n"
            "## 우리 설정\n\n카프카 클러스터 설정에서 메시지 보관 기간을 이틀로 정했습니다. log.retention.hours 값은 48입니다.")
    question = "카프카 클러스터에서 메시지 보관 기간은 어떻게 설정해?"
    assert "log.retention.hours" in _passage(text, question, howto=True).text
    # by the question's words alone the two tie, and the first is taken
    assert "log.retention.hours" not in _passage(text, question, howto=True, limits=Limits(specific=0.0)).text


def test_specific_terms_are_names_and_numbers_the_question_does_not_already_name():
    from blogqa.answer.passage import specific_terms

    parts = units("Kafka 설정에 log.cleanup.policy: delete 와 2.7 버전을 씁니다.")
    assert specific_terms(parts, {"kafka", "설정"}) == [{"log.cleanup.policy", "delete", "2.7"}]


def test_a_chunk_of_code_alone_is_quoted_for_any_question():
    text = "```\n$ poetry init\nThis command will guide you through creating your pyproject.toml config.\n```"
    passage = _passage(text, "What does Spoqa use to manage Python dependencies?")
    assert passage is not None and "poetry init" in passage.text


def test_prose_boxed_in_a_code_fence_is_read_as_prose_and_code_stays_code():
    """saramin boxes greetings and summaries in ```STATA fences, socar an FAQ's answers in plain
    ones: sentences, quotable for any question; a real command keeps its fence."""
    text = ("- 쏘카에서 임직원들과 친해질 수 있는 이벤트가 있나요?\n\n```\n쏘모임, 동호회, 밍글링, 쏘풍데이 등의 이벤트로 "
            "다른 임직원들을 만날 기회가 있습니다.\n동호회 : 음악 밴드, 프리다이빙, 축구 등 다양한 주제로 활동합니다.\n```\n\n"
            "```STATA\n# 주석만 한국어인 스크립트\nkubectl apply -f deploy.yaml --namespace=prod\n```")
    got = [(u.kind, u.text) for u in units(text)]
    assert got == [("item", "- 쏘카에서 임직원들과 친해질 수 있는 이벤트가 있나요?"),
                   ("sentence", "쏘모임, 동호회, 밍글링, 쏘풍데이 등의 이벤트로 다른 임직원들을 만날 기회가 있습니다."),
                   ("sentence", "동호회 : 음악 밴드, 프리다이빙, 축구 등 다양한 주제로 활동합니다."),
                   ("code", "```\n# 주석만 한국어인 스크립트\nkubectl apply -f deploy.yaml --namespace=prod\n```")]
    passage = _passage(text, "쏘카 임직원들끼리 친해질 수 있는 사내 이벤트나 모임이 있나요?")
    assert "쏘모임" in passage.text and "kubectl" not in passage.text


@pytest.mark.parametrize("module", [passage, units_module])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


"""The passage an offline answer quotes (answer/passage.py): units, windows, code for how-to questions."""
from blogqa.answer.passage import NUMBER_LIKE, answer_shape, best_passage, units, weights
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


def _passage(text: str, question: str, howto: bool = False):
    tok = get_tokenizer("kiwi")
    from blogqa.answer.evidence import topic_tokens

    parts = units(text)
    token_sets = [set(t) for t in tok.tokens_batch([u.text for u in parts])]
    topic = set(topic_tokens(tok.tokens(question)))
    return best_passage(parts, token_sets, topic, weights(topic, token_sets), howto, answer_shape(question))


def test_the_sentence_that_completes_the_match_comes_with_it():
    text = ("큐 풀이 관리하는 연결이 다 찬 상황에서 요청이 들어오면 일단 기다리게 합니다. 기본값으로는 30초를 기다립니다.\n\n"
            "Poetry는 여러분의 기여를 기다리고 있습니다.")
    passage = _passage(text, "큐 풀에서 연결이 다 찼을 때 몇 초를 기다리나요?")
    assert "30초" in passage.text and "Poetry" not in passage.text


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
    assert len(_passage(long, "배포는 어떻게 하나요?").text) <= 520

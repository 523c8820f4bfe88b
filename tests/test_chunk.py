import datetime as dt

import pytest

from blogqa.models import Post
from blogqa.text.chunk import chunk_post, estimate_tokens, pack, sections


def post(body: str, title: str = "제목", date=dt.date(2023, 6, 13)) -> Post:
    return Post(id="p", title=title, body=body, date=date)


def test_sections_follow_heading_nesting():
    body = "intro\n## A\na text\n### B\nb text\n## C\nc text"
    assert sections(body) == [("", "intro"), ("A", "a text"), ("A > B", "b text"), ("C", "c text")]


def test_hash_lines_inside_code_fences_are_not_headings():
    body = "## Real\ntext\n```\n# comment in code\n```"
    assert [h for h, _ in sections(body)] == ["Real"]


@pytest.mark.parametrize("text", ["", "가", "😀" * 3, "word " * 2000, "한국어 문장입니다. " * 800])
def test_pack_never_exceeds_budget_and_keeps_all_text(text):
    pieces = pack(text, max_tokens=50)
    assert all(estimate_tokens(p) <= 60 for p in pieces)  # joins add at most a few tokens
    joined = " ".join(pieces)
    for word in set(text.split()):
        assert word in joined


def test_chunks_carry_title_and_date_and_split_long_sections():
    body = "## 배포\n" + "배포는 자동으로 합니다. " * 300 + "\n## 롤백\n" + "롤백은 2분이면 끝납니다. " * 30
    chunks = chunk_post(post(body), max_tokens=120)
    assert len(chunks) > 3
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.indexed_text.startswith("제목\n2023-06-13\n")
        assert c.text in c.indexed_text
    assert {c.heading for c in chunks} == {"배포", "롤백"}


def test_tiny_sections_merge_instead_of_becoming_chunks():
    body = "## A\n한 줄.\n## B\n" + "충분히 긴 본문입니다. " * 40
    chunks = chunk_post(post(body), max_tokens=300, min_tokens=20)
    assert len(chunks) == 1
    assert "한 줄." in chunks[0].text


def test_post_without_body_or_date_still_gets_a_chunk():
    chunks = chunk_post(post("", title="빈 글", date=None))
    assert len(chunks) == 1
    assert chunks[0].indexed_text.startswith("빈 글\n")

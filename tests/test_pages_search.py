"""Search page snippets in real Chromium at 1280 and 375 px, over a tiny blog of its own: the
snippet of a long post is the window around its best match (far down the post), and marks cover
whole words as the index's tokenizer reads them ("스포카", never "스포")."""
from __future__ import annotations

import pytest

from pages_util import WIDTHS, texts
from server_util import serve
from test_browser import shot

FILLER = ("우리 사무실은 성수동에 있고 점심시간에는 근처 공원을 함께 걷습니다. 매주 금요일에는 팀별로 돌아가며 "
          "지난주에 배운 것을 발표하고, 분기마다 한 번씩 모두가 모여 다음 분기 계획을 세웁니다. ")
POSTS = {
    "2024-03-01-spoqa.md": """---
title: 스포카를 소개합니다
date: 2024-03-01
tags: company
---
스포카는 2011년에 창업한 회사입니다. 스포카의 첫 제품은 매장용 적립 서비스였습니다.
""",
    "2024-05-10-dodo-life.md": f"""---
title: 사무실 생활 이야기
date: 2024-05-10
tags: culture
---
{FILLER * 3}그리고 도도 포인트의 환불 기한은 적립일로부터 30일이라는 점도 이번에 함께 정리했습니다. {FILLER * 3}
""",
    "2024-06-01-kafka.md": """---
title: 카프카 도입기
date: 2024-06-01
tags: backend
---
주문 이벤트를 카프카로 옮기며 배운 점을 정리합니다.
""",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from blogqa.api import Index
    from blogqa.config import Settings

    root = tmp_path_factory.mktemp("pages-search")
    for name, text in POSTS.items():
        (root / "blog" / "_posts").mkdir(parents=True, exist_ok=True)
        (root / "blog" / "_posts" / name).write_text(text, encoding="utf-8")
    idx = Index(str(root / "idx"), Settings(), create=True)
    idx.ingest(str(root / "blog"), progress=False)
    idx.close()
    server = serve(root / "idx", warm=True)
    yield server
    server.stop()


def search(page, server, query: str):
    page.goto(server.url + "/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_selector("#hits li.hit")
    return page.locator("#hits li.hit").first


@pytest.mark.parametrize("width", WIDTHS)
def test_marks_cover_whole_words(page, small, width):
    page.set_viewport_size({"width": width, "height": 900})
    first = search(page, small, "스포카는 어떤 회사인가요?")
    assert first.locator(".hit-title").inner_text() == "스포카를 소개합니다"
    marks = texts(page, "#hits li.hit >> nth=0 >> mark")
    assert marks.count("스포카") == 2 and "회사" in marks, marks  # "스포카는", "스포카의": the word, no particle
    assert "스포" not in marks and "카" not in marks
    assert "2011년에" in first.locator("p").inner_text()
    shot(page, f"pages-highlight-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_posts_snippet_is_centred_on_its_match(page, small, width):
    page.set_viewport_size({"width": width, "height": 900})
    first = search(page, small, "도도 포인트 환불 기한은 며칠인가요?")
    assert first.locator(".hit-title").inner_text() == "사무실 생활 이야기"
    snippet = first.locator("p").inner_text()
    at = snippet.index("도도 포인트의 환불 기한은 적립일로부터 30일")  # ~470 characters into the post
    assert snippet.startswith("…") and snippet.endswith("…")
    middle = at + len("도도 포인트의 환불 기한은 적립일로부터 30일") / 2
    assert abs(middle - len(snippet) / 2) < 30, snippet  # in the middle of the window (the old one: a quarter in)
    assert {"도도", "포인트", "환불", "기한"} <= set(texts(page, "#hits li.hit >> nth=0 >> mark"))
    shot(page, f"pages-snippet-centred-{width}")

"""A post page in real Chromium, at 1280 and 375 px: a hard-wrapped Markdown paragraph (Korean
Jekyll style) is one paragraph, a list is a list, a table a table and code a code block.
Screenshots: artifacts/screenshots/pages-post-structure-*."""
from __future__ import annotations

import pytest

from pages_util import WIDTHS, texts
from server_util import serve
from test_browser import shot

POST = """---
title: 배포 가이드
date: 2024-03-02
---
우리 팀은 배포를 자동화하기 위해 직접 도구를 만들기로 했는데,
이름은 Geofront라고 지었고
지금은 모든 서비스가 이 도구로 배포됩니다.

1. 저장소를 받습니다.
   오래 걸리면 얕게 받으세요.
2. 배포합니다.

| 환경 | 주기 |
|------|------|
| 스테이징 | 매일 |
| 프로덕션 | 매주 |

```sh
blogqa serve --index idx
```
"""


@pytest.fixture(scope="module")
def post_server(tmp_path_factory):
    from blogqa.api import Index

    root = tmp_path_factory.mktemp("post-page")
    (root / "blog" / "_posts").mkdir(parents=True)
    (root / "blog" / "_posts" / "2024-03-02-deploy.md").write_text(POST, encoding="utf-8")
    index = Index(str(root / "idx"), create=True)
    index.ingest(str(root / "blog"))
    index.close()
    server = serve(root / "idx")
    yield server
    server.stop()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_post_page_shows_paragraphs_lists_tables_and_code(browser, post_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(post_server.url + "/posts/_posts/2024-03-02-deploy.md")
    paragraphs = texts(page, "article > p:not(.meta):not(.tags)")
    assert paragraphs == ["우리 팀은 배포를 자동화하기 위해 직접 도구를 만들기로 했는데, 이름은 Geofront라고 지었고 "
                          "지금은 모든 서비스가 이 도구로 배포됩니다."]
    assert texts(page, "article ol > li") == ["저장소를 받습니다. 오래 걸리면 얕게 받으세요.", "배포합니다."]
    assert [texts(page, f"article table tr:nth-child({n}) td") for n in (1, 2, 3)] == [
        ["환경", "주기"], ["스테이징", "매일"], ["프로덕션", "매주"]]
    assert page.inner_text("article pre code") == "blogqa serve --index idx"
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, f"the page scrolls sideways at {width} px ({width_used})"
    shot(page, f"pages-post-structure-{width}")
    page.close()

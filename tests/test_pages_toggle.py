"""The English toggle, in real Chromium at 1280 and 375 px: everything the pages write after
loading (feedback bar, result count, notes, statuses) follows it, and so do post pages; the date
filters are text fields taking YYYY-MM-DD, never the browser's "mm/dd/yyyy"; the header carries
the /insights link and keeps each link on one line. Screenshots: artifacts/screenshots/pages-*."""
from __future__ import annotations

import httpx
import pytest

from pages_util import HANGUL, WIDTHS, texts
from server_util import ONCALL_TITLE
from test_browser import ask_on_search_page, draft_for, shot

# The page's own words (not answers, titles or snippets, which are the blog's data).
SEARCH_CHROME = ["header.top nav", "main h1", ".filters", "#answer-box h2", "#answer-sources-title",
                 "#answer-feedback", "#answer-note", "#results h2", "#result-count", ".badge.internal"]


def chrome_text(page, selectors) -> str:
    return "\n".join(t for s in selectors for t in texts(page, s + ":visible"))


@pytest.mark.parametrize("width", WIDTHS)
def test_search_page_in_english_after_an_answer(page, live, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live.url + "/")
    ask_on_search_page(page, "온콜 대응 가이드와 결제 링크")  # an internal hit too: its badge must follow
    assert page.locator("#hits .badge.internal").count() >= 1
    korean = page.inner_text("#answer-feedback")
    assert "도움이 됐나요?" in korean and "검색 결과" in page.inner_text("#result-count")
    page.click("#lang-toggle")
    assert page.inner_text("#answer-feedback .feedback-row").split() == ["Was", "this", "helpful?", "Yes", "No"]
    n = page.locator("#hits li.hit").count()
    assert page.inner_text("#result-count") == f"{n} results"
    assert texts(page, "#hits .badge.internal")[0] == "internal"
    page.click("#answer-feedback .fb-no")
    assert texts(page, "#answer-feedback label.reason") == [
        "It's wrong", "It's outdated", "It's incomplete", "It didn't answer my question"]
    chrome = chrome_text(page, SEARCH_CHROME)
    assert "Insights" in chrome and not HANGUL.search(chrome), chrome
    shot(page, f"pages-search-en-{width}")
    page.click("#lang-toggle")
    assert page.inner_text("#result-count") == f"검색 결과 {n}건"
    assert "도움이 됐나요?" in page.inner_text("#answer-feedback") and "부족해요" in page.inner_text("#answer-feedback")


def test_abstained_note_and_errors_follow_the_toggle(page, live):
    page.goto(live.url + "/")
    ask_on_search_page(page, "회사 주차장은 몇 층에 있나요?")
    assert page.inner_text("#answer-note") == "확실한 답을 찾지 못했습니다."
    page.click("#lang-toggle")
    assert page.inner_text("#answer-note") == "No confident answer was found."
    assert not page.is_visible("#answer-sources-title")  # no empty "Sources" either


def test_assist_page_in_english(page, live):
    httpx.post(live.url + "/api/public/handover", json={"contact": "010-4444-5555", "question": "환불 문의",
                                                        "reason": "asked_for_person"})
    draft_for(page, live, "안녕하세요.\n결제 링크의 유효 기간은 며칠인가요?\n감사합니다.")
    page.wait_for_selector("#handover-rows tr:has-text('010-4444-5555')")
    row = page.locator("#handover-rows tr", has_text="010-4444-5555").first
    assert row.locator(".reason").inner_text() == "담당자 요청" and row.locator("td.status .state").inner_text() == "진행 중"
    page.click("#lang-toggle")
    assert row.locator(".reason").inner_text() == "asked for a person"
    assert row.locator("td.status .state").inner_text() == "open" and row.locator("button").inner_text() == "Close"
    assert page.inner_text("#draft-feedback .feedback-row").split()[:3] == ["Was", "this", "helpful?"]
    chrome = chrome_text(page, ["header.top nav", "main h1", ".intro", "#assist-form label", "#draft-section > label",
                                "#used-title", "#draft-feedback", ".handovers h2", ".handovers thead"])
    assert not HANGUL.search(chrome), chrome
    shot(page, "pages-assist-en")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the hand-over table fits
    shot(page, "pages-assist-en-375")


def post_links(live) -> tuple[str, str]:
    """An internal post's page and a public post's customer page."""
    internal = httpx.get(live.url + "/api/search", params={"q": ONCALL_TITLE}).json()["hits"][0]
    assert internal["visibility"] == "internal"
    public = httpx.post(live.url + "/api/public/ask", json={"question": "결제 링크의 유효 기간은 얼마인가요?"}).json()
    return internal["link"], public["sources"][0]["link"]


@pytest.mark.parametrize("width", WIDTHS)
def test_post_pages_have_the_toggle(page, live, width):
    internal, public = post_links(live)
    assert "/posts/" in internal and "/widget/posts/" in public
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(internal)
    assert texts(page, "header.top nav a") == ["← 검색", "상담 도우미", "고객 위젯", "인사이트", "API 문서"]
    assert page.inner_text(".badge.internal") == "사내 전용"
    page.click("#lang-toggle")
    assert texts(page, "header.top nav a") == ["← Search", "Support assist", "Customer widget", "Insights", "API docs"]
    assert page.inner_text(".badge.internal") == "internal" and page.inner_text("#lang-toggle") == "한국어"
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("article", "lang") == "ko"
    heights = page.eval_on_selector_all("header.top nav a", "els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 40, heights  # one line each, also at 375 px
    shot(page, f"pages-post-en-{width}")
    page.goto(public)  # the choice is remembered; a customer's page has the toggle but no staff links
    assert page.inner_text("#lang-toggle") == "한국어" and page.locator("header.top nav").count() == 0
    assert page.locator("article h1").inner_text() == "결제 링크 기능 출시"
    page.click("#lang-toggle")
    assert page.inner_text("#lang-toggle") == "English" and page.get_attribute("html", "lang") == "ko"
    shot(page, f"pages-public-post-{width}")


@pytest.mark.parametrize("path", ["/", "/assist"])
def test_internal_pages_link_to_insights(page, live, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live.url + path)
    link = page.locator("header.top nav a[href='/insights']")
    assert link.inner_text() == "인사이트"
    box = link.bounding_box()
    assert box["height"] < 40 and box["x"] + box["width"] <= 375  # on one line, on screen
    page.click("#lang-toggle")
    assert link.inner_text() == "Insights"
    response = page.goto(live.url + link.get_attribute("href"))
    assert response.status == 200  # the page the INSIGHTS work serves


@pytest.mark.parametrize("width", WIDTHS)
def test_date_filters_take_iso_dates_not_mm_dd_yyyy(browser, live, width):
    # an English-locale browser is where type=date showed "mm/dd/yyyy"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    searches = []
    page.on("request", lambda r: searches.append(r.url) if "/api/search?" in r.url else None)
    page.goto(live.url + "/")
    for field in ("#since", "#until"):
        assert page.get_attribute(field, "type") == "text" and page.get_attribute(field, "placeholder") == "YYYY-MM-DD"
    assert page.inner_text(".filters").count("YYYY") == 0  # the placeholder is no label text
    shot(page, f"pages-dates-empty-{width}")
    page.fill("#since", "2022.3.1")  # dots and one-digit parts are read as the same day
    page.fill("#q", "배포 자동화")
    page.press("#q", "Enter")
    page.wait_for_selector("#hits li.hit")
    assert "since=2022-03-01" in searches[-1]
    page.fill("#until", "2022-02-31")
    page.press("#q", "Enter")
    page.wait_for_timeout(300)
    assert len(searches) == 1  # not sent: no such day
    assert page.evaluate("document.getElementById('until').validationMessage") == \
        "날짜는 YYYY-MM-DD 형식으로 입력하세요 (예: 2024-01-31)."
    page.click("#lang-toggle")
    assert page.evaluate("document.getElementById('until').validationMessage") == \
        "Enter dates as YYYY-MM-DD (e.g. 2024-01-31)."
    shot(page, f"pages-dates-invalid-{width}")
    page.fill("#until", "2022-12-31")
    page.press("#q", "Enter")
    page.wait_for_timeout(300)
    page.wait_for_selector("#hits li.hit")
    assert len(searches) == 2 and "until=2022-12-31" in searches[-1]
    context.close()

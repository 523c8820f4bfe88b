"""The three pages in a real browser: Playwright for Python driving Debian's Chromium.

Each test types a Korean question, waits for the answer and follows a source link; the widget
must show no internal post; the XSS post must stay inert. Screenshots land in
artifacts/screenshots/ (a CI artifact; Hangul needs the fonts-noto-cjk package)."""
from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from server_util import ONCALL_TITLE, ROOT, SECRET_PHRASE, SECRET_TITLE, XSS_TITLE
from shared_fixtures import CHROMIUM

SHOTS = ROOT / "artifacts" / "screenshots"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


def shot(pg, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def assert_inert(pg) -> None:
    assert pg.dialogs == []
    assert pg.evaluate("typeof window.__xss") == "undefined"
    assert pg.evaluate("document.querySelectorAll('img[src=x], main script, ol script').length") == 0


def follow(pg, link) -> None:
    href = link.get_attribute("href")
    assert href and href.startswith("http://127.0.0.1")
    response = pg.goto(href)
    assert response.status == 200


def test_search_page(page, live):
    page.goto(live.url + "/")
    assert page.locator("h1").inner_text() == "사내 블로그 검색"
    page.fill("#since", "2022-01-01")
    page.fill("#q", "배포 시간은 얼마나 줄었나요?")
    page.press("#q", "Enter")
    page.wait_for_selector("#answer-text a.cite")
    assert "8분" in page.inner_text("#answer-text")
    page.wait_for_selector("#hits li.hit")
    first = page.locator("#hits li.hit").first
    assert first.locator(".hit-title").inner_text() == "GitHub Actions로 배포 자동화하기"
    assert first.locator("mark").count() > 0 and first.locator(".date").inner_text() == "2022-03-14"
    assert first.locator("button.tag").count() == 3
    page.locator("#answer-feedback .fb-yes").click()
    page.wait_for_selector("#answer-feedback .feedback-status:has-text('감사')")
    shot(page, "search")
    follow(page, page.locator("#answer-sources a.source-link").first)
    assert page.locator("h1").inner_text() == "GitHub Actions로 배포 자동화하기"


def ask_on_search_page(page, question: str) -> None:
    page.fill("#q", question)
    page.press("#q", "Enter")
    page.wait_for_selector("#answer-feedback .feedback")  # the answer is complete
    page.wait_for_selector("#hits li.hit, #result-count:not(:empty)")


@pytest.mark.parametrize("width", [1200, 375])
def test_abstained_answer_shows_no_empty_sources(page, live, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live.url + "/")
    ask_on_search_page(page, "결제 링크의 유효 기간은 며칠인가요?")
    assert page.is_visible("#answer-sources-title") and page.locator("#answer-sources li").count() >= 1
    # the next answer abstains: the sources heading of the one before must not linger, empty
    ask_on_search_page(page, "회사 주차장은 몇 층에 있나요?")
    assert page.is_visible("#answer-note")
    assert not page.is_visible("#answer-sources-title") and not page.is_visible("#answer-sources")
    assert page.locator("#answer-sources li").count() == 0
    box = page.inner_text("#answer-box")
    assert "출처" not in box and "사용한 글이 없습니다" not in box
    shot(page, f"search-abstained-{width}")


def test_language_toggle(page, live):
    page.goto(live.url + "/")
    page.click("#lang-toggle")
    assert page.locator("h1").inner_text() == "Company blog search"
    assert page.get_attribute("#q", "placeholder").startswith("Ask the blog")
    shot(page, "search-en")
    page.click("#lang-toggle")
    assert page.locator("h1").inner_text() == "사내 블로그 검색"


def draft_for(page, live, email: str) -> str:
    """Paste `email` on /assist, ask for a draft, and return it."""
    page.goto(live.url + "/assist")
    page.fill("#email", email)
    page.click("#draft-button")
    page.wait_for_selector("#draft-section:not([hidden])")
    return page.input_value("#draft")


def test_assist_page(page, live):
    draft = draft_for(page, live, "안녕하세요. 한빛페이 가맹점입니다.\n결제 링크의 유효 기간은 며칠인가요?\n"
                                  "답변은 hong@shop.example 로 부탁드립니다.\n홍길동 드림")
    assert draft.startswith("안녕하세요") and "7일" in draft and "[1]" in draft
    page.fill("#draft", draft + "\n(검토함)")
    page.click("#copy-button")
    page.wait_for_selector("#copy-status:has-text('복사')")
    assert page.evaluate("navigator.clipboard.readText()").endswith("(검토함)")
    used = page.locator("#used-posts a.source-link")
    assert used.first.inner_text() == "결제 링크 기능 출시"
    assert "/widget/posts/" in used.first.get_attribute("href")  # a link the customer can open
    shot(page, "assist")
    follow(page, used.first)
    assert page.locator("h1").inner_text() == "결제 링크 기능 출시"


def test_assist_page_two_questions_and_an_unanswerable_one(page, live):
    draft = draft_for(page, live, "안녕하세요, 한빛페이 가맹점입니다.\n결제 링크의 유효 기간은 며칠인가요?\n"
                                  "그리고 회사 구내식당의 이번 주 점심 메뉴는 무엇인가요?\n김철수 드림")
    assert draft.startswith("안녕하세요") and "1) 결제 링크의 유효 기간은" in draft and "2) 그리고 회사 구내식당" in draft
    assert "7일" in draft and "[1.1]" in draft and "[1.1] 결제 링크 기능 출시" in draft
    assert page.is_visible("#draft-warning")  # the second question has no answer in the blog
    shot(page, "assist-two-questions")


def test_assist_page_without_posts_shows_a_note_not_a_numbered_list(page, live):
    draft_for(page, live, "안녕하세요.\n회사 구내식당의 이번 주 점심 메뉴는 무엇인가요?\n감사합니다.")
    assert page.is_visible("#used-none") and not page.is_visible("#used-posts") and not page.is_visible("#used-title")


def test_assist_lists_handovers(page, live):
    httpx.post(live.url + "/api/public/handover", json={"contact": "010-2222-3333", "question": "정산 문의드립니다"})
    page.goto(live.url + "/assist")
    page.wait_for_selector("#handover-rows tr:has-text('010-2222-3333')")
    row = page.locator("#handover-rows tr", has_text="010-2222-3333").first
    row.locator("button").click()
    page.wait_for_selector("#handover-rows tr.status-closed:has-text('010-2222-3333')")


def open_widget(page, live):
    page.goto(live.url + "/widget")
    page.click("#blogqa-widget .bubble")
    page.wait_for_selector("#blogqa-widget .panel:not([hidden])")


def widget_ask(page, question: str):
    before = page.locator("#blogqa-widget .bot-answer").count()
    page.fill("#blogqa-widget .input", question)
    page.press("#blogqa-widget .input", "Enter")
    answers = page.locator("#blogqa-widget .bot-answer")
    sync_api.expect(answers).to_have_count(before + 1, timeout=60_000)
    return answers.last


def test_widget(page, live):
    open_widget(page, live)
    answer = widget_ask(page, "결제 링크의 유효 기간은 얼마인가요?")
    assert "7일" in answer.inner_text()
    link = answer.locator("a.source-link").first
    assert link.inner_text() == "결제 링크 기능 출시"
    href = link.get_attribute("href")
    shot(page, "widget")
    answer.locator("button.unhelpful").click()
    answer.locator("form.reasons .chip[data-reason='incomplete']").click()  # why it did not help, then the form
    answer.locator("form.reasons .reason-submit").click()
    form = answer.locator("form.handover")
    form.locator(".contact").fill("customer@shop.example")
    shot(page, "widget-handover")
    form.locator(".handover-submit").click()
    page.wait_for_selector("#blogqa-widget .done")
    listed = httpx.get(live.url + "/api/handovers").json()["handovers"]
    assert any(h["contact"] == "customer@shop.example" and "유효 기간" in h["question"] for h in listed)
    page.goto(href)
    assert page.locator("h1").inner_text() == "결제 링크 기능 출시"


@pytest.mark.parametrize("question", [ONCALL_TITLE, SECRET_TITLE, SECRET_PHRASE])
def test_widget_shows_no_internal_post(page, live, question):
    open_widget(page, live)
    answer = widget_ask(page, question)
    text = page.locator("#blogqa-widget .log").inner_text()
    assert answer.locator("form.handover").count() == 1  # nothing public answers it: hand-over offered
    for secret in ("grafana.internal.example", "온콜 대응 가이드", "17퍼센트", "대외비"):
        assert secret not in text.replace(question, "")


def test_xss_post_stays_inert_everywhere(page, live):
    page.goto(live.url + "/?q=" + "보안 점검 안내 결과")
    page.wait_for_selector("#hits li.hit")
    titles = page.locator("#hits .hit-title").all_inner_texts()
    assert XSS_TITLE in titles  # shown as text, literally
    page.wait_for_selector("#answer-sources li")
    shot(page, "xss")
    assert_inert(page)
    xss_link = page.locator("#hits a.hit-title", has_text="보안 점검 안내").first.get_attribute("href")
    page.goto(xss_link)
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert_inert(page)
    open_widget(page, live)
    answer = widget_ask(page, "보안 점검 안내")
    assert "<script>" in answer.inner_text() or "<img" in page.locator("#blogqa-widget .log").inner_text()
    assert_inert(page)
    page.goto(live.url + "/assist")
    page.fill("#email", "보안 점검 안내 글을 보고 문의드립니다. 입력값은 어디서 검증하나요?")
    page.click("#draft-button")
    page.wait_for_selector("#draft-section:not([hidden])")
    assert_inert(page)


def test_docs_page_renders_offline(page, live):
    page.goto(live.url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "blogqa" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path:has-text('/api/ask')")
    shot(page, "docs")


@pytest.mark.parametrize("path", ["/", "/assist"])
def test_the_header_keeps_each_link_on_one_line_at_375px(page, live, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live.url + path)
    heights = page.eval_on_selector_all("header.top nav a", "els => els.map(e => e.getBoundingClientRect().height)")
    line = page.eval_on_selector("header.top nav a", "e => parseFloat(getComputedStyle(e).lineHeight) || 24")
    assert heights and max(heights) <= line * 1.3, heights  # one syllable per line was 4-5 lines tall
    shot(page, f"header-375{path.replace('/', '-') or '-'}")

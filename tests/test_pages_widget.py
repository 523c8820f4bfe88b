"""The customer widget in real Chromium at 1280 and 375 px, on websites Playwright serves itself:
its data- options (colour, position, title, greeting, logo, placeholder, language), the message
when the website's origin is not in BLOGQA_ALLOWED_ORIGINS (panel, preview page, console) instead
of "Failed to fetch", scrolling to a new answer's start, the conversation id, and the reasons
for "didn't help" and for a hand-over, read back from the events store."""
from __future__ import annotations

import re

import httpx
import pytest

from pages_util import LOGO, WIDTHS, site, stored, texts, website
from server_util import serve
from test_browser import open_widget, shot, sync_api, widget_ask

W = "#blogqa-widget"
THEME = dict(lang="ko", accent="#0a7d55", position="bottom-left", title="한빛페이 고객센터", title_en="Hanbit Pay help",
             greeting="안녕하세요! 결제와 정산에 대해 물어보세요.", placeholder="예: 결제 링크는 며칠 동안 쓸 수 있나요?",
             logo="/logo.svg")  # the website's own logo, by a relative URL


@pytest.fixture(scope="module")
def shop(corpus):
    """A customer's website on its own loopback origin, and a blogqa server that allows it."""
    pages = {"/logo.svg": LOGO}
    with website(pages) as origin:
        server = serve(corpus.index, allowed_origins=(origin,), public_rate_limit=1000)
        server.origin, server.pages = origin, pages
        yield server
        server.stop()


def visit(page, shop, path: str, **options) -> None:
    shop.pages[path] = site(shop.url, **options)
    page.goto(shop.origin + path)


def open_bubble(page):
    page.click(f"{W} .bubble")
    page.wait_for_selector(f"{W} .panel:not([hidden])")


@pytest.mark.parametrize("width", WIDTHS)
def test_widget_options(page, shop, width):
    page.set_viewport_size({"width": width, "height": 760})
    visit(page, shop, "/", **THEME)
    bubble = page.locator(f"{W} .bubble")
    assert bubble.bounding_box()["x"] < 40  # bottom-left
    assert bubble.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(10, 125, 85)"
    open_bubble(page)
    panel = page.locator(f"{W} .panel").bounding_box()
    assert panel["x"] < 40 and panel["x"] + panel["width"] <= width
    assert page.inner_text(f"{W} header .title") == "한빛페이 고객센터"
    assert page.inner_text(f"{W} .greeting") == "안녕하세요! 결제와 정산에 대해 물어보세요."
    assert page.get_attribute(f"{W} .input", "placeholder") == "예: 결제 링크는 며칠 동안 쓸 수 있나요?"
    logo = page.locator(f"{W} header img.logo")
    assert logo.get_attribute("src") == shop.origin + "/logo.svg"
    page.wait_for_function("() => document.querySelector('#blogqa-widget').shadowRoot"
                           ".querySelector('img.logo').naturalWidth === 64")
    answer = widget_ask(page, "결제 링크의 유효 기간은 얼마인가요?")
    assert "7일" in answer.inner_text()
    assert page.locator(f"{W} .msg.user p").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(10, 125, 85)"
    shot(page, f"pages-widget-options-{width}")
    page.click(f"{W} header .lang")  # English: the -en title, built-in words where none is given
    assert page.inner_text(f"{W} header .title") == "Hanbit Pay help"
    assert page.get_attribute(f"{W} .input", "placeholder") == "Type your question"
    assert page.inner_text(f"{W} .greeting") == "Hello! Ask us anything."
    assert texts(page, f"{W} .bot-answer .actions button") == ["This helped", "This didn't help"]
    assert page.inner_text(f"{W} .bot-answer .label") == "Sources"


def test_widget_options_light_accent_and_bad_values(page, shop):
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    visit(page, shop, "/light", accent="#ffd400", position="top-middle")
    bubble = page.locator(f"{W} .bubble")
    assert bubble.evaluate("e => getComputedStyle(e).color") == "rgb(29, 35, 48)"  # dark text on a light colour
    assert bubble.bounding_box()["x"] > 1000  # an unknown position falls back to bottom-right
    assert any("data-position" in w for w in warnings)
    visit(page, shop, "/bad", accent="url(javascript:alert(1))")
    assert page.locator(f"{W} .bubble").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(36, 87, 197)"
    assert any("data-accent" in w for w in warnings)


def preview_elsewhere(live) -> str:
    """The /widget preview page as another origin would serve it (its scripts from the server)."""
    html = httpx.get(live.url + "/widget").text
    return html.replace('src="/', f'src="{live.url}/').replace('href="/', f'href="{live.url}/')


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_origin_is_explained(page, live, width):
    with website({"/widget": preview_elsewhere(live)}) as origin:
        refused_origin(page, live, width, origin)


def refused_origin(page, live, width, origin):
    assert httpx.options(live.url + "/api/public/ask", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"}).status_code == 403  # what the server does
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 760})
    page.goto(origin + "/widget")
    open_bubble(page)
    refused = page.locator(f"{W} .refused").first  # said as soon as the panel opens
    sync_api.expect(page.locator(f"{W} .refused")).to_have_count(1, timeout=10_000)
    assert "BLOGQA_ALLOWED_ORIGINS" in refused.inner_text() and origin in refused.inner_text()
    banner = page.locator("#origin-refused")
    assert banner.is_visible() and "BLOGQA_ALLOWED_ORIGINS" in banner.inner_text() and origin in banner.inner_text()
    console = "\n".join(e for e in errors if "[blogqa]" in e)
    assert f"BLOGQA_ALLOWED_ORIGINS에 {origin}을 추가" in console and f"{origin} to BLOGQA_ALLOWED_ORIGINS" in console
    page.fill(f"{W} .input", "결제 링크의 유효 기간은 얼마인가요?")  # asking anyway says the same, not "Failed to fetch"
    page.press(f"{W} .input", "Enter")
    sync_api.expect(page.locator(f"{W} .msg.bot .refused")).to_have_count(2, timeout=10_000)
    assert "Failed to fetch" not in page.inner_text(f"{W} .log")
    shot(page, f"pages-widget-refused-{width}")
    page.click("#lang-toggle")  # the preview page's toggle switches the widget too
    assert "is not allowed" in banner.inner_text() and "BLOGQA_ALLOWED_ORIGINS" in banner.inner_text()
    assert page.inner_text(f"{W} header .title") == "How can we help?"
    assert all("is not allowed" in t for t in texts(page, f"{W} .refused"))


def test_an_allowed_origin_gets_answers(page, shop):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    visit(page, shop, "/plain", lang="ko")
    open_bubble(page)
    answer = widget_ask(page, "결제 링크의 유효 기간은 얼마인가요?")
    assert "7일" in answer.inner_text()
    assert page.locator(f"{W} .refused").count() == 0 and errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_widget_scrolls_to_the_start_of_a_new_answer(page, live, width):
    page.set_viewport_size({"width": width, "height": 460})  # a short screen: the answer is taller than the log
    open_widget(page, live)
    widget_ask(page, "정산 주기는 어떻게 되나요?")
    answer = widget_ask(page, "환불 API v3에서 무엇이 바뀌었나요?")  # the sample blog's longest answer
    log = page.locator(f"{W} .log").bounding_box()
    box = answer.bounding_box()
    assert box["height"] > log["height"], (box, log)  # a long answer: its end and its start differ
    assert log["y"] <= box["y"] <= log["y"] + 24, (box, log)  # its first line at the top of the log
    assert page.locator(f"{W} .log").evaluate("e => e.scrollTop") > 0
    shot(page, f"pages-widget-scrolled-{width}")
    answer.locator("button.unhelpful").click()  # what opens below is scrolled into view, from its start
    reasons = answer.locator("form.reasons").bounding_box()
    log = page.locator(f"{W} .log").bounding_box()
    assert log["y"] <= reasons["y"] < log["y"] + log["height"] - 40


def test_one_conversation_id_per_visit(page, live, browser):
    asked = []
    page.on("request", lambda r: asked.append(r.post_data_json)
            if r.url.endswith("/api/public/ask") and r.method == "POST" else None)
    open_widget(page, live)
    widget_ask(page, "결제 링크의 유효 기간은 얼마인가요?")
    widget_ask(page, "정산 주기는 어떻게 되나요?")
    page.reload()  # the same tab keeps its conversation
    open_widget(page, live)
    widget_ask(page, "환불 API는 어떻게 바뀌었나요?")
    ids = {body["conversation_id"] for body in asked}
    assert len(asked) == 3 and len(ids) == 1
    (conversation,) = ids
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", conversation)
    rows = [q for q in stored(live)["questions"] if q["conversation_id"] == conversation]
    assert len(rows) == 3 and {q["origin"] for q in rows} == {"widget"}
    other = browser.new_context()  # another visitor, another conversation
    try:
        second = other.new_page()
        second.goto(live.url + "/widget")
        assert second.evaluate("window.blogqaWidget.conversationId()") not in (conversation, "")
    finally:
        other.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_didnt_help_asks_why_then_offers_a_person(page, live, width):
    page.set_viewport_size({"width": width, "height": 760})
    open_widget(page, live)
    answer = widget_ask(page, "결제 링크의 유효 기간은 얼마인가요?")
    answer.locator("button.unhelpful").click()
    assert texts(page, f"{W} form.reasons .chip") == ["틀렸어요", "오래된 정보예요", "부족해요", "질문에 답하지 않았어요"]
    answer.locator(".chip[data-reason='wrong']").click()
    answer.locator("form.reasons .comment").fill("30일이 아니라 14일이에요")
    with page.expect_request(lambda r: r.url.endswith("/api/public/feedback")) as sent:
        answer.locator("form.reasons .reason-submit").click()
    body = sent.value.post_data_json
    assert body["helpful"] is False and body["reason"] == "wrong" and body["comment"] == "30일이 아니라 14일이에요"
    form = answer.locator("form.handover")
    select = form.locator("select.reason")
    assert select.input_value() == "wrong_answer"  # chosen from the reason just given
    assert texts(page, f"{W} form.handover select.reason option") == [
        "담당자와 직접 이야기하고 싶어요", "답을 찾지 못했어요", "답이 틀렸어요", "기타"]
    shot(page, f"pages-widget-reasons-{width}")
    page.click(f"{W} header .lang")
    assert texts(page, f"{W} form.handover select.reason option")[0] == "I'd like to talk to a person"
    select.select_option("asked_for_person")
    form.locator(".contact").fill(f"buyer{width}@shop.example")
    with page.expect_response(lambda r: r.url.endswith("/api/public/handover")) as handed:
        form.locator(".handover-submit").click()
    assert handed.value.status == 200 and handed.value.request.post_data_json["reason"] == "asked_for_person"
    page.wait_for_selector(f"{W} .done")
    events = stored(live)
    feedback = [f for f in events["feedback"] if f["answer_id"] == body["answer_id"]]
    assert [(f["helpful"], f["reason"], f["comment"]) for f in feedback] == [(False, "wrong", "30일이 아니라 14일이에요")]
    handover = [h for h in events["handovers"] if h["contact"] == f"buyer{width}@shop.example"]
    assert len(handover) == 1 and handover[0]["reason"] == "asked_for_person"
    assert handover[0]["answer_id"] == body["answer_id"]


def test_an_unanswered_question_offers_a_person_with_reason_no_answer(page, live):
    open_widget(page, live)
    answer = widget_ask(page, "회사 주차장은 몇 층에 있나요?")
    select = answer.locator("form.handover select.reason")
    assert select.input_value() == "no_answer"
    answer.locator("form.handover .contact").fill("010-7777-8888")
    with page.expect_response(lambda r: r.url.endswith("/api/public/handover")) as handed:
        answer.locator("form.handover .handover-submit").click()
    assert handed.value.status == 200
    rows = [h for h in stored(live)["handovers"] if h["contact"] == "010-7777-8888"]
    assert rows and rows[-1]["reason"] == "no_answer"

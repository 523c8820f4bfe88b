"""Feedback with a reason on the search page and the assist page, in real Chromium at 1280 and
375 px: "아니요" opens the four reasons and an optional comment, sent as one feedback, and the
running server stores the reason and comment (read back through the events store)."""
from __future__ import annotations

import pytest

from pages_util import WIDTHS, stored, texts
from test_browser import ask_on_search_page, draft_for, shot

KOREAN_REASONS = ["틀렸어요", "오래된 정보예요", "부족해요", "질문에 답하지 않았어요"]


def send_reason(page, box: str, reason_label: str, comment: str | None):
    """Click No in `box`, pick a reason, maybe a comment, send; return the request body."""
    page.click(f"{box} .fb-no")
    assert page.is_visible(f"{box} .feedback-reasons")
    assert texts(page, f"{box} label.reason") == KOREAN_REASONS
    page.locator(f"{box} label.reason", has_text=reason_label).click()
    if comment:
        page.fill(f"{box} .fb-comment", comment)
    with page.expect_response(lambda r: r.url.endswith("/feedback") and r.request.method == "POST") as sent:
        page.click(f"{box} .fb-send")
    assert sent.value.status == 200, sent.value.text()
    page.wait_for_selector(f"{box} .feedback-status:has-text('감사')")
    assert not page.is_visible(f"{box} .feedback-reasons")
    return sent.value.request.post_data_json


def feedback_row(live, answer_id: str) -> dict:
    rows = [f for f in stored(live)["feedback"] if f["answer_id"] == answer_id]
    assert len(rows) == 1, rows  # one feedback, not a "no" and then a reason
    return rows[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_search_page_not_helpful_with_a_reason(page, live, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live.url + "/")
    ask_on_search_page(page, "정산 주기는 어떻게 되나요?")
    answer_id = page.get_attribute("#answer-box", "data-answer-id")
    body = send_reason(page, "#answer-feedback", "오래된 정보예요", "2024년 2월 이후 내용이 없어요 010-1234-5678")
    assert body == {"answer_id": answer_id, "helpful": False, "reason": "outdated",
                    "comment": "2024년 2월 이후 내용이 없어요 010-1234-5678"}
    row = feedback_row(live, answer_id)
    assert row["helpful"] is False and row["reason"] == "outdated" and row["surface"] == "api"
    assert row["comment"].startswith("2024년 2월 이후 내용이 없어요") and "010-1234-5678" not in row["comment"]
    shot(page, f"pages-feedback-search-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_assist_page_not_helpful_with_a_reason(page, live, width):
    page.set_viewport_size({"width": width, "height": 900})
    draft_for(page, live, "안녕하세요.\n결제 링크의 유효 기간은 며칠인가요?\n감사합니다.")
    page.click("#lang-toggle")  # in English the choice reads in English, the stored value is the same
    page.click("#draft-feedback .fb-no")
    assert texts(page, "#draft-feedback label.reason") == [
        "It's wrong", "It's outdated", "It's incomplete", "It didn't answer my question"]
    page.locator("#draft-feedback label.reason", has_text="It didn't answer").click()
    with page.expect_response(lambda r: r.url.endswith("/api/feedback")) as sent:
        page.click("#draft-feedback .fb-send")
    body = sent.value.request.post_data_json
    assert sent.value.status == 200 and body["reason"] == "not_answered" and "comment" not in body
    page.wait_for_selector("#draft-feedback .feedback-status:has-text('Thanks')")
    assert feedback_row(live, body["answer_id"])["reason"] == "not_answered"
    shot(page, f"pages-feedback-assist-{width}")


def test_helpful_sends_no_reason(page, live):
    page.goto(live.url + "/")
    ask_on_search_page(page, "결제 링크의 유효 기간은 며칠인가요?")
    with page.expect_response(lambda r: r.url.endswith("/api/feedback")) as sent:
        page.click("#answer-feedback .fb-yes")
    assert sent.value.request.post_data_json == {"answer_id": page.get_attribute("#answer-box", "data-answer-id"),
                                                 "helpful": True}
    row = feedback_row(live, sent.value.request.post_data_json["answer_id"])
    assert row["helpful"] is True and row["reason"] is None

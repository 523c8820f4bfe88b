"""Pure parts of the events log: redaction of phone numbers (and what must stay), the origin rule,
the retention window, and the daily purge (on a real SQLite log, the day shortened)."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from blogqa.errors import UsageError
from blogqa.events import open_events, origin_of, redact
from blogqa.events.retention import Retention, cutoff


@pytest.mark.parametrize("phone", [
    "010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "011-123-4567", "02-123-4567",
    "02-1234-5678", "0212345678", "(02) 123-4567", "031-123-4567", "064)123-4567", "070-1234-5678",
    "0505-123-4567", "080-123-4567", "1588-1234", "1644-0000",
    "+82 10 1234 5678", "+82-10-1234-5678", "+821012345678", "+82 2 123 4567", "+1 415 555 0100",
    "+1 (415) 555-0100", "+44 20 7946 0958",
])
def test_phone_numbers_are_redacted(phone):
    assert redact(f"연락처 {phone} 입니다") == "연락처 [phone] 입니다"
    assert redact(f"전화:{phone}로 주세요") == "전화:[phone]로 주세요"  # Hangul may touch it
    assert redact(f"call {phone}.") == "call [phone]."


@pytest.mark.parametrize("text", [
    "2024-01-15", "2024.01.15", "2024/01/15", "20240115", "1.2.3", "v2.10.3", "#12345", "주문번호 #20240115-0001",
    "1999-2024년", "3.14159", "1,000,000원", "14:30", "10-20%", "ISBN 978-3-16-148410-0", "010-1234-5678-9",
    "+10 20", "order 123-4567", "build 0.10.12345678", "1234-5678",
])
def test_dates_versions_and_order_numbers_stay(text):
    assert redact(f"메모 {text} 끝") == f"메모 {text} 끝"


def test_emails_and_phones_together():
    assert redact("kim@example.com 이나 010-1234-5678, +1 415 555 0100") == "[email] 이나 [phone], [phone]"
    assert redact(None) is None and redact("") == ""


@pytest.mark.parametrize("kind,surface,origin", [
    ("ask", "api", "ask"), ("search", "api", "search"), ("ask", "public", "widget"), ("ask", "openai", "openai"),
    ("ask", "assist", "assist"), ("chat", "api", "ask"),
])
def test_origin_rule(kind, surface, origin):
    assert origin_of(kind, surface) == origin


def test_cutoff_is_the_first_day_kept():
    assert cutoff(30, dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)
    assert cutoff(1, dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)
    with pytest.raises(UsageError, match="--keep-days must be at least 1"):
        Retention(None, 0)


def backdate(store, days: int) -> None:
    at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="milliseconds")
    store._change("UPDATE questions SET at=? WHERE id=(SELECT max(id) FROM questions)", (at,))


def test_retention_purges_at_start_and_again_on_schedule(tmp_path):
    store = open_events(str(tmp_path / "idx"))
    try:
        store.log_question(kind="ask", surface="api", question="old", latency_ms=1, answer_id="q1")
        backdate(store, 10)
        store.log_question(kind="ask", surface="api", question="new", latency_ms=1, answer_id="q2")
        keep = Retention(store, days=7, every_s=0.05)
        assert keep.start() == {"questions": 1, "feedback": 0, "handovers": 0}
        store.log_question(kind="ask", surface="api", question="aged later", latency_ms=1, answer_id="q3")
        backdate(store, 8)
        deadline = time.monotonic() + 5
        while len(store.questions()) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        keep.stop()
        assert [q["question"] for q in store.questions()] == ["new"]
    finally:
        store.close()

"""Pure pieces of the server: redaction, snippets, keys, loopback, rate window, SSE framing."""
from __future__ import annotations

import base64

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

from blogqa.server.events import EventStore, redact  # noqa: E402
from blogqa.server.gate import body_limit, is_loopback, is_public, key_ok, presented_key  # noqa: E402
from blogqa.server.ratelimit import SlidingWindow  # noqa: E402
from blogqa.answer.audience import CUSTOMER, INTERNAL  # noqa: E402
from blogqa.server.sse import sse  # noqa: E402
from blogqa.server.text import email_question, highlight_terms, snippet  # noqa: E402


@pytest.mark.parametrize("text,expected", [
    ("메일은 kim.j+x@mail.example.com 으로", "메일은 [email] 으로"),
    ("a@b.co, c_d@e-f.org", "[email], [email]"),
    ("no address @ here", "no address @ here"),
    ("", ""),
    (None, None),
])
def test_redact(text, expected):
    assert redact(text) == expected


def test_snippet_windows_around_the_term():
    text = "가" * 300 + " 배포 시간은 40분에서 8분으로 줄었습니다 " + "나" * 300
    s = snippet(text, ["배포"], width=40)
    assert s.startswith("…") and s.endswith("…") and "배포" in s and len(s) <= 42
    assert abs(s.index("배포") - len(s) / 2) < 10  # centred on the match (tests/test_pages_text.py has more)
    assert snippet("짧은 글", ["배포"]) == "짧은 글"
    assert snippet("a  b\n\nc", []) == "a b c"
    assert snippet("x" * 500, ["없음"], width=10) == "x" * 10 + "…"


def test_highlight_terms():
    assert highlight_terms("배포는 Docker 로", None) == ["배포는", "docker"]

    class Tok:  # content morphemes only, as kiwi gives them
        def tokens(self, text):
            return ["배포", "docker"]

    assert highlight_terms("배포는 docker", Tok()) == ["배포", "docker"]


@pytest.mark.parametrize("header,key", [
    ("Bearer k1", "k1"), ("bearer  k1 ", "k1"), ("Basic " + base64.b64encode(b"staff:k1").decode(), "k1"),
    ("Basic !!!", None), ("Token k1", None), (None, None), ("Bearer", None),
])
def test_presented_key(header, key):
    assert presented_key(header) == key


def test_key_ok():
    assert key_ok("k2", ("k1", "k2")) and not key_ok("k3", ("k1", "k2")) and not key_ok(None, ("k1",))


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True),
                                       ("::ffff:127.0.0.1", True), ("10.0.0.1", False), ("203.0.113.7", False),
                                       ("localhost", True), ("example.com", False), (None, True)])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


@pytest.mark.parametrize("path,public", [("/widget", True), ("/widget.js", True), ("/widget/posts/a", True),
                                         ("/healthz", True), ("/api/public/ask", True), ("/static/app.css", True),
                                         ("/", False), ("/assist", False), ("/docs", False), ("/widgets", False),
                                         ("/api/ask", False), ("/v1/models", False), ("/api/publicx", False)])
def test_is_public(path, public):
    assert is_public(path) is public


def test_body_limits_by_prefix():
    assert body_limit("/api/public/ask") < body_limit("/api/ask") < body_limit("/v1/chat/completions")


def test_sliding_window():
    w = SlidingWindow(limit=2, window=60)
    assert w.hit("a", now=0) == 0 and w.hit("a", now=1) == 0
    assert w.hit("a", now=2) == pytest.approx(58)
    assert w.hit("b", now=2) == 0
    assert w.hit("a", now=60.5) == 0  # the first hit left the window
    assert SlidingWindow(limit=0).hit("a") == 0  # 0 turns the limit off


def test_sliding_window_forgets_idle_clients():
    w = SlidingWindow(limit=1, window=10, max_clients=2)
    w.hit("a", now=0)
    w.hit("b", now=0)
    w.hit("c", now=20)
    assert set(w._hits) == {"c"}


def test_sse_framing():
    assert sse("token", {"text": "안녕"}) == 'event: token\ndata: {"text": "안녕"}\n\n'.encode()
    assert sse(None, "[DONE]") == b"data: [DONE]\n\n"
    assert b"\n\n" not in sse("token", {"text": "a\n\nb"})[:-2]  # newlines stay inside the JSON


def test_post_links_by_audience():
    assert INTERNAL.link("http://h:1/", "_posts/a b.md", None) == "http://h:1/posts/_posts/a%20b.md"
    assert CUSTOMER.link("http://h:1/", "x", None) == "http://h:1/widget/posts/x"
    assert CUSTOMER.link("http://h:1/", "x", "https://blog.example/x") == "https://blog.example/x"


def test_event_store_migrates_once_and_keeps_rows(tmp_path):
    path = tmp_path / "events.sqlite"
    store = EventStore(path)
    store.log_question(kind="ask", surface="api", question="q kim@a.example", latency_ms=1.5, answer_id="a1",
                       abstained=False, confidence=0.5, sources=["p1"])
    store.log_feedback("a1", True, "by lee@b.example", surface="api")
    h = store.add_handover(contact="lee@b.example", question="help", surface="public")
    store.close()
    again = EventStore(path)  # reopening runs no migration twice
    assert again.questions()[0]["question"] == "q [email]"
    assert again.feedback("a1")[0]["comment"] == "by [email]"
    assert again.handovers()[0]["contact"] == "lee@b.example" and again.handovers()[0]["id"] == h["id"]
    assert again.answer_surface("a1") == "api" and again.answer_surface("zz") is None
    assert again.set_status(h["id"], "closed") and not again.set_status(999, "closed")
    assert again._select("PRAGMA user_version")[0]["user_version"] == 2  # m001, m002 (tests/events_contract.py)


@pytest.mark.parametrize("email,question", [
    ("안녕하세요. 가맹점입니다.\n결제 링크는 며칠 동안 쓸 수 있나요?\n"
     "답변은 hong@shop.example 로 부탁드립니다.\n홍길동 드림",
     "결제 링크는 며칠 동안 쓸 수 있나요?"),
    ("Hi team,\nHow long is a payment link valid?\nThanks,\nKim", "How long is a payment link valid?"),
    ("정산 주기를 알려주세요", "정산 주기를 알려주세요"),
    ("환불 API가 바뀌었다고 들었습니다. 연락처 010-1234-5678", "환불 API가 바뀌었다고 들었습니다."),
    ("안녕하세요", "안녕하세요"),
])
def test_email_question(email, question):
    assert email_question(email) == question

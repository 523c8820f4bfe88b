"""Issue 15 over real HTTP (uvicorn on loopback): feedback and hand-over reasons, the widget's
conversation_id, the origin of every logged question, phone numbers kept out of the log, and
`blogqa serve --keep-days N`. Everything is read back through the events store."""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest


from blogqa.events import open_events

QUESTION = "배포 시간은 얼마나 줄었나요?"
WIDE = (dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc))


@pytest.fixture(scope="module")
def client(live):
    with httpx.Client(base_url=live.url, timeout=120) as c:
        yield c


@pytest.fixture
def events(corpus):
    store = open_events(str(corpus.index), None)  # the file the live server writes: events.sqlite beside idx
    yield store
    store.close()


def question_row(events, answer_id: str) -> dict:
    rows = [q for q in events.read(*WIDE)["questions"] if q["answer_id"] == answer_id]
    assert len(rows) == 1, rows
    return rows[0]


def error_message(response) -> str:
    assert response.status_code == 422, response.text
    return response.json()["error"]["message"]


def test_every_surface_records_its_origin(client, events):
    marker = uuid.uuid4().hex[:8]
    searched = client.get("/api/search", params={"q": f"배포 자동화 {marker}"})
    assert searched.status_code == 200
    asked = client.post("/api/ask", json={"question": QUESTION}).json()["answer_id"]
    with client.stream("POST", "/api/ask", json={"question": QUESTION, "stream": True}) as r:
        streamed = [line for line in r.iter_lines() if line.startswith("data:")]
    streamed_id = json.loads(streamed[0][len("data:"):])["answer_id"]  # the `meta` event
    assisted = client.post("/api/assist", json={"email": "안녕하세요.\n배포 시간은 얼마나 줄었나요?\n감사합니다"}).json()
    widget = client.post("/api/public/ask", json={"question": QUESTION}).json()["answer_id"]
    chat = client.post("/v1/chat/completions", json={"model": "blogqa", "messages": [
        {"role": "user", "content": QUESTION}]}).json()["answer_id"]

    [search_row] = [q for q in events.read(*WIDE)["questions"] if marker in q["question"]]
    assert (search_row["kind"], search_row["origin"]) == ("search", "search")
    assert question_row(events, asked)["origin"] == "ask"
    assert question_row(events, streamed_id)["origin"] == "ask"
    assert question_row(events, assisted["answer_id"])["origin"] == "assist"
    assert question_row(events, widget)["origin"] == "widget"
    assert question_row(events, chat)["origin"] == "openai"


def test_public_ask_keeps_the_conversation_id(client, events):
    first = client.post("/api/public/ask", json={"question": QUESTION, "conversation_id": "c_9-Zx"})
    second = client.post("/api/public/ask", json={"question": "정산 주기는?", "conversation_id": "c_9-Zx"})
    alone = client.post("/api/public/ask", json={"question": QUESTION})
    assert first.status_code == second.status_code == alone.status_code == 200
    for key in ("answer_id", "answer", "abstained", "confidence", "sources", "related", "latency_ms"):
        assert key in first.json()  # nothing renamed
    assert question_row(events, first.json()["answer_id"])["conversation_id"] == "c_9-Zx"
    assert question_row(events, second.json()["answer_id"])["conversation_id"] == "c_9-Zx"
    assert question_row(events, alone.json()["answer_id"])["conversation_id"] is None
    assert client.post("/api/public/ask", json={"question": QUESTION, "conversation_id": "x" * 64}).status_code == 200


@pytest.mark.parametrize("bad", ["has space", "x" * 65, "", "대화", "a/b", 42])
def test_a_bad_conversation_id_is_a_422_naming_it(client, events, bad):
    before = len(events.read(*WIDE)["questions"])
    message = error_message(client.post("/api/public/ask", json={"question": QUESTION, "conversation_id": bad}))
    assert message.startswith("conversation_id:"), message
    assert len(events.read(*WIDE)["questions"]) == before  # nothing was asked or logged


@pytest.mark.parametrize("path,ask", [("/api/feedback", "/api/ask"), ("/api/public/feedback", "/api/public/ask")])
def test_feedback_takes_a_reason_and_a_comment(client, events, path, ask):
    answer_id = client.post(ask, json={"question": QUESTION}).json()["answer_id"]
    r = client.post(path, json={"answer_id": answer_id, "helpful": False, "reason": "outdated",
                                "comment": "예전 내용이에요. 010-1234-5678 로 전화 주세요 (주문 #12345, 2024-01-15)"})
    assert r.status_code == 200 and r.json()["ok"] is True
    assert client.post(path, json={"answer_id": answer_id, "helpful": True}).status_code == 200
    rows = events.feedback(answer_id)
    assert [(f["helpful"], f["reason"]) for f in rows] == [(False, "outdated"), (True, None)]
    assert rows[0]["comment"] == "예전 내용이에요. [phone] 로 전화 주세요 (주문 #12345, 2024-01-15)"
    assert rows[0]["surface"] == ("api" if path == "/api/feedback" else "public")
    for reason in ("wrong", "incomplete", "not_answered"):
        assert client.post(path, json={"answer_id": answer_id, "helpful": False, "reason": reason}).status_code == 200
    assert [f["reason"] for f in events.feedback(answer_id)][2:] == ["wrong", "incomplete", "not_answered"]
    message = error_message(client.post(path, json={"answer_id": answer_id, "helpful": False, "reason": "boring"}))
    assert message.startswith("reason:") and "not_answered" in message
    assert len(events.feedback(answer_id)) == 5


def test_public_handover_takes_a_reason(client, events):
    answer_id = client.post("/api/public/ask", json={"question": QUESTION}).json()["answer_id"]
    ids = {}
    for reason in ("asked_for_person", "no_answer", "wrong_answer", "other"):
        r = client.post("/api/public/handover", json={"contact": "010-2222-3333", "question": "연락 주세요",
                                                      "answer_id": answer_id, "reason": reason})
        assert r.status_code == 200
        ids[r.json()["id"]] = reason
    plain = client.post("/api/public/handover", json={"contact": "lee@example.com", "question": "연락 주세요"})
    stored = {h["id"]: h for h in events.read(*WIDE)["handovers"]}
    assert {i: stored[i]["reason"] for i in ids} == ids
    assert all(stored[i]["answer_id"] == answer_id and stored[i]["contact"] == "010-2222-3333" for i in ids)
    assert stored[plain.json()["id"]]["reason"] is None
    message = error_message(client.post("/api/public/handover", json={"contact": "lee@example.com",
                                                                      "question": "q", "reason": "angry"}))
    assert message.startswith("reason:") and "asked_for_person" in message


def test_phone_numbers_never_reach_the_question_log(client, events):
    text = ("주문번호 #12345 (2024-01-15, 버전 1.2.3) 환불은 언제 되나요? 연락처 010-1234-5678, 01012345678, "
            "02-123-4567, +82 10 1234 5678, +1 415 555 0100")
    answer_id = client.post("/api/public/ask", json={"question": text}).json()["answer_id"]
    logged = question_row(events, answer_id)["question"]
    assert logged == ("주문번호 #12345 (2024-01-15, 버전 1.2.3) 환불은 언제 되나요? 연락처 [phone], [phone], "
                      "[phone], [phone], [phone]")


# ---- blogqa serve --keep-days -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blogqa_serve(*argv: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOGQA_")}
    return [sys.executable, "-m", "blogqa", "serve", *argv], env


def test_keep_days_purges_old_events_at_start(corpus, tmp_path):
    path = tmp_path / "events.sqlite"
    store = open_events(str(corpus.index), str(path))
    now = dt.datetime.now(dt.timezone.utc)
    for name, age in (("old", 40), ("edge", 31), ("recent", 29), ("today", 0)):
        store.log_question(kind="ask", surface="public", question=name, latency_ms=1, answer_id=name)
        store.log_feedback(name, True, None, surface="public")
        store.add_handover(contact="kim@example.com", question=name, surface="public")
        at = (now - dt.timedelta(days=age)).isoformat(timespec="milliseconds")
        for table in ("questions", "feedback", "handovers"):
            store._change(f"UPDATE {table} SET at=? WHERE id=(SELECT max(id) FROM {table})", (at,))
    store.close()

    port = free_port()
    cmd, env = blogqa_serve("--index", str(corpus.index), "--events", str(path), "--port", str(port),
                            "--keep-days", "30", "--log-level", "warning")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "blogqa serve did not start"
            time.sleep(0.3)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "blogqa: events older than 30 days removed: 2 questions, 2 feedback, 2 handovers" in out, out
    again = open_events(str(corpus.index), str(path))
    try:
        left = again.read(*WIDE)
        assert [q["question"] for q in left["questions"]] == ["recent", "today"]
        assert [h["question"] for h in left["handovers"]] == ["recent", "today"]
        assert [f["answer_id"] for f in left["feedback"]] == ["recent", "today"]
    finally:
        again.close()


@pytest.mark.parametrize("days", ["0", "-3"])
def test_keep_days_below_one_is_a_usage_error(corpus, tmp_path, days):
    cmd, env = blogqa_serve("--index", str(corpus.index), "--events", str(tmp_path / "e.sqlite"),
                            "--port", str(free_port()), "--keep-days", days)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip() == f"blogqa: error: --keep-days must be at least 1 (got {days})"
    assert not (tmp_path / "e.sqlite").exists()  # refused before anything was opened

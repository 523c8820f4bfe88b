"""The JSON API and pages over real uvicorn on loopback, called with httpx."""
from __future__ import annotations

import json
import shutil
import sqlite3

import httpx
import pytest
from fastapi import FastAPI, Request

from server_util import LiveServer, serve

QUESTION = "배포 시간은 얼마나 줄었나요?"


@pytest.fixture(scope="module")
def client(live):
    with httpx.Client(base_url=live.url, timeout=60) as c:
        yield c


def events_rows(corpus, sql, params=()):
    with sqlite3.connect(corpus.events) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(sql, params)]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/assist", "/widget", "/docs"])
def test_pages_answer_200_html_without_redirect(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text.lower()


def test_docs_work_offline(client):
    html = client.get("/docs").text
    assert "cdn." not in html and "https://" not in html  # no asset from outside
    for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"):
        assert asset in html
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 10_000
    schema = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/ask", "/api/feedback", "/api/handover", "/v1/chat/completions",
                 "/api/public/ask", "/api/public/handover", "/healthz", "/v1/models"):
        assert path in schema["paths"]


def test_widget_js_is_served(client):
    r = client.get("/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "/api/public/ask" in r.text


def test_search_returns_hits_with_snippets_dates_tags(client):
    r = client.get("/api/search", params={"q": "배포 자동화", "k": 3})
    assert r.status_code == 200
    data = r.json()
    assert data["query"] == "배포 자동화"
    assert "배포" in data["highlight"]
    top = data["hits"][0]
    assert top["title"] == "GitHub Actions로 배포 자동화하기"
    assert top["date"] == "2022-03-14" and "deploy" in top["tags"]
    assert top["snippet"] and top["link"].endswith("/posts/_posts/2022-03-14-deploy-automation.md")
    page = client.get(top["link"])
    assert page.status_code == 200 and "GitHub Actions로 배포 자동화하기" in page.text


def test_search_date_and_tag_filters(client):
    since = client.get("/api/search", params={"q": "정산 서비스", "since": "2023-01-01"}).json()
    assert since["hits"] and all(h["date"] >= "2023-01-01" for h in since["hits"])
    until = client.get("/api/search", params={"q": "정산 서비스", "until": "2022-12-31"}).json()
    assert until["hits"] and all(h["date"] <= "2022-12-31" for h in until["hits"])
    tagged = client.get("/api/search", params={"q": "업데이트", "tag": "refund"}).json()
    assert [h["title"] for h in tagged["hits"]] == ["환불 API v3 업데이트"]
    public = client.get("/api/search", params={"q": "온콜 장애 대응", "visibility": "public"}).json()
    assert all(h["visibility"] == "public" for h in public["hits"])


def test_ask_json_has_answer_id_citations_and_working_links(client, corpus):
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200
    data = r.json()
    assert len(data["answer_id"]) == 32
    assert not data["abstained"] and "8분" in data["answer"] and "[1]" in data["answer"]
    source = data["sources"][0]
    assert source["title"] == "GitHub Actions로 배포 자동화하기"
    assert client.get(source["link"]).status_code == 200
    logged = events_rows(corpus, "SELECT * FROM questions WHERE answer_id=?", (data["answer_id"],))
    assert logged and logged[0]["question"] == QUESTION and logged[0]["abstained"] == 0
    assert logged[0]["latency_ms"] > 0 and logged[0]["surface"] == "api"


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        name, data = "message", ""
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
        events.append((name, json.loads(data)))
    return events


def test_ask_streams_server_sent_events(client):
    with client.stream("POST", "/api/ask", json={"question": QUESTION, "stream": True}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = parse_sse(body)
    names = [n for n, _ in events]
    assert names[0] == "meta" and names[-1] == "answer" and "token" in names
    answer = events[-1][1]
    assert answer["answer_id"] == events[0][1]["answer_id"]
    assert "".join(d["text"] for n, d in events if n == "token") == answer["answer"]
    assert answer["sources"] and "8분" in answer["answer"]


def test_customer_tone_uses_public_posts_and_public_links(client):
    data = client.post("/api/ask", json={"question": "온콜 장애가 나면 어떻게 하나요?", "tone": "customer"}).json()
    assert all(h["visibility"] == "public" for h in data["hits"])
    assert "grafana.internal.example" not in json.dumps(data, ensure_ascii=False)
    data = client.post("/api/ask", json={"question": "결제 링크 유효 기간", "tone": "customer"}).json()
    assert data["sources"] and all("/widget/posts/" in s["link"] for s in data["sources"])


def test_assist_answers_the_question_inside_an_email(client, corpus):
    email = ("안녕하세요, 한빛페이 가맹점입니다.\n결제 링크의 유효 기간은 며칠인가요?\n"
             "회신은 choi@shop.example 로 부탁드립니다.\n최지우 드림")
    data = client.post("/api/assist", json={"email": email}).json()
    assert data["question"] == "결제 링크의 유효 기간은 며칠인가요?"
    assert "7일" in data["answer"] and data["sources"][0]["title"] == "결제 링크 기능 출시"
    assert all(h["visibility"] == "public" for h in data["hits"])
    assert "/widget/posts/" in data["sources"][0]["link"]


def test_feedback_is_tied_to_answer_id_and_redacts_emails(client, corpus):
    answer_id = client.post("/api/ask", json={"question": QUESTION}).json()["answer_id"]
    r = client.post("/api/feedback", json={"answer_id": answer_id, "helpful": False,
                                           "comment": "틀렸어요, kim.minsu@example.com 으로 연락 주세요"})
    assert r.status_code == 200 and r.json()["ok"]
    rows = events_rows(corpus, "SELECT * FROM feedback WHERE answer_id=?", (answer_id,))
    assert rows[0]["helpful"] == 0 and "[email]" in rows[0]["comment"]
    assert "example.com" not in rows[0]["comment"]
    r = client.post("/api/feedback", json={"answer_id": "nope", "helpful": True})
    assert r.status_code == 404 and r.json()["error"]["message"] == "unknown answer_id"


def test_questions_log_keeps_no_email_addresses(client, corpus):
    client.post("/api/ask", json={"question": "정산 주기가 궁금합니다. 답장은 lee.hana@shop.example.co.kr 로 주세요"})
    for table in ("questions", "feedback"):
        dump = json.dumps(events_rows(corpus, f"SELECT * FROM {table}"), ensure_ascii=False)
        assert "@" not in dump, table


def test_handover_is_stored_listed_and_closed(client, corpus):
    r = client.post("/api/handover", json={"contact": "park@example.com", "question": "환불이 안 돼요"})
    assert r.status_code == 200
    hid = r.json()["id"]
    listed = client.get("/api/handovers").json()["handovers"]
    mine = [h for h in listed if h["id"] == hid][0]
    assert mine["contact"] == "park@example.com" and mine["status"] == "open"
    assert client.post(f"/api/handovers/{hid}/status", json={"status": "closed"}).json()["status"] == "closed"
    assert hid not in [h["id"] for h in client.get("/api/handovers", params={"status": "open"}).json()["handovers"]]
    bad = client.post("/api/handover", json={"contact": "not a contact", "question": "x"})
    assert bad.status_code == 422 and "contact" in bad.json()["error"]["message"]


def test_handover_webhook_receives_the_record(corpus, tmp_path):
    received = []
    hook = FastAPI()

    @hook.post("/hook")
    async def _hook(request: Request):
        received.append(await request.json())
        return {"ok": True}

    with LiveServer(hook) as receiver:
        server = serve(corpus.index, events=tmp_path / "events.sqlite", handover_webhook=receiver.url + "/hook")
        try:
            r = httpx.post(server.url + "/api/public/handover",
                           json={"contact": "010-1234-5678", "question": "결제 링크가 열리지 않아요"})
            assert r.status_code == 200
        finally:
            server.stop()
    assert received and received[0]["contact"] == "010-1234-5678" and received[0]["type"] == "blogqa.handover"
    with sqlite3.connect(tmp_path / "events.sqlite") as db:
        assert db.execute("SELECT webhook FROM handovers").fetchone()[0] == "sent 200"


@pytest.mark.parametrize("method,path,kwargs,code", [
    ("POST", "/api/ask", {"json": {"question": ""}}, 422),
    ("POST", "/api/ask", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ("POST", "/api/ask", {"json": {"question": "가" * 20_001}}, 422),
    ("POST", "/api/ask", {"content": b"x" * (300 * 1024), "headers": {"content-type": "application/json"}}, 413),
    ("POST", "/api/public/ask", {"json": {"question": "가" * 6000}}, 413),
    ("GET", "/api/search", {"params": {"q": ""}}, 422),
    ("GET", "/nope", {}, 404),
    ("GET", "/api/posts/_posts/none.md", {}, 404),
    ("DELETE", "/api/ask", {}, 405),
])
def test_errors_are_json_messages_without_stack_traces(client, method, path, kwargs, code):
    r = client.request(method, path, **kwargs)
    assert r.status_code == code
    error = r.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_chunked_body_over_the_limit_is_refused(client):
    def chunks():
        for _ in range(40):
            yield b"x" * 8192

    r = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_reingest_keeps_feedback_and_handovers(corpus, tmp_path):
    from blogqa.api import Index
    from blogqa.config import Settings

    index = tmp_path / "idx"
    shutil.copytree(corpus.index, index)
    server = serve(index)
    try:
        answer_id = httpx.post(server.url + "/api/ask", json={"question": QUESTION}, timeout=60).json()["answer_id"]
        httpx.post(server.url + "/api/feedback", json={"answer_id": answer_id, "helpful": True})
        httpx.post(server.url + "/api/handover", json={"contact": "a@b.example", "question": "q"})
        extra = tmp_path / "more" / "_posts"
        extra.mkdir(parents=True)
        post = "---\ntitle: 새 글 공지\ndate: 2025-10-01\n---\n새 기능을 공개합니다.\n"
        (extra / "2025-10-01-new.md").write_text(post, encoding="utf-8")
        idx = Index(str(index), Settings())
        idx.ingest(str(tmp_path / "more"), progress=False)
        idx.close()
        assert not (index / "events.sqlite").exists()  # beside the index, never inside it
        hits = httpx.get(server.url + "/api/search", params={"q": "새 글 공지"}, timeout=60).json()["hits"]
        assert hits[0]["title"] == "새 글 공지"  # the running server sees the new generation
        assert httpx.get(server.url + "/api/handovers").json()["handovers"][0]["contact"] == "a@b.example"
        with sqlite3.connect(tmp_path / "events.sqlite") as db:
            assert db.execute("SELECT count(*) FROM feedback WHERE answer_id=?", (answer_id,)).fetchone()[0] == 1
    finally:
        server.stop()


def test_assist_answers_each_question_of_an_email_in_order(client):
    email = ("안녕하세요, 한빛페이 가맹점입니다.\n결제 링크의 유효 기간은 며칠인가요? "
             "그리고 정산 주기는 지금 며칠인가요?\n최지우 드림")
    data = client.post("/api/assist", json={"email": email}).json()
    parts = data["parts"]
    assert [p["question"] for p in parts] == ["결제 링크의 유효 기간은 며칠인가요?", "그리고 정산 주기는 지금 며칠인가요?"]
    assert "7일" in parts[0]["answer"] and parts[0]["sources"][0]["title"] == "결제 링크 기능 출시"
    assert "D+1" in parts[1]["answer"] and not parts[1]["abstained"]
    assert {"answer", "abstained", "sources", "related", "answer_id"} <= set(parts[1])
    assert "answer" in data and "sources" in data  # today's combined fields stay


def test_an_empty_or_blank_question_is_refused(client):
    assert client.post("/api/ask", json={"question": "   "}).status_code in (400, 422)
    assert client.post("/api/ask", json={"question": ""}).status_code == 422

"""Issue 16, items 10 and 14: bad input is a 4xx in the documented JSON shape, never a 500;
`/v1` with no user text is a 422; a lock conflict exits with its own documented code (3).

The uvicorn-level 400 (a malformed request line) is tested over `blogqa serve` in
test_hardening_server_serve.py."""
from __future__ import annotations

import fcntl
import subprocess
import sys

import httpx
import pytest

from server_util import SAMPLE_BLOG

LONE = '"\\ud800"'  # JSON text for a string holding one lone surrogate


def raw_post(live, path: str, body: str) -> httpx.Response:
    return httpx.post(live.url + path, content=body.encode("utf-8"), headers={"content-type": "application/json"},
                      timeout=60)


def assert_json_error(r: httpx.Response, code: int) -> dict:
    assert r.status_code == code, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and error["type"]
    assert "Traceback" not in r.text
    return error


@pytest.mark.parametrize("path,body", [
    ("/v1/chat/completions", '{"model": "blogqa", "messages": [{"role": "user", "content": %s}]}' % LONE),
    ("/v1/chat/completions", '{"model": "blogqa-public", "messages": [{"role": "user", "content": "a\\uD800b"}]}'),
    ("/v1/chat/completions", '{"model": "blogqa", "messages": [{"role": "user", "content": '
                             '[{"type": "text", "text": %s}]}]}' % LONE),
    ("/v1/chat/completions", '{"model": "blogqa", "user": %s, "messages": [{"role": "user", "content": "hi"}]}'
     % LONE),
    ("/api/ask", '{"question": %s}' % LONE),
    ("/api/ask", '{"question": "배포", "tags": [%s]}' % LONE),
    ("/api/public/ask", '{"question": "x\\udfff"}'),
    ("/api/handover", '{"contact": "a@b.example", "question": "q", "name": %s}' % LONE),
    ("/api/public/handover", '{"contact": "a@b.example", "question": %s}' % LONE),
    ("/api/feedback", '{"answer_id": "x", "helpful": true, "comment": %s}' % LONE),
])
def test_a_lone_surrogate_is_a_422_everywhere(live, path, body):
    error = assert_json_error(raw_post(live, path, body), 422)
    assert "surrogate" in error["message"]


def test_a_surrogate_pair_and_an_escaped_backslash_are_text(live):
    for content in ('"\\ud83d\\ude00 결제 링크 유효 기간"', '"\\\\ud800 결제 링크 유효 기간"'):
        r = raw_post(live, "/v1/chat/completions",
                     '{"model": "blogqa", "messages": [{"role": "user", "content": %s}]}' % content)
        assert r.status_code == 200, r.text


def test_a_body_that_is_not_utf8_is_a_422(live):
    r = httpx.post(live.url + "/api/ask", content=b'{"question": "\xff\xfe"}',
                   headers={"content-type": "application/json"})
    assert "UTF-8" in assert_json_error(r, 422)["message"]


@pytest.mark.parametrize("handover_id", ["9223372036854775808", "99999999999999999999999", "0", "-1", "x"])
def test_a_handover_id_out_of_range_is_a_422(live, handover_id):
    r = httpx.post(live.url + f"/api/handovers/{handover_id}/status", json={"status": "closed"})
    assert_json_error(r, 422)


def test_the_largest_handover_id_is_a_404(live):
    r = httpx.post(live.url + "/api/handovers/9223372036854775807/status", json={"status": "closed"})
    assert_json_error(r, 404)


@pytest.mark.parametrize("messages", [
    [{"role": "user", "content": [{"type": "text", "text": None}]}],
    [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}],
    [{"role": "user", "content": None}],
    [{"role": "user", "content": "   "}],
    [{"role": "system", "content": "hi"}],
])
def test_v1_without_user_text_is_a_422(live, corpus, messages):
    import sqlite3

    with sqlite3.connect(corpus.events) as db:
        before = db.execute("SELECT count(*) FROM questions WHERE question = 'None'").fetchone()[0]
    r = httpx.post(live.url + "/v1/chat/completions", json={"model": "blogqa", "messages": messages})
    assert "no user message" in assert_json_error(r, 422)["message"]
    with sqlite3.connect(corpus.events) as db:
        assert db.execute("SELECT count(*) FROM questions WHERE question = 'None'").fetchone()[0] == before


def test_v1_text_parts_are_still_read(live):
    r = httpx.post(live.url + "/v1/chat/completions", timeout=60, json={"model": "blogqa", "messages": [
        {"role": "user", "content": [{"type": "text", "text": None}, {"type": "text", "text": "결제 링크의 유효 기간은?"}]}]})
    assert r.status_code == 200 and "7일" in r.json()["choices"][0]["message"]["content"]


def test_a_lock_conflict_exits_3_not_2(tmp_path):
    """2 is a usage error (README); another ingest holding the lock is not one."""
    index = tmp_path / "idx"
    cmd = [sys.executable, "-m", "blogqa", "ingest", str(SAMPLE_BLOG), "--index", str(index)]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=300).returncode == 0
    with open(index / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running ingest holds it
        busy = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert busy.returncode == 3, busy.stderr
    assert busy.stderr.strip().splitlines() == [f"blogqa: error: {index}: another ingest is running on this index"]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=300).returncode == 0


def test_the_readme_documents_exit_code_3():
    from server_util import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "3 the index is busy" in readme

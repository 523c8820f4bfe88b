"""Leaks, auth, rate limits, CORS and escaping, over real uvicorn on loopback."""
from __future__ import annotations

import base64
import json
import re

import httpx
import openai
import pytest

from server_util import (ONCALL_SENTENCE, ONCALL_TITLE, POSTS, SECRET_PHRASE, SECRET_SENTENCE, SECRET_TITLE,
                         XSS_TITLE, serve)

KEYS = ("k-test-1", "k-test-2")
SHOP = "https://shop.example"
INTERNAL_POSTS = {
    "_posts/2025-08-04-oncall-handbook.md": (ONCALL_TITLE, ONCALL_SENTENCE),
    "_posts/2025-09-01-compensation-draft.md": (SECRET_TITLE, SECRET_SENTENCE),
}


@pytest.fixture(scope="module")
def strict(corpus):
    """API keys, one allowed origin, 3 public requests per minute per client."""
    server = serve(corpus.index, api_keys=KEYS, allowed_origins=(SHOP,), public_rate_limit=3)
    yield server
    server.stop()


def as_client(ip: str) -> dict:
    return {"X-Forwarded-For": ip}  # uvicorn trusts it from loopback, as `blogqa serve` does


# ---- leak test ------------------------------------------------------------------------------
def internal_fragments() -> list[str]:
    """Every title, post id and sentence of the internal posts, as they must never appear."""
    frags = [SECRET_PHRASE, "grafana.internal.example", *INTERNAL_POSTS]
    for title, sentence in INTERNAL_POSTS.values():
        frags += [title, sentence]
    body = POSTS["internal/_posts/2025-09-01-compensation-draft.md"].split("---")[-1]
    frags += [line.strip() for line in body.splitlines() if len(line.strip()) > 10]
    frags.append("15분 안에 원인을 못 찾으면 팀장에게 전화합니다")
    return frags


def queries() -> list[str]:
    qs = [SECRET_PHRASE]
    for title, sentence in INTERNAL_POSTS.values():
        qs += [title, sentence, f"{title} {sentence}"]
    return qs


def assert_no_leak(text: str, where: str) -> None:
    for frag in internal_fragments():
        assert frag not in text, f"{where} leaked {frag!r}"


def test_internal_endpoints_do_find_the_internal_posts(live):
    # the leak test below means something only if the internal posts are findable at all
    for pid, (title, sentence) in INTERNAL_POSTS.items():
        hits = httpx.get(live.url + "/api/search", params={"q": sentence}, timeout=60).json()["hits"]
        assert hits[0]["post_id"] == pid and hits[0]["visibility"] == "internal"
        answer = httpx.post(live.url + "/api/ask", json={"question": sentence}, timeout=60).json()
        assert title in [s["title"] for s in answer["sources"]]


@pytest.mark.parametrize("question", queries())
def test_public_endpoints_never_return_internal_posts(live, question):
    with httpx.Client(base_url=live.url, timeout=60) as c:
        ask = c.post("/api/public/ask", json={"question": question})
        assert ask.status_code == 200
        assert_no_leak(ask.text, "/api/public/ask")
        assert ask.json()["abstained"] or all("/widget/posts/" in s["link"] for s in ask.json()["sources"])
        handover = c.post("/api/public/handover", json={"contact": "010-0000-0000", "question": question})
        assert_no_leak(handover.text, "/api/public/handover")
        chat = c.post("/v1/chat/completions", json={"model": "blogqa-public",
                                                    "messages": [{"role": "user", "content": question}]})
        assert_no_leak(chat.text, "/v1 blogqa-public")


@pytest.mark.parametrize("post_id", list(INTERNAL_POSTS))
def test_public_post_pages_hide_internal_posts(live, post_id):
    for path in (f"/api/public/posts/{post_id}", f"/widget/posts/{post_id}"):
        r = httpx.get(live.url + path)
        assert r.status_code == 404
        assert_no_leak(r.text, path)
    assert httpx.get(live.url + f"/posts/{post_id}").status_code == 200  # staff can read it


def test_public_pages_carry_no_post_data(live):
    for path in ("/widget", "/widget.js", "/healthz", "/static/i18n.js"):
        assert_no_leak(httpx.get(live.url + path).text, path)


# ---- auth -----------------------------------------------------------------------------------
def test_without_keys_loopback_passes_whatever_authorization_it_sends(live):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic !!!"}):
        assert httpx.get(live.url + "/api/search", params={"q": "배포"}, headers=headers).status_code == 200


def test_without_keys_other_clients_are_refused_internal_endpoints(live):
    remote = as_client("203.0.113.7")
    for path in ("/api/search?q=배포", "/", "/assist", "/docs", "/openapi.json", "/api/handovers", "/v1/models"):
        r = httpx.get(live.url + path, headers=remote)
        assert r.status_code == 403, path
        assert "loopback" in r.json()["error"]["message"]
    assert httpx.post(live.url + "/api/public/ask", json={"question": "결제 링크"}, headers=remote,
                      timeout=60).status_code == 200
    for path in ("/widget", "/widget.js", "/healthz"):
        assert httpx.get(live.url + path, headers=remote).status_code == 200


def test_with_keys_internal_endpoints_need_a_bearer_key(strict):
    url = strict.url + "/api/search"
    r = httpx.get(url, params={"q": "배포"})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(url, params={"q": "배포"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    for key in KEYS:
        assert httpx.get(url, params={"q": "배포"}, headers={"Authorization": f"Bearer {key}"},
                         timeout=60).status_code == 200
    ask = httpx.post(strict.url + "/api/ask", json={"question": "배포"}, headers={"Authorization": "Bearer nope"})
    assert ask.status_code == 401


def test_with_keys_pages_ask_browsers_for_the_key(strict):
    page = httpx.get(strict.url + "/assist", headers={"Accept": "text/html"})
    assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")
    basic = base64.b64encode(b"staff:k-test-1").decode()
    assert httpx.get(strict.url + "/assist", headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_with_keys_the_public_surface_needs_no_key(strict):
    for path in ("/widget", "/widget.js", "/healthz"):
        assert httpx.get(strict.url + path).status_code == 200
    r = httpx.post(strict.url + "/api/public/ask", json={"question": "결제 링크 유효 기간"},
                   headers=as_client("198.51.100.1"), timeout=60)
    assert r.status_code == 200


def test_openai_client_uses_the_api_key(strict):
    good = openai.OpenAI(base_url=strict.url + "/v1", api_key=KEYS[0], max_retries=0, timeout=60)
    assert [m.id for m in good.models.list()]
    bad = openai.OpenAI(base_url=strict.url + "/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


# ---- rate limit ---------------------------------------------------------------------------------
def test_public_endpoints_are_rate_limited_per_client(strict):
    ask = strict.url + "/api/public/ask"
    client_a, client_b = as_client("192.0.2.10"), as_client("192.0.2.11")
    for _ in range(3):
        assert httpx.post(ask, json={"question": "결제 링크"}, headers=client_a, timeout=60).status_code == 200
    limited = httpx.post(ask, json={"question": "결제 링크"}, headers=client_a)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["type"] == "rate_limited"
    assert httpx.post(strict.url + "/api/public/handover", json={"contact": "a@b.example", "question": "q"},
                      headers=client_a).status_code == 429
    assert httpx.post(ask, json={"question": "결제 링크"}, headers=client_b, timeout=60).status_code == 200
    # internal endpoints are not rate-limited
    for _ in range(5):
        assert httpx.get(strict.url + "/healthz", headers=client_a).status_code == 200


# ---- CORS -----------------------------------------------------------------------------------------
def test_cors_only_for_allowed_origins_on_public_endpoints(strict):
    ask = strict.url + "/api/public/ask"
    pre = httpx.options(ask, headers={"Origin": SHOP, "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == SHOP
    assert "POST" in pre.headers["access-control-allow-methods"]
    ok = httpx.post(ask, json={"question": "결제 링크"}, headers={"Origin": SHOP, **as_client("192.0.2.20")},
                    timeout=60)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == SHOP
    evil = httpx.post(ask, json={"question": "결제 링크"}, headers={"Origin": "https://evil.example",
                                                                  **as_client("192.0.2.21")})
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
    evil_pre = httpx.options(ask, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in evil_pre.headers


def test_internal_endpoints_refuse_cross_origin_browsers(strict, live):
    auth = {"Authorization": f"Bearer {KEYS[0]}"}
    r = httpx.post(strict.url + "/api/ask", json={"question": "배포"}, headers={"Origin": SHOP, **auth})
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    # a web page cannot drive a loopback server without keys either (CSRF)
    r = httpx.post(live.url + "/api/handover", json={"contact": "a@b.example", "question": "q"},
                   headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    same = httpx.post(live.url + "/api/feedback", json={"answer_id": "x", "helpful": True},
                      headers={"Origin": live.url})
    assert same.status_code == 404  # same origin passes the gate


# ---- escaping -------------------------------------------------------------------------------------
def test_post_pages_escape_post_text(live):
    hits = httpx.get(live.url + "/api/search", params={"q": "보안 점검 안내"}, timeout=60).json()["hits"]
    xss = [h for h in hits if h["title"] == XSS_TITLE]
    assert xss, "the XSS post is indexed with its raw title"
    for path in (f"/posts/{xss[0]['post_id']}", f"/widget/posts/{xss[0]['post_id']}"):
        r = httpx.get(live.url + path)
        assert r.status_code == 200
        assert "<script>window" not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
    assert len(re.findall(r"<script", httpx.get(live.url + "/").text)) == 3  # only the page's own files


def test_pages_have_no_inline_script(live):
    for path in ("/", "/assist", "/widget"):
        html = httpx.get(live.url + path).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert " on" not in json.dumps(re.findall(r"<[^>]+ on\w+=", html))

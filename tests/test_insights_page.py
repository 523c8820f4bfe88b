"""`/insights` and the HTML report in real Chromium (each chart drew, desktop and 375 px, nothing
fetched from outside, screenshots in artifacts/screenshots/), `/api/insights` through the gate,
and questions, feedback and hand-overs driven through a running server read back by
`blogqa insights --json`."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest

from insights_util import WINDOW, make_world
from server_util import ROOT, serve

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
QUERY = f"since={WINDOW[0]}&until={WINDOW[1]}"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("insights-page"))


@pytest.fixture(scope="module")
def server(world):
    s = serve(world["index"], events=world["events"])
    yield s
    s.stop()


def test_api_insights_is_the_cli_report(server):
    r = httpx.get(f"{server.url}/api/insights?{QUERY}", timeout=120)
    assert r.status_code == 200
    report = r.json()
    assert report["questions"]["total"] == 13 and report["outcomes"] == {"answered": 8, "abstained": 4,
                                                                        "handed_over": 1}
    assert report["deflection"]["conversations"] == 6 and report["gaps"][0]["size"] == 3
    assert httpx.get(f"{server.url}/api/insights?since=2026-11-20&until=2026-11-01").status_code == 422


def test_insights_are_internal(world):
    keyed = serve(world["index"], events=world["events"], api_keys=("k1",))
    try:
        for path in ("/insights", "/api/insights"):
            assert httpx.get(keyed.url + path).status_code == 401
        assert httpx.get(f"{keyed.url}/api/insights?{QUERY}", headers={"Authorization": "Bearer k1"},
                         timeout=120).status_code == 200
    finally:
        keyed.stop()


def test_insights_answer_loopback_names_only(server):
    """With no keys, the gate's Host check (DNS rebinding) covers /insights as every internal page."""
    assert httpx.get(f"{server.url}/insights", headers={"Host": "evil.example"}).status_code == 403
    assert httpx.get(f"{server.url}/insights?{QUERY}", headers={"Host": "localhost"}, timeout=120).status_code == 200


# ---- in the browser -------------------------------------------------------------------------------
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def open_page(browser, width: int, allowed):
    """A page that may load only what `allowed(url)` accepts; the rest is recorded and refused."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.outside = []

    def only(route):
        if allowed(route.request.url):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only)
    return context, page


def charts_drew(page) -> dict:
    """Per chart: its marks (bars, lines, points) and whether it has a non-zero drawn size."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('svg.chart')].map(svg => {
        const box = svg.getBoundingClientRect();
        return [svg.dataset.chart, {marks: svg.querySelectorAll('rect.bar, path.line, circle.point').length,
                                     width: box.width, height: box.height,
                                     font: getComputedStyle(svg).fontFamily}];
    }))""")


def check_page(page, name: str, width: int) -> None:
    drawn = charts_drew(page)
    assert set(drawn) == {"outcomes", "deflection", "gaps"}
    for chart, info in drawn.items():
        assert info["marks"] > 0 and info["width"] > 100 and info["height"] > 50, (chart, info)
        assert "Noto Sans CJK KR" in info["font"]
    assert page.locator("svg[data-chart=outcomes] rect.bar").count() >= 5  # 2 weeks: 3 + 2 outcome layers
    assert page.locator("svg[data-chart=deflection] path.line").count() == 2
    assert page.locator("svg[data-chart=gaps] rect.bar").count() >= 1
    assert "주차장" in page.text_content("svg[data-chart=gaps]")
    # nothing wider than the screen except inside the scrollable tables
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000


@pytest.mark.parametrize("width", [1200, 375])
def test_insights_page_in_chromium(browser, server, width):
    context, page = open_page(browser, width, lambda url: urlsplit(url).hostname == "127.0.0.1")
    try:
        response = page.goto(f"{server.url}/insights?{QUERY}")
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator("h1").inner_text() == "인사이트 · Insights"
        assert page.input_value("input[name=since]") == str(WINDOW[0])
        assert "환불 정책 안내" in page.inner_text("body")  # posts to fix
        check_page(page, "insights", width)
        # the window form reloads the page with new dates
        page.fill("input[name=since]", "2026-11-09")
        page.click("form.window button")
        page.wait_for_url("**/insights?since=2026-11-09*")
        assert page.locator("svg[data-chart=outcomes] text", has_text="11/9").count() == 1
        assert page.outside == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1200, 375])
def test_html_report_opens_offline(browser, world, tmp_path, width):
    report = tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "blogqa", "insights", "--index", str(world["index"]),
                           "--since", str(WINDOW[0]), "--until", str(WINDOW[1]), "--html", str(report), "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    context, page = open_page(browser, width, lambda url: url.startswith("file://"))
    try:
        page.goto(report.as_uri())
        check_page(page, "insights-report", width)
        assert page.outside == []
    finally:
        context.close()


# ---- driven through a running server ----------------------------------------------------------------
def test_events_through_the_server_read_back_by_the_cli(world, tmp_path):
    events = tmp_path / "driven.sqlite"
    s = serve(world["index"], events=events)
    try:
        def ask(question, conversation=None, public=True):
            body = {"question": question} | ({"conversation_id": conversation} if conversation else {})
            r = httpx.post(s.url + ("/api/public/ask" if public else "/api/ask"), json=body, timeout=120)
            assert r.status_code == 200, r.text
            return r.json()

        a1 = ask("배포 시간은 얼마나 줄었나요?", "conv-1")
        a2 = ask("회사 주차장은 몇 층에 있나요?", "conv-1")
        a3 = ask("포인트는 얼마나 적립되나요?")
        a4 = ask("환불은 며칠 안에 되나요?", public=False)
        a5 = ask("배포 자동화로 배포 시간이 얼마나 줄었나요?", "conv-2")
        hits = httpx.get(s.url + "/api/search", params={"q": "배포 자동화"}, timeout=120).json()["hits"]
        for path, body in [("/api/public/feedback", {"answer_id": a1["answer_id"], "helpful": True}),
                           ("/api/public/feedback", {"answer_id": a3["answer_id"], "helpful": False,
                                                     "reason": "incomplete", "comment": "전화 010-1234-5678 주세요"}),
                           ("/api/feedback", {"answer_id": a4["answer_id"], "helpful": False, "reason": "wrong"}),
                           ("/api/public/feedback", {"answer_id": a5["answer_id"], "helpful": True}),
                           ("/api/public/handover", {"contact": "kim@example.com", "question": "주차 문의",
                                                     "answer_id": a2["answer_id"], "reason": "no_answer"})]:
            assert httpx.post(s.url + path, json=body, timeout=30).status_code == 200
    finally:
        s.stop()
    today = dt.datetime.now(dt.timezone.utc).date()
    done = subprocess.run([sys.executable, "-m", "blogqa", "insights", "--index", str(world["index"]),
                           "--events", str(events), "--until", str(today), "--json", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    asked = [a1, a2, a3, a4, a5]
    assert r["questions"]["total"] == 6
    assert r["questions"]["by_surface"] == {"search": 1, "ask": 1, "assist": 0, "widget": 4, "openai": 0}
    abstained = sum(a["abstained"] for a in asked if a is not a2) + (not hits)
    assert r["outcomes"] == {"answered": 5 - abstained, "abstained": abstained, "handed_over": 1}
    assert r["feedback"] == {"helpful": 2, "not_helpful": 2, "no_reason": 0,
                             "reasons": {"wrong": 1, "outdated": 0, "incomplete": 1, "not_answered": 0}}
    assert r["handovers"]["total"] == 1 and r["handovers"]["linked"] == 1
    assert r["handovers"]["reasons"]["no_answer"] == 1
    # conv-1 was handed over, a3's own conversation marked not helpful, conv-2 helpful (if answered)
    d = r["deflection"]
    assert d["conversations"] == 3
    assert (d["resolved"], d["confirmed"]) == ((0, 0) if a5["abstained"] else (1, 1))
    assert {g["why"].get("handed_over", 0) for g in r["gaps"]} >= {1} or any(
        "주차장" in e for g in r["gaps"] for e in g["examples"])

"""The internal insights: `/api/insights` (the JSON of `blogqa insights --json`) and the `/insights`
page (the same sections and SVG charts as the HTML report, rendered here; no script needed).
Both are internal (the gate: API key, or loopback only, and the Host check)."""
from __future__ import annotations

import datetime as dt
from html import escape as e
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ..errors import UsageError
from ..insights import Window, build_report
from ..insights.html import sections, title_line
from ..insights.posts import STALE_DAYS
from .pages import PAGE_HEADERS
from .routes_api import service

router = APIRouter(tags=["internal"])


def _report(request: Request, since: dt.date | None, until: dt.date | None, stale_days: int) -> dict:
    svc = service(request)
    try:
        window = Window.last_weeks(since=since, until=until)
    except UsageError as err:
        raise HTTPException(422, str(err).replace("--", "")) from None
    return build_report(svc.events, svc.index, window, stale_days=stale_days)


@router.get("/api/insights", summary="Questions, outcomes, deflection, content gaps (as `blogqa insights --json`)")
def insights_json(request: Request, since: dt.date | None = None, until: dt.date | None = None,
                  stale_days: int = Query(STALE_DAYS, ge=1, le=36500)):
    return _report(request, since, until, stale_days)


def _post_link(post_id: str, title: str | None) -> str:
    return f'<a href="/posts/{e(quote(post_id))}">{e(title or post_id)}</a>'


@router.get("/insights", include_in_schema=False)
def insights_page(request: Request, since: dt.date | None = None, until: dt.date | None = None,
                  stale_days: int = Query(STALE_DAYS, ge=1, le=36500)):
    report = _report(request, since, until, stale_days)
    query = f"since={report['since']}&until={report['until']}&stale_days={stale_days}"
    return HTMLResponse(f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>blogqa · 인사이트 / Insights</title><link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/static/app.css"><link rel="stylesheet" href="/static/insights.css"></head>
<body class="insights">
<header class="top"><a class="brand" href="/">blogqa</a><nav>
  <a href="/">검색</a><a href="/assist">상담 도우미</a><a href="/widget">고객 위젯</a>
  <a href="/insights" aria-current="page">인사이트</a><a href="/docs">API 문서</a></nav></header>
<main>
<h1>인사이트 · Insights</h1>
<form class="window" method="get" action="/insights">
  <label>시작일 since <input class="date" type="text" inputmode="numeric" maxlength="10" pattern="[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"
         placeholder="YYYY-MM-DD" name="since" value="{e(report['since'])}"></label>
  <label>종료일 until <input class="date" type="text" inputmode="numeric" maxlength="10" pattern="[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"
         placeholder="YYYY-MM-DD" name="until" value="{e(report['until'])}"></label>
  <label>오래된 글 stale days <input type="number" name="stale_days" min="1" value="{stale_days}"></label>
  <button type="submit">보기 / Show</button>
  <a href="/api/insights?{e(query)}">JSON</a>
</form>
<p class="period">{title_line(report)} (UTC)</p>
{sections(report, post_link=_post_link)}
</main></body></html>""", headers=PAGE_HEADERS)

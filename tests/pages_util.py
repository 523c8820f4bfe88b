"""Helpers for the pages tests (tests/test_pages_*.py), beside tests/test_browser.py's fixtures.

    host_page(page, "http://127.0.0.1:4999", html)   # a customer's site, served by Playwright itself
    stored(live)["feedback"]                           # what the running server logged, read back
"""
from __future__ import annotations

import datetime as dt
import re
import socket

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WIDTHS = [1280, 375]  # desktop and a small phone


def stored(server) -> dict[str, list[dict]]:
    """Every event the server logged in the last hour, through the events store's read API."""
    now = dt.datetime.now(dt.timezone.utc)
    return server.app.state.service.events.read(now - dt.timedelta(hours=1), now + dt.timedelta(minutes=5))


def free_origin() -> str:
    """An http://127.0.0.1:PORT origin nothing listens on (Playwright answers for it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def host_page(page, url: str, html: str) -> str:
    """Answer `url` with `html` inside the browser (a website that embeds the widget); every
    other request still goes to the real servers."""
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    return url


def widget_tag(base: str, **options: str) -> str:
    """`<script src=BASE/widget.js data-...>` with `options` as data- attributes (`title_en` -> `data-title-en`)."""
    attrs = "".join(f' data-{k.replace("_", "-")}="{v}"' for k, v in options.items())
    return f'<script src="{base}/widget.js"{attrs} defer></script>'


def site(base: str, **options: str) -> str:
    return ('<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>가맹점 사이트</title>'
            f'{widget_tag(base, **options)}</head><body style="font-family: sans-serif; margin: 2rem">'
            '<h1>한빛페이 가맹점 안내</h1><p>결제, 정산, 환불 안내 페이지입니다.</p></body></html>')


def texts(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]

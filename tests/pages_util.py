"""Helpers for the pages tests (tests/test_pages_*.py), beside tests/test_browser.py's fixtures.

    with website({"/": html}) as origin: ...        # a customer's site on its own loopback origin
    host_page(page, live.url + "/shop/", html)       # a page on the server's own origin (Playwright answers)
    stored(live)["feedback"]                           # what the running server logged, read back
"""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager

from source_util import QuietHandler, loopback

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WIDTHS = [1280, 375]  # desktop and a small phone


def stored(server) -> dict[str, list[dict]]:
    """Every event the server logged in the last hour, through the events store's read API."""
    now = dt.datetime.now(dt.timezone.utc)
    return server.app.state.service.events.read(now - dt.timedelta(hours=1), now + dt.timedelta(minutes=5))


@contextmanager
def website(pages: dict[str, str]):
    """Another website on loopback (its own origin, yielded as http://127.0.0.1:PORT) serving
    `pages` (path -> HTML; the dict may change while it runs). A real server, not a Playwright
    route: Chromium lets only a page that came from loopback call loopback servers."""

    class Handler(QuietHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            body = pages.get(path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "image/svg+xml" if path.endswith(".svg") else "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not here").encode("utf-8"))

    with loopback(Handler, path="") as origin:
        yield origin


LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="24" viewBox="0 0 64 24">'
        '<rect width="64" height="24" rx="5" fill="#fff"/><text x="32" y="17" font-size="13" text-anchor="middle" '
        'fill="#0a7d55" font-family="sans-serif" font-weight="bold">SHOP</text></svg>')


def host_page(page, url: str, html: str) -> str:
    """Answer `url` (on a real server's own origin) with `html` inside the browser: a page of that
    server's site that embeds the widget; every other request still goes to the real servers."""
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

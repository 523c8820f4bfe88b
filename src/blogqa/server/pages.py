"""HTML pages: static files (no build step) plus two small server-rendered post pages.

Every page gets a strict Content-Security-Policy (scripts only from this server, no inline
script), so even a missed escape could not run a post's `<script>`. Post pages escape every
field with `html.escape`; the static pages' scripts write data with `textContent` only."""
from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from ..text.hangul import has_hangul
from .post_html import body_html
from .routes_api import service
from .routes_public import public_post_or_404

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'self'")
PAGE_HEADERS = {"Content-Security-Policy": CSP, "Referrer-Policy": "same-origin", "Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


def swagger_dir() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/")
def search_page():
    return _page("search.html")


@router.get("/assist")
def assist_page():
    return _page("assist.html")


@router.get("/widget")
def widget_page():
    return _page("widget.html")


@router.get("/widget.js")
def widget_script():
    return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "max-age=300"})


@router.get("/favicon.ico")
def favicon():
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


@router.get("/docs")
def docs():
    if swagger_dir() is None:  # the server extra was installed without its docs assets
        return HTMLResponse("<!doctype html><title>blogqa API</title><p>Swagger UI is not installed "
                            "(pip install 'blogqa[server]'). The schema is at <a href='/openapi.json'>"
                            "/openapi.json</a>.</p>")
    return get_swagger_ui_html(openapi_url="/openapi.json", title="blogqa API",
                               swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger/swagger-ui.css",
                               swagger_favicon_url="/favicon.ico")


@router.get("/posts/{post_id:path}")
def post_page(request: Request, post_id: str):
    post = service(request).index.get_post(post_id)
    if post is None:
        raise HTTPException(404, "no such post")
    return HTMLResponse(render_post(post, internal=True), headers=PAGE_HEADERS)


@router.get("/widget/posts/{post_id:path}")
def public_post_page(request: Request, post_id: str):
    post = public_post_or_404(request, post_id)
    return HTMLResponse(render_post(post, internal=False), headers=PAGE_HEADERS)


# The internal pages' header (as in search.html / assist.html); i18n.js translates it and runs the toggle.
INTERNAL_NAV = ('<a class="brand" href="/">blogqa</a><nav>'
                '<a href="/" data-i18n="post.back">← 검색</a>'
                '<a href="/assist" data-i18n="nav.assist">상담 도우미</a>'
                '<a href="/widget" data-i18n="nav.widget">고객 위젯</a>'
                '<a href="/insights" data-i18n="nav.insights">인사이트</a>'
                '<a href="/docs" data-i18n="nav.docs">API 문서</a></nav>')
LANG_TOGGLE = '<button type="button" id="lang-toggle" class="lang" data-i18n="lang.toggle">English</button>'


def content_lang(*texts: str) -> str:
    """"ko" when the post is written in Hangul, else "en" (the article keeps its own language
    whichever language the page's labels are in)."""
    return "ko" if any(has_hangul(t or "") for t in texts) else "en"


def render_post(post, internal: bool) -> str:
    """The post as escaped HTML (`post_html.body_html`: headings, paragraphs, lists, tables, code).
    Internal post pages get the internal header; public ones (customers') only the language toggle."""
    e = html.escape
    meta = " · ".join(x for x in [post.date and post.date.isoformat(), post.author and e(post.author)] if x)
    tags = "".join(f'<span class="tag">{e(t)}</span>' for t in post.tags)
    badge = ('<span class="badge internal" data-i18n="badge.internal">사내 전용</span>'
             if post.visibility != "public" else "")
    header = f'<header class="top">{INTERNAL_NAV if internal else "<span class=spacer></span>"}{LANG_TOGGLE}</header>'
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(post.title)}</title><link rel="icon" href="/favicon.ico">'
            f'<link rel="stylesheet" href="/static/app.css"><script src="/static/i18n.js" defer></script></head>'
            f'<body class="post-page">{header}<main><article lang="{content_lang(post.title, post.body)}">'
            f'<h1>{e(post.title)}</h1><p class="meta">{meta} {badge}</p><p class="tags">{tags}</p>{body_html(post.body)}'
            f'</article></main></body></html>')


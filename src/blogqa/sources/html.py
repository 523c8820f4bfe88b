"""One HTML page (a saved or generated blog page, or a Jekyll `.html` post) -> `Post`.

The body is the main content only (`<article>`, else `<main>`, else `<body>`; nav, header,
footer, aside, script and style dropped). Metadata comes from front matter when the file has
some, else from the usual `<meta>` tags (Open Graph, article:*), `<time>`, `<title>`, `<h1>`.
"""
from __future__ import annotations

from pathlib import Path

from ..models import Post
from ..text.normalize import HtmlNode, html_to_text, main_content, parse_html
from . import fields
from .markdown import post_date, read_post_file, updated_date, url_of, visibility
from .report import LoadReport
from .site_config import Site


def load_html_file(path: Path, source_path: str, report: LoadReport, site: Site | None = None) -> Post | None:
    """Read one HTML page; None when it is skipped (the report says why). `site`: as for Markdown."""
    where = str(path)
    read = read_post_file(path, report)
    if read is None:
        return None
    front, markup = read
    root = parse_html(markup)
    meta = {**page_meta(root), **{k: v for k, v in front.items() if v not in (None, "")}}
    title = fields.clean_title(meta.get("title"))
    if not title:
        report.skip(where, "missing title")
        return None
    return Post(
        id=source_path,
        title=title,
        body=html_to_text(root),
        date=post_date(meta, path, where, report),
        updated=updated_date(meta, where, report),
        url=url_of(meta, path, site),
        source_path=source_path,
        tags=fields.merge_tags(meta.get("tags"), meta.get("categories"), meta.get("category")),
        author=fields.author_of(meta),
        visibility=visibility(meta, where, report),
    )


def page_meta(root: HtmlNode) -> dict:
    """Front-matter-like fields read from the page's head and main content.

        >>> page_meta(parse_html('<meta property="og:title" content="T"><time datetime="2020-01-02">'))
        {'title': 'T', 'date': '2020-01-02'}
    """
    metas: dict[str, list[str]] = {}
    for node in root.iter("meta"):
        key = (node.attrs.get("property") or node.attrs.get("name") or "").strip().lower()
        if key and node.attrs.get("content", "").strip():
            metas.setdefault(key, []).append(node.attrs["content"].strip())

    def first(*keys: str) -> str | None:
        return next((metas[k][0] for k in keys if k in metas), None)

    main = main_content(root)
    h1 = next(main.iter("h1"), None) or next(root.iter("h1"), None)
    title_tag = next(root.iter("title"), None)
    time_tag = next((t for t in main.iter("time") if t.attrs.get("datetime")), None)
    canonical = next((n.attrs.get("href") for n in root.iter("link")
                      if "canonical" in n.attrs.get("rel", "").lower().split()), None)
    found = {
        "title": first("og:title", "twitter:title") or (h1 and h1.text()) or (title_tag and title_tag.text()),
        "date": first("article:published_time", "date", "dc.date", "dcterms.created", "pubdate")
        or (time_tag and time_tag.attrs["datetime"]),
        "updated": first("article:modified_time", "og:updated_time", "dcterms.modified", "last-modified"),
        "url": canonical or first("og:url"),
        "author": first("author", "article:author", "dc.creator"),
        "tags": metas.get("article:tag") or first("keywords"),
    }
    return {key: value for key, value in found.items() if value}

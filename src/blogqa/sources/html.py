"""One HTML page (a saved or generated blog page, or a Jekyll `.html` post) -> `Post`.

The page is read as a crawled page is (`blogqa.crawl.extract.extract_page`, trafilatura): the
body is the main content only (no navigation, sidebar, related posts, comments, share buttons or
footer). Metadata comes from front matter when the file has some, else from the page itself
(Open Graph, article:*, JSON-LD, `<time>`, the title without its " | Blog name" suffix).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..crawl.extract import ExtractedPage, extract_page
from ..models import Post
from . import fields
from .markdown import load_post_file
from .report import LoadReport
from .site_config import Site


def load_html_file(path: Path, source_path: str, report: LoadReport, site: Site | None = None) -> Post | None:
    """Read one HTML page; None when it is skipped (the report says why). `site`: as for Markdown."""
    return load_post_file(path, source_path, report, site, page_content)


def page_content(front: dict[str, Any], markup: str) -> tuple[dict[str, Any], str, str]:
    """The page's fields (front matter wins over the page's own), title and main-content body."""
    page = extract_page(markup)
    meta = {**page_meta(page), **{k: v for k, v in front.items() if v not in (None, "")}}
    return meta, fields.clean_title(meta.get("title")), page.body


def page_meta(page: ExtractedPage) -> dict:
    """Front-matter-like fields of an extracted page (front matter, when present, wins)."""
    found = {"title": page.title, "date": page.date, "updated": page.updated, "url": page.canonical,
             "author": page.author, "tags": page.tags}
    return {key: value for key, value in found.items() if value}

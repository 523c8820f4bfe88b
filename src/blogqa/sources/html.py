"""One HTML page (a saved or generated blog page, or a Jekyll `.html` post) -> `Post`.

The page is read as a crawled page is (`blogqa.crawl.extract.extract_page`, trafilatura): the
body is the main content only (no navigation, sidebar, related posts, comments, share buttons or
footer). Metadata comes from front matter when the file has some, else from the page itself
(Open Graph, article:*, JSON-LD, `<time>`, the title without its " | Blog name" suffix).
"""
from __future__ import annotations

from pathlib import Path

from ..crawl.extract import ExtractedPage, extract_page
from ..models import Post
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
    page = extract_page(markup)
    meta = {**page_meta(page), **{k: v for k, v in front.items() if v not in (None, "")}}
    title = fields.clean_title(meta.get("title"))
    if not title:
        report.skip(where, "missing title")
        return None
    return Post(
        id=source_path,
        title=title,
        body=page.body,
        date=post_date(meta, path, where, report),
        updated=updated_date(meta, where, report),
        url=url_of(meta, path, site),
        source_path=source_path,
        tags=fields.merge_tags(meta.get("tags"), meta.get("categories"), meta.get("category")),
        author=fields.author_of(meta),
        visibility=visibility(meta, where, report),
    )


def page_meta(page: ExtractedPage) -> dict:
    """Front-matter-like fields of an extracted page (front matter, when present, wins)."""
    found = {"title": page.title, "date": page.date, "updated": page.updated, "url": page.canonical,
             "author": page.author, "tags": page.tags}
    return {key: value for key, value in found.items() if value}

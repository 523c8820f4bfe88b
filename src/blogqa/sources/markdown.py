"""One Markdown post file (Jekyll, Hugo, Gatsby conventions) -> `Post`.

Date: front matter `date` wins over the `YYYY-MM-DD-slug.md` file-name date (or the page-bundle
folder name for `index.md`); updated: `last_modified_at`/`updated`/`lastmod`. Title: front matter,
else the first `# ` heading (which then leaves the body). Drafts are skipped silently.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Mapping

from ..models import Post
from ..text.normalize import markdown_to_text
from . import fields
from .files import read_post_text
from .frontmatter import FrontMatterError, split_front_matter
from .report import LoadReport
from .site_config import Site

_H1 = re.compile(r"^# (.+)$", re.M)


def read_post_file(path: Path, report: LoadReport) -> tuple[dict[str, Any], str] | None:
    """Front matter and content of one post file (Markdown or HTML); None when it is unreadable,
    has broken front matter, or is a draft (the report says which)."""
    where = str(path)
    text = read_post_text(path, where, report)
    if text is None:
        return None
    try:
        meta, content = split_front_matter(text)
    except FrontMatterError as err:
        report.skip(where, f"broken front matter: {err}")
        return None
    if fields.is_draft(meta):
        report.skipped_drafts += 1
        return None
    return meta, content


# What a loader makes of one file's front matter and content: the post's fields (front matter
# and whatever the content adds), its title ('' when none) and its clean body.
ReadContent = Callable[[dict[str, Any], str], tuple[Mapping[str, Any], str, str]]


def load_post_file(path: Path, source_path: str, report: LoadReport, site: Site | None,
                   read_content: ReadContent) -> Post | None:
    """One post file (Markdown or HTML) -> `Post`; None when it is skipped (the report says why,
    drafts aside). `read_content` is the format's part; a bad date or visibility becomes a warning."""
    where = str(path)
    read = read_post_file(path, report)
    if read is None:
        return None
    meta, title, body = read_content(*read)
    if not title:
        report.skip(where, "missing title")
        return None
    return Post(
        id=source_path,
        title=title,
        body=body,
        date=post_date(meta, path, where, report),
        updated=updated_date(meta, where, report),
        url=url_of(meta, path, site),
        source_path=source_path,
        tags=fields.merge_tags(meta.get("tags"), meta.get("categories"), meta.get("category")),
        author=fields.author_of(meta),
        visibility=visibility(meta, where, report),
    )


def load_markdown_file(path: Path, source_path: str, report: LoadReport, site: Site | None = None) -> Post | None:
    """Read one Markdown post; None when it is skipped (the report says why, drafts aside).
    `site` (the Jekyll/Hugo site the file belongs to) gives the post its live URL."""
    return load_post_file(path, source_path, report, site, markdown_content)


def markdown_content(meta: dict[str, Any], markdown: str) -> tuple[Mapping[str, Any], str, str]:
    """Front matter, title (front matter, else the first `# ` heading) and clean body of a post."""
    body = markdown_to_text(markdown)
    title = fields.clean_title(meta.get("title"))
    if not title:
        title, body = title_from_heading(body)
    return meta, title, body


def title_from_heading(body: str) -> tuple[str, str]:
    """Use the first `# ` heading as the title and drop it from the body ('' when none)."""
    match = _H1.search(body)
    if not match or "```" in body[:match.start()]:  # a "# comment" inside code is no title
        return "", body
    return fields.clean_title(match.group(1)), (body[:match.start()] + body[match.end():]).strip("\n")


def post_date(meta: Mapping[str, Any], path: Path, where: str, report: LoadReport):
    """Front matter date, else the file-name date (or the page-bundle folder's, for index.md)."""
    try:
        date = fields.parse_date(meta.get("date"))
    except ValueError as err:
        report.warn(where, f"{err} in front matter, using the file name")
        date = None
    name = path.parent.name if path.stem.lower() == "index" else path.name
    return date or fields.date_from_filename(name)


def updated_date(meta: Mapping[str, Any], where: str, report: LoadReport):
    for key in fields.UPDATED_KEYS:
        if meta.get(key):
            try:
                return fields.parse_date(meta[key])
            except ValueError as err:
                report.warn(where, f"{err} in {key}, ignored")
    return None


def url_of(meta: Mapping[str, Any], path: Path | None = None, site: Site | None = None) -> str | None:
    """The post's live URL from its site's config (`site_config`), else its own `url`/`permalink`."""
    if site is not None and path is not None:
        return site.post_url(meta, path)
    value = meta.get("url") or meta.get("permalink")
    return str(value).strip() if value else None


def visibility(meta: Mapping[str, Any], where: str, report: LoadReport) -> str:
    try:
        return fields.visibility_of(meta.get("visibility")) or "public"
    except ValueError as err:
        report.warn(where, str(err))
        return "internal"

"""JSON Lines: one post per line, `{"title", "body", "date"?, "updated"?, "url"?, "tags"?, ...}`.

Post id: `id`, else `url`, else `line-N` (1-based line number; never the title, which can change).
`url` is kept exactly as given. `body` is Markdown or plain text, or HTML when it looks like HTML
or `"format": "html"` says so. The file is streamed line by line, never read whole.

    >>> # {"id": "p1", "title": "제목", "body": "본문", "date": "2024-01-31", "tags": "a, b"}
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from ..models import Post
from ..text.normalize import decode, html_to_text, markdown_to_text, normalize_text
from . import fields
from .files import MAX_POST_BYTES, open_regular, warn_replaced
from .report import LoadReport

_LOOKS_HTML = re.compile(r"<(?:p|div|br|h[1-6]|article|section|ul|ol|table|pre|span|a)\b[^>]*>", re.I)


def load_jsonl(path: Path, report: LoadReport) -> Iterator[Post]:
    """Yield the posts of a JSONL file; bad lines become warnings naming the file and line."""
    with open_regular(path) as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}: line {number}"
            if len(raw) > MAX_POST_BYTES:
                report.skip(where, f"too large ({len(raw) / 2**20:.1f} MB > 5 MB)")
                continue
            if not raw.strip():
                continue
            try:
                decoded = decode(raw)
                record = json.loads(decoded.text)
            except RecursionError:  # json's C scanner recurses once per nested [ or {
                report.skip(where, "bad JSON (nested too deeply)")
                continue
            except ValueError as err:
                report.skip(where, f"bad JSON ({str(err).splitlines()[0]})")
                continue
            warn_replaced(decoded, where, report)
            if not isinstance(record, dict):
                report.skip(where, "not a JSON object")
                continue
            post = _post(record, number, path.name, where, report)
            if post is not None:
                yield post


def _post(record: dict, number: int, file_name: str, where: str, report: LoadReport) -> Post | None:
    title, body = fields.clean_title(record.get("title")), record.get("body")
    if not title or not isinstance(body, str) or not body.strip():
        report.skip(where, "missing title/body")
        return None
    dates = []
    for key in ("date", "updated"):
        try:
            dates.append(fields.parse_date(record.get(key)))
        except ValueError as err:
            report.warn(where, f"{err} in {key}, ignored")
            dates.append(None)
    try:
        visibility = fields.visibility_of(record.get("visibility")) or "public"
    except ValueError as err:
        report.warn(where, str(err))
        visibility = "internal"
    url = record.get("url") if isinstance(record.get("url"), str) and record.get("url") else None
    record_id = record.get("id")
    return Post(
        id=str(record_id) if record_id not in (None, "") else url or f"line-{number}",
        title=title,
        body=_body_text(body, str(record.get("format", "")).lower()),
        date=dates[0],
        updated=dates[1],
        url=url,
        source_path=str(record.get("source_path") or "") or (None if url else f"{file_name}:{number}"),
        tags=fields.merge_tags(record.get("tags"), record.get("categories")),
        author=fields.author_of(record),
        visibility=visibility,
    )


def _body_text(body: str, fmt: str) -> str:
    if fmt == "html" or (fmt != "markdown" and fmt != "text" and _LOOKS_HTML.search(body)):
        return html_to_text(body)
    return normalize_text(body) if fmt == "text" else markdown_to_text(body)

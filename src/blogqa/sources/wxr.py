"""WordPress WXR export (RSS with the `wp:` namespace) -> posts, parsed with defusedxml.

Only `wp:post_type` "post" is read (pages, attachments, menu items are not posts). Status
"publish" -> public, "private" (or a password) -> internal; drafts, pending, future and trash
are counted in `report.skipped_drafts`. Author logins map to display names from `wp:author`.
Post id: the guid, else the link, else "wp-post-N".
"""
from __future__ import annotations

import re
from typing import Iterator

import defusedxml.ElementTree as ET

from ..errors import SourceError
from ..models import Post
from ..text.normalize import html_to_text
from . import fields
from .report import LoadReport

_PREFIXES = {
    "http://wordpress.org/export/": "wp:",
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://wordpress.org/export/1.2/excerpt/": "excerpt:",
}
_WP_SHORTCODE = re.compile(r"\[/?(?:caption|gallery|embed|audio|video|playlist)\b[^\]]*\]")


def looks_like_wxr(head: bytes) -> bool:
    return b"wordpress.org/export/" in head and b"<rss" in head


def parse_wxr(data: bytes, source: str):
    """The <channel> element of a WXR document; SourceError when it is not one."""
    try:
        root = ET.fromstring(data)
    except Exception as err:  # noqa: BLE001 - ParseError and defusedxml's refusals alike
        raise SourceError(f"{source}: not valid WXR/XML ({str(err).splitlines()[0]})") from None
    channel = root.find("channel")
    if channel is None:
        raise SourceError(f"{source}: not a WordPress export (no <channel>)")
    return channel


def load_wxr(channel, source: str, report: LoadReport) -> Iterator[Post]:
    """Yield the published posts of a `parse_wxr` result."""
    authors = {}
    for node in channel:
        if _name(node.tag) == "wp:author":
            info = _fields(node)
            authors[info.get("wp:author_login", "")] = info.get("wp:author_display_name")
    for number, item in enumerate(channel.iter("item"), start=1):
        post = _post(item, number, authors, f"{source}: item {number}", report)
        if post is not None:
            yield post


def _post(item, number: int, authors: dict, where: str, report: LoadReport) -> Post | None:
    info = _fields(item)
    if info.get("wp:post_type", "post") != "post":
        return None
    status = info.get("wp:status", "publish")
    if status not in ("publish", "private"):
        report.skipped_drafts += 1
        return None
    title = fields.clean_title(info.get("title"))
    if not title:
        report.skip(where, "missing title")
        return None
    tags = [(c.text or "").strip() for c in item.findall("category")]
    login = info.get("dc:creator", "")
    private = status == "private" or bool(info.get("wp:post_password"))
    date = _date(info.get("wp:post_date")) or _date(info.get("pubDate"))
    updated = _date(info.get("wp:post_modified"))
    return Post(
        id=info.get("guid") or info.get("link") or f"wp-post-{info.get('wp:post_id', number)}",
        title=title,
        body=html_to_text(_autop(info.get("content:encoded", ""))),
        date=date,
        updated=updated if updated != date else None,
        url=info.get("link") or None,
        source_path=None,
        tags=fields.merge_tags(tags),
        author=authors.get(login) or login or None,
        visibility="internal" if private else "public",
    )


def _name(tag: str) -> str:
    """"{http://wordpress.org/export/1.2/}status" -> "wp:status" (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    prefix = next((p for u, p in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[0])) if uri.startswith(u)), "")
    return prefix + local


def _fields(node) -> dict[str, str]:
    return {_name(child.tag): (child.text or "").strip() for child in node if len(child) == 0}


def _date(value: str | None):
    try:
        return fields.parse_date(value)
    except ValueError:  # "0000-00-00 00:00:00" on never-published items
        return None


def _autop(content: str) -> str:
    """WordPress stores paragraphs as blank lines, not <p>; make them HTML before parsing."""
    content = _WP_SHORTCODE.sub("", content)
    if re.search(r"<p[\s>]", content, re.I):
        return content
    parts = re.split(r"(<pre\b.*?</pre\s*>)", content.replace("\r\n", "\n"), flags=re.S | re.I)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a <pre> block: its newlines are the code's
            out.append(part)
            continue
        paragraphs = re.split(r"\n\s*\n", part)
        out.extend(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
    return "".join(out)

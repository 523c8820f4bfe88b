"""Loaders: a blog (web address, folder, file or feed) -> `blogqa.models.Post` objects.

    >>> from blogqa.sources import load, LoadReport
    >>> report = LoadReport()
    >>> # posts = list(load("blog/", report=report)); print(*report.warnings, sep="\\n")

Formats (`FORMATS`), sniffed when `fmt` is None: a folder of Markdown posts (YAML/TOML front
matter) and/or HTML pages, an RSS/Atom feed file, a WordPress WXR export, JSONL. An http(s) URL
is a blog on the web, crawled (`blogqa.crawl`: its sitemap and feed found from any of its URLs,
each post read from its page); with `fmt="feed"`/`"wxr"` it is that one file, fetched.
A source that cannot be read at all (or a URL where no feed, sitemap or post page is found)
raises SourceError when `load()` is called, and a source that gives no post at all (a folder
of PDFs) raises NoPostsError once
it has been read; problems with single posts become one-line warnings in the report and the load
goes on.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import SourceError, UsageError
from ..models import Post
from .feed import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, fetch, is_url, load_feed, parse_feed
from .fields import check_visibility
from .files import HTML_EXTS, MARKDOWN_EXTS, open_regular, walk
from .jsonl import load_jsonl
from .markdown import load_markdown_file
from .report import LoadReport, readable
from .site_config import Site, check_base_url, find_site
from . import unsupported
from .wxr import load_wxr, looks_like_wxr, parse_wxr

FORMATS = ("markdown", "html", "feed", "wxr", "jsonl")
__all__ = ["FORMATS", "LoadReport", "NoPostsError", "load", "sniff"]

_SNIFF_BYTES = 64 * 1024


class NoPostsError(SourceError):
    """The source was read but gave no post; `report` holds the warnings that say why."""

    def __init__(self, message: str, report: LoadReport):
        super().__init__(message)
        self.report = report


def load(source: str | Path, fmt: str | None = None, report: LoadReport | None = None,
         visibility: str | None = None, *, timeout: float = DEFAULT_TIMEOUT,
         deadline: float = DEFAULT_DEADLINE, base_url: str | None = None) -> Iterator[Post]:
    """Posts of `source`, lazily. `fmt` forces a format (else sniffed); `visibility` overrides
    every post's; fetching a feed URL waits `timeout` seconds at most for each connect and read,
    and `deadline` seconds at most in all. Posts of a folder (or Markdown/HTML file) link to their
    live URL: `base_url` + the site's permalink, the base else from the site's Jekyll/Hugo config
    (`site_config`).

    Raises UsageError (unknown fmt/visibility, fmt that does not fit the source) or SourceError
    (missing path, unreadable folder, feed URL that fails, not a feed) right away, before the
    first post; NoPostsError at the end when no post came out of the source.
    """
    base_url = check_options(source, fmt, visibility, base_url)
    report = report if report is not None else LoadReport()
    label = str(source)
    return _finish(_open(source, fmt, report, timeout, deadline, base_url), label, report, visibility)


def check_options(source: str | Path, fmt: str | None, visibility: str | None, base_url: str | None) -> str | None:
    """UsageError for options that cannot fit any source (an unknown format or visibility, a bad
    base URL) or that do not fit this one (a base URL for a web source); the base URL as checked.
    `load()` runs it, and so does whatever reads a source another way (`Index.ingest` crawling)."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_visibility(visibility)
    if base_url is None:
        return None
    base_url = check_base_url(base_url)
    if is_url(source):
        raise UsageError(f"{source}: a base URL is for a folder or Markdown/HTML files; a web source has its own links")
    return base_url


def sniff(path: Path) -> str:
    """The format of a file, from its extension, else from its first bytes.

    Raises UsageError when nothing fits (pass `fmt` then)."""
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_EXTS:
        return "markdown"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    try:
        with open_regular(path) as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror})") from None
    fmt = _sniff_bytes(head)
    if fmt is None and suffix in HTML_EXTS:
        fmt = "html"
    if fmt is None and unsupported.kind_of(path, head):
        raise unsupported.file_error(path, unsupported.kind_of(path, head))
    if fmt is None:
        raise UsageError(f"{path}: cannot tell its format; pass one of {', '.join(FORMATS)}")
    return fmt


def _sniff_bytes(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if looks_like_wxr(text):
        return "wxr"
    if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
        return "feed"
    if text.startswith((b"<!doctype html", b"<html")) or b"<body" in text:
        return "html"
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith((b"---", b"+++")):
        return "markdown"
    return None


def _open(source: str | Path, fmt: str | None, report: LoadReport, timeout: float,
          deadline: float, base_url: str | None = None) -> Iterable[Post]:
    """Check the source and pick its loader; everything that can fail for the whole source
    fails here, eagerly."""
    if is_url(source):
        if fmt not in (None, "feed", "wxr"):
            raise UsageError(f"{source}: a URL is a blog (crawled), an RSS/Atom feed or a WXR export, not {fmt}")
        if fmt is None:  # a blog's home, post, feed or sitemap URL: discover and crawl the blog
            from ..crawl import crawl

            return crawl(str(source), report, timeout=timeout, deadline=deadline, progress=False).posts
        return _whole_file(fetch(str(source), timeout, deadline), str(source), fmt, report)
    path = Path(source)
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError as err:
        reason = "no such file or folder" if isinstance(err, FileNotFoundError) else err.strerror
        raise SourceError(f"{path}: {reason}") from None
    if is_dir:
        if fmt not in (None, "markdown", "html"):
            raise UsageError(f"{path}: format {fmt} needs a file, not a folder")
        try:
            with os.scandir(path):
                pass
        except OSError as err:
            raise SourceError(f"{path}: cannot read folder ({err.strerror})") from None
        return _folder(path, fmt, report, find_site(path, base_url, report))
    if unsupported.kind_of(path):
        raise unsupported.file_error(path, unsupported.kind_of(path))
    fmt = fmt or sniff(path)
    if base_url is not None and fmt not in ("markdown", "html"):
        raise UsageError(f"{path}: a base URL is for a folder or Markdown/HTML files, not a {fmt} file")
    if fmt == "jsonl":
        _check_readable(path)
        return load_jsonl(path, report)
    if fmt in ("feed", "wxr"):
        try:
            with open_regular(path) as handle:
                data = handle.read()
        except OSError as err:
            raise SourceError(f"{path}: cannot read ({err.strerror})") from None
        return _whole_file(data, str(path), fmt, report)
    _check_readable(path)
    loader = load_markdown_file if fmt == "markdown" else _html_loader()
    site = find_site(path.parent, base_url, report)
    return (post for post in [loader(path, path.name, report, site)] if post is not None)


def _html_loader():
    """`load_html_file`, imported when the first HTML page is met: it brings the crawler's page
    extraction (trafilatura, lxml), which a folder of Markdown posts never needs."""
    from .html import load_html_file

    return load_html_file


def _check_readable(path: Path) -> None:
    try:
        with open_regular(path):
            pass
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror})") from None


def _whole_file(data: bytes, source: str, fmt: str | None, report: LoadReport) -> Iterable[Post]:
    if fmt == "wxr" or (fmt is None and looks_like_wxr(data[:_SNIFF_BYTES])):
        return load_wxr(parse_wxr(data, source), source, report)
    return load_feed(parse_feed(data, source), source, report)


def _folder(root: Path, fmt: str | None, report: LoadReport, site: Site | None = None) -> Iterator[Post]:
    exts = {"markdown": MARKDOWN_EXTS, "html": HTML_EXTS}.get(fmt or "", MARKDOWN_EXTS + HTML_EXTS)
    for path, source_path in walk(root, exts, report):
        is_html = path.name.lower().endswith(HTML_EXTS)
        try:
            post = (_html_loader() if is_html else load_markdown_file)(path, source_path, report, site)
        except RecursionError:  # a parser met nesting deeper than Python's stack: this file only
            report.skip(path, "nested too deeply to read")
            continue
        if post is not None:
            yield post


def _finish(posts: Iterable[Post], label: str, report: LoadReport, visibility: str | None) -> Iterator[Post]:
    """Apply the visibility override, make text valid Unicode, drop repeated ids, warn once about
    undated posts, and raise NoPostsError when the source gave no post."""
    seen: set[str] = set()
    undated = 0
    before = (len(report.warnings), report.skipped, report.skipped_drafts)
    for post in posts:
        _valid_unicode(post, post.source_path or label, report)
        if post.id in seen:
            report.skip(post.source_path or label, f"duplicate post id {post.id!r}, kept the first")
            continue
        seen.add(post.id)
        if visibility:
            post.visibility = visibility
        undated += post.date is None
        report.loaded += 1
        yield post
    if not seen:
        raise NoPostsError(f"{readable(label)}: no posts to ingest ({_why_none(label, report, *before)})", report)
    if undated:
        report.undated_sources.add(label)
        verb = "posts have" if undated > 1 else "post has"
        report.warn(label, f"{undated} {verb} no date (indexed with date unknown)")


def _why_none(label: str, report: LoadReport, warnings: int, skipped: int, drafts: int) -> str:
    skipped, drafts = report.skipped - skipped, report.skipped_drafts - drafts
    in_folder = unsupported.folder_reason(Path(label)) if not is_url(label) and os.path.isdir(label) else None
    if not skipped and not drafts:
        return in_folder or "no Markdown/HTML post files, feed entries or JSONL records found"
    parts = [f"{skipped} skipped"] if skipped else []
    parts += [f"{drafts} drafts"] if drafts else []
    new_warnings = report.warnings[warnings:]
    why = ", ".join(parts) + (f"; first: {new_warnings[0]}" if new_warnings else "")
    return why + (f"; {in_folder}" if in_folder and " not supported:" in in_folder else "")


_TEXT_FIELDS = ("id", "title", "body", "url", "source_path", "author")


def _valid_unicode(post: Post, where: str, report: LoadReport) -> None:
    """Lone surrogates (JSON's "\\ud800", a JavaScript string cut inside an emoji) cannot be
    stored or hashed as UTF-8: write them as `\\udNNN`, with one warning."""
    bad = []
    for name in _TEXT_FIELDS:
        value = getattr(post, name)
        if value and readable(value) != value:
            setattr(post, name, readable(value))
            bad.append(name)
    if any(readable(tag) != tag for tag in post.tags):
        post.tags = [readable(tag) for tag in post.tags]
        bad.append("tags")
    if bad:
        report.warn(where, f"invalid Unicode (lone surrogates) in {', '.join(bad)}, written as \\uXXXX")

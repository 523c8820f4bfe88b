"""The live address of each post of a blog read from its folder: Jekyll's `_config.yml` (`url` +
`baseurl` + `permalink`, `defaults`, `collections`, `timezone`) or Hugo's config (`baseURL` +
`[permalinks]`, `uglyURLs`), found by walking up from the ingested folder (a user may give
`site/`, `site/_posts` or `site/content/posts`). A base URL given by hand replaces the config's
`url` + `baseurl` (or `baseURL`).

    >>> # site = find_site(Path("blog/_posts"), None, LoadReport()); site.post_url(meta, path)

Precedence for one post: an absolute `url`/`permalink` in its front matter (or an HTML page's
canonical link) as written; else a relative one, joined to the base; else the site's pattern.
Without a config and without a base URL nothing changes: posts keep the front matter's value.
Jekyll converts a date written with an offset into the site's `timezone` (UTC when unset, as on
GitHub Pages), so `2020-02-14 01:00 +0900` is linked under 2020/02/13.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import UsageError
from . import fields
from .files import open_regular
from .frontmatter import _Loader  # the safe loader that keeps timestamps as written
from .permalink import escape_path, hugo_path, hugo_values, jekyll_path, jekyll_values, urlize

JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
_LEVELS_UP = 3                   # site/content/posts/2020 is as deep as a blog folder goes
_MAX_CONFIG_BYTES = 1 << 20
_PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "localhost", "127.0.0.1")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                        r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_POST_NAME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")


def check_base_url(value: str) -> str:
    """A base URL given by hand, without its trailing slash; UsageError unless it is http(s)://host[/path].

        >>> check_base_url("https://tech.example.kr/blog/")
        'https://tech.example.kr/blog'
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"base URL must look like https://tech.example.com or https://example.github.io/blog, "
                         f"not {value!r}")
    return value.strip().rstrip("/")


@dataclass(frozen=True)
class Site:
    """A static site's source folder: which generator, where its root is, its live address."""

    generator: str                       # "jekyll", "hugo", or "folder" (no config; base URL given by hand)
    root: Path                           # the folder the config is in (absolute, links not resolved)
    base: str | None                     # e.g. "https://teamdable.github.io/techblog"; None: no live links
    config: Mapping[str, Any] = field(default_factory=dict)

    def post_url(self, meta: Mapping[str, Any], path: Path) -> str | None:
        """The live URL of the post file `path` with front matter (or page metadata) `meta`."""
        explicit = meta.get("url") or meta.get("permalink")
        if explicit and urlsplit(str(explicit).strip()).scheme in ("http", "https"):
            return str(explicit).strip()
        try:
            rel = PurePosixPath(Path(os.path.abspath(path)).relative_to(self.root).as_posix())
        except ValueError:  # not inside the site (cannot happen for files found under it)
            rel = None
        if self.base is None or rel is None:
            return str(explicit).strip() if explicit else None
        route = {"jekyll": self._jekyll_path, "hugo": self._hugo_path}.get(self.generator, _folder_path)
        url_path = route(meta, rel)
        return self.base + url_path if url_path else None

    # ---- Jekyll -------------------------------------------------------------------------
    def _jekyll_path(self, meta: Mapping[str, Any], rel: PurePosixPath) -> str | None:
        if meta.get("url"):  # not a Jekyll key, but a saved page's canonical link or a hand-written one
            return escape_path(str(meta["url"]).strip())
        collection, folder_categories, inner = self._jekyll_collection(rel)
        date_name = _POST_NAME.match(rel.stem) if collection == "posts" else None
        slug = str(meta.get("slug") or (date_name.group(2) if date_name else rel.stem))
        when = self._jekyll_time(meta, date_name.group(1) if date_name else None)
        categories = fields.split_tags(meta.get("categories")) if meta.get("categories") else folder_categories
        category = meta.get("category")
        if category:  # Jekyll adds a singular `category` whole, a list item by item
            categories = categories + ([category] if isinstance(category, str) else fields.split_tags(category))
        values = jekyll_values(slug, str(inner.with_suffix("")), when, categories, collection=collection or "pages")
        template = meta.get("permalink") or self._jekyll_defaults(rel, collection)
        if not template and collection is None:
            return self._jekyll_page_path(rel)
        if not template:
            template = self._jekyll_collection_permalink(collection)
        return jekyll_path(str(template), values)

    def _jekyll_page_path(self, rel: PurePosixPath) -> str:
        """A page (not a post or collection document) keeps its path: `about.md` -> `/about.html`,
        or `/about/` when the site's permalinks end in a slash; `index` pages are their folder."""
        folder = "" if str(rel.parent) == "." else f"{rel.parent}/"
        site_style = str(self.config.get("permalink") or "date").strip()
        if rel.stem == "index":
            return escape_path(f"/{folder}")
        if site_style == "pretty" or site_style.endswith("/"):
            return escape_path(f"/{folder}{rel.stem}/")
        return escape_path(f"/{folder}{rel.stem}.html")

    def _jekyll_collection(self, rel: PurePosixPath) -> tuple[str | None, list[str], PurePosixPath]:
        """(collection label, categories from the folders above `_posts`, path inside the collection)."""
        parts = rel.parts
        collections_dir = str(self.config.get("collections_dir") or "").strip("/")
        if collections_dir and parts[:1] == (collections_dir,):
            parts = parts[1:]
        if "_posts" in parts[:-1]:
            at = parts.index("_posts")
            return "posts", list(parts[:at]), PurePosixPath(*parts[at + 1:])
        labels = _collection_labels(self.config.get("collections"))
        if len(parts) > 1 and parts[0].startswith("_") and parts[0][1:] in labels:
            return parts[0][1:], [], PurePosixPath(*parts[1:])
        return None, [], rel

    def _jekyll_defaults(self, rel: PurePosixPath, collection: str | None) -> str | None:
        """The permalink that `defaults:` gives this document (the most specific scope wins)."""
        best, best_rank = None, (-1, -1)
        for entry in self.config.get("defaults") or []:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
                continue
            scope = entry.get("scope") if isinstance(entry.get("scope"), Mapping) else {}
            scope_path, scope_type = str(scope.get("path") or "").strip("/"), scope.get("type")
            if scope_path and not (str(rel) == scope_path or str(rel).startswith(scope_path + "/")):
                continue
            if scope_type and scope_type != (collection or "pages"):
                continue
            rank = (len(scope_path), 1 if scope_type else 0)
            if entry["values"].get("permalink") and rank >= best_rank:
                best, best_rank = str(entry["values"]["permalink"]), rank
        return best

    def _jekyll_collection_permalink(self, collection: str) -> str:
        """A collection's own `permalink`, else Jekyll's default for it; posts use the site's."""
        if collection == "posts":
            return str(self.config.get("permalink") or "date")
        collections = self.config.get("collections")
        own = collections.get(collection) if isinstance(collections, Mapping) else None
        own = own.get("permalink") if isinstance(own, Mapping) else None
        return str(own or "/:collection/:path:output_ext")

    def _jekyll_time(self, meta: Mapping[str, Any], name_date: str | None) -> dt.datetime | None:
        when = parse_datetime(meta.get("date")) or parse_datetime(name_date)
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(_zone(self.config.get("timezone"))).replace(tzinfo=None)
        return when

    # ---- Hugo ---------------------------------------------------------------------------
    def _hugo_path(self, meta: Mapping[str, Any], rel: PurePosixPath) -> str | None:
        meta = {str(k).lower(): v for k, v in meta.items()}  # Hugo's keys are case-insensitive
        if meta.get("url"):
            return escape_path(str(meta["url"]).strip())
        content_dir = str(self.config.get("contentdir") or "content").strip("/")
        parts = rel.parts[1:] if rel.parts[:1] == (content_dir,) else rel.parts
        bundle = rel.stem == "index" and len(parts) > 1
        name = parts[-2] if bundle else rel.stem
        dirs = list(parts[:-2] if bundle else parts[:-1])
        slug = str(meta["slug"]) if meta.get("slug") else None
        when = parse_datetime(meta.get("date") or meta.get("publishdate") or meta.get("pubdate"))
        values = hugo_values(str(meta.get("title") or name), slug, name, when, dirs)
        pattern = _hugo_pattern(self.config.get("permalinks"), dirs[0] if dirs else "")
        if not pattern:  # Hugo's default: the content path, the slug replacing the file name
            pattern = "/" + "/".join([*(urlize(d) for d in dirs), ":slugorfilename"])
            pattern += ".html" if self.config.get("uglyurls") else "/"
        return hugo_path(pattern, values, lower=not self.config.get("disablepathtolower"))


def find_site(folder: Path, base_url: str | None, report) -> Site | None:
    """The site `folder` (a folder being ingested, or a post file's folder) belongs to; None when
    neither a config nor `base_url` gives posts a live address. A config that cannot be read, or
    that has no usable address, is one warning and no live links."""
    start = Path(os.path.abspath(folder))
    for here in [start, *start.parents][:_LEVELS_UP + 1]:
        site = _site_at(here, base_url, report)
        if site is not None:
            return site
        if (here / ".git").exists():  # the repository's root: a config above it is someone else's
            break
    if base_url is None:
        return None
    return _site_without_config(start, base_url)


def _site_at(here: Path, base_url: str | None, report) -> Site | None:
    for name in JEKYLL_CONFIGS:
        if (here / name).is_file():
            config = _read_config(here / name, report)
            if config is None:
                return Site("jekyll", here, base_url)
            return Site("jekyll", here, base_url or _jekyll_base(config, here / name, report), config)
    for name in [*HUGO_CONFIGS, *(f"config/_default/{n}" for n in HUGO_CONFIGS)]:
        path = here / name
        if path.is_file() and (path.name.startswith("hugo.") or (here / "content").is_dir()):
            config = _read_config(path, report)
            config = {str(k).lower(): v for k, v in (config or {}).items()}
            return Site("hugo", here, base_url or _checked_base(config.get("baseurl"), path, "baseURL", report),
                        config)
    return None


def _site_without_config(start: Path, base_url: str) -> Site:
    """No config: the folder's shape says which generator's default links to build."""
    parts = start.parts
    if "_posts" in parts:
        return Site("jekyll", Path(*parts[:parts.index("_posts")]), base_url)
    if (start / "_posts").is_dir():
        return Site("jekyll", start, base_url)
    if "content" in parts:
        return Site("hugo", Path(*parts[:parts.index("content")]), base_url)
    if (start / "content").is_dir():
        return Site("hugo", start, base_url)
    return Site("folder", start, base_url)


def _folder_path(meta: Mapping[str, Any], rel: PurePosixPath) -> str:
    """A plain folder served as it is: Markdown `a/b.md` -> `/a/b/`, HTML `a/b.html` as it is."""
    if meta.get("url") or meta.get("permalink"):
        return escape_path(str(meta.get("url") or meta.get("permalink")).strip())
    if rel.suffix.lower() in (".html", ".htm"):
        return escape_path("/" + (str(rel.parent) + "/" if rel.stem == "index" else str(rel)))
    return escape_path("/" + str(rel.parent / ("" if rel.stem == "index" else rel.stem)) + "/")


def _jekyll_base(config: Mapping[str, Any], path: Path, report) -> str | None:
    """`url` + `baseurl`; a `url` that already ends with the `baseurl` is taken whole (a common
    slip that GitHub Pages serves once: Dable's `url: .../techblog` with `baseurl: /techblog`)."""
    url = _checked_base(config.get("url"), path, "url", report)
    if url is None:
        return None
    baseurl = "/" + str(config.get("baseurl") or "").strip().strip("/")
    if baseurl == "/" or urlsplit(url).path.rstrip("/").endswith(baseurl):
        return url
    return url + baseurl


def _checked_base(value: Any, path: Path, key: str, report) -> str | None:
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        why = f"no {key}" if not text else f"{key} {text!r} is not an http(s) address"
    elif parts.hostname in _PLACEHOLDER_HOSTS:
        why = f"{key} {text!r} is a placeholder"
    else:
        return text.rstrip("/")
    report.warn(path, f"{why}, so posts get no live link (set it there, or give the blog's address with --base-url)")
    return None


def _read_config(path: Path, report) -> dict[str, Any] | None:
    try:
        with open_regular(path) as handle:
            data = handle.read(_MAX_CONFIG_BYTES + 1)
        if len(data) > _MAX_CONFIG_BYTES:
            raise ValueError("larger than 1 MB")
        text = data.decode("utf-8-sig")
        if path.suffix == ".toml":
            config = tomllib.loads(text)
        elif path.suffix == ".json":
            config = json.loads(text)
        else:
            config = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as err:
        reason = getattr(err, "strerror", None) or (str(err).splitlines() or [type(err).__name__])[0]
        report.warn(path, f"cannot read the site config ({reason}), so posts get no live link")
        return None
    if config is None:
        return {}
    if not isinstance(config, dict):
        report.warn(path, "the site config is not key: value pairs, so posts get no live link")
        return None
    return config


def _collection_labels(collections: Any) -> set[str]:
    if isinstance(collections, Mapping):
        return {str(label) for label in collections}
    if isinstance(collections, list):
        return {str(label) for label in collections}
    return set()


def _hugo_pattern(permalinks: Any, section: str) -> str | None:
    if not isinstance(permalinks, Mapping):
        return None
    permalinks = {str(k).lower(): v for k, v in permalinks.items()}
    page = permalinks.get("page")
    pattern = page.get(section) if isinstance(page, Mapping) else permalinks.get(section.lower())
    return str(pattern) if isinstance(pattern, str) and pattern.strip() else None


def _zone(name: Any) -> dt.tzinfo:
    try:
        return ZoneInfo(str(name)) if name else dt.timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def parse_datetime(value: Any) -> dt.datetime | None:
    """A date with its time and offset when written (`2020-02-14 01:00:00 +0900`, TOML datetimes);
    a bare date is midnight without an offset; None when absent or unreadable.

        >>> parse_datetime("2020-02-14 01:00:00 +0900").isoformat()
        '2020-02-14T01:00:00+09:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    match = _DATE_TIME.match(str(value).strip())
    try:
        if match:
            y, m, d, hh, mm, ss, offset = match.groups()
            tz = None
            if offset:
                sign = -1 if offset.startswith("-") else 1
                digits = offset.lstrip("+-").replace(":", "")
                tz = dt.timezone.utc if offset == "Z" else \
                    dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            return dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=tz)
        date = fields.parse_date(value)
    except ValueError:
        return None
    return dt.datetime(date.year, date.month, date.day) if date else None

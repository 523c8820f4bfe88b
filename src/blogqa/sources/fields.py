"""Turning loosely typed metadata (front matter, feed fields, JSON) into `Post` fields.

    >>> parse_date("2018-04-30 10:00:00 +0900"), parse_date("Mon, 30 Apr 2018 01:00:00 +0900")
    (datetime.date(2018, 4, 30), datetime.date(2018, 4, 30))
    >>> merge_tags("machine-learning hypercut", ["ml", "hypercut"])
    ['machine-learning', 'hypercut', 'ml']
    >>> date_from_filename("2012-3-28-Internship.md")
    datetime.date(2012, 3, 28)
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any, Mapping

from ..errors import UsageError

_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=$|[T\s_])")
_KOREAN = re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_FILENAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:-|$)")

UPDATED_KEYS = ("last_modified_at", "updated", "lastmod", "modified", "last_modified", "updated_at")


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, datetime, ISO-like string, RFC 822 string or "2018년 4월 30일".

    The calendar date is taken as written (no time-zone conversion): "2018-04-30 01:00 +0900" is
    the 30th, as the author meant. Empty -> None; anything else unreadable -> ValueError.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _YMD.match(text) or _KOREAN.match(text)
    if match:
        return dt.date(*(int(part) for part in match.groups()))  # ValueError for month 13 etc.
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"unparseable date {text[:40]!r}") from None


def date_from_filename(name: str) -> dt.date | None:
    """The Jekyll `YYYY-MM-DD-slug` date of a file (or page-bundle folder) name; one-digit month
    and day allowed. None when absent or not a real date."""
    match = _FILENAME.match(name)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def split_tags(value: Any) -> list[str]:
    """Tags from a list, a comma-separated string or a space-separated string (Jekyll)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [" ".join(str(item).split()) for item in value if item is not None and str(item).strip()]
    text = str(value)
    parts = text.split(",") if "," in text else text.split()
    return [part.strip() for part in parts if part.strip()]


def merge_tags(*values: Any) -> list[str]:
    """Merge several tag fields, keeping first-seen order and dropping case-insensitive repeats."""
    seen: set[str] = set()
    merged: list[str] = []
    for value in values:
        for tag in split_tags(value):
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                merged.append(tag)
    return merged


def author_of(meta: Mapping[str, Any]) -> str | None:
    """`authors` (a list, joined with ", ") or `author` (a string, or a mapping with a name)."""
    for key in ("authors", "author"):
        value = meta.get(key)
        if isinstance(value, Mapping):
            value = value.get("name") or value.get("display_name")
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v.get("name", "") if isinstance(v, Mapping) else v).strip() for v in value if v)
        if value is not None and str(value).strip():
            return " ".join(str(value).split())
    return None


def is_draft(meta: Mapping[str, Any]) -> bool:
    """`published: false`, `publish: false` (Spoqa's key) or `draft: true`."""
    def flag(key: str) -> bool | None:
        value = meta.get(key)
        if isinstance(value, str):
            return {"true": True, "yes": True, "false": False, "no": False}.get(value.strip().lower())
        return value if isinstance(value, bool) else None

    return flag("published") is False or flag("publish") is False or flag("draft") is True


def visibility_of(value: Any) -> str | None:
    """Map a visibility field to "public"/"internal"; None when absent. Unknown values are
    treated as internal (safer), ValueError tells the caller to warn."""
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text in ("public", "internal"):
        return text
    if text in ("private", "restricted", "confidential"):
        return "internal"
    raise ValueError(f"unknown visibility {text!r} (treated as internal)")


def check_visibility(value: str | None) -> str | None:
    """Validate the `visibility` argument of `load()`."""
    if value not in (None, "public", "internal"):
        raise UsageError(f"visibility must be 'public' or 'internal', not {value!r}")
    return value


def clean_title(value: Any) -> str:
    """A title as one line of text ('' when missing)."""
    return " ".join(str(value).split()) if value is not None else ""

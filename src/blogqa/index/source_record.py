"""What an index remembers about each source it was built from, so `blogqa sync` can revisit it.

    SourceRecord(kind="folder", location="/home/me/blog", fmt=None, visibility="internal")
    SourceRecord(kind="url", location="https://tech.example.com/", state={...CrawlState JSON...})

A record is written in the same atomic write as the posts it produced (embedded index: a
`sources` table inside the generation; PostgreSQL: `blogqa_sources`), so the record and the
posts always switch together. `location` is the source's `source_key`, the same string the
posts carry as their `source`, and the record's identity: ingesting a source again replaces it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

KINDS = ("url", "folder", "file")


@dataclass
class SourceRecord:
    kind: str                     # "url", "folder" or "file"
    location: str                 # source_key(source): a URL as given, a path made absolute
    fmt: str | None = None        # the --format it was ingested with (None: sniffed / crawled)
    visibility: str | None = None  # the --visibility override, if any
    base_url: str | None = None   # the --base-url of a folder source, if any
    max_pages: int | None = None  # the --max-pages of a crawled URL source, if any
    state: dict | None = None     # a crawled URL source's CrawlState JSON (blogqa.crawl.state)

    @property
    def crawled(self) -> bool:
        """A URL source whose format was not forced: revisited by crawling, not re-read as a feed."""
        return self.kind == "url" and self.fmt is None

    def to_json(self) -> dict:
        return {"kind": self.kind, "location": self.location, "fmt": self.fmt, "visibility": self.visibility,
                "base_url": self.base_url, "max_pages": self.max_pages, "state": self.state}

    @classmethod
    def from_json(cls, d: dict) -> "SourceRecord":
        return cls(kind=d["kind"], location=d["location"], fmt=d.get("fmt"), visibility=d.get("visibility"),
                   base_url=d.get("base_url"), max_pages=d.get("max_pages"), state=d.get("state"))

    def same_as(self, other: "SourceRecord | None") -> bool:
        """True when writing this record over `other` would change nothing."""
        return other is not None and _canonical(self.to_json()) == _canonical(other.to_json())


def source_kind(source: str) -> str:
    """"url" for http(s) sources, "folder" for a directory, else "file"."""
    if source.lower().startswith(("http://", "https://")):
        return "url"
    return "folder" if os.path.isdir(source) else "file"


def _canonical(d: dict) -> str:
    return json.dumps(d, sort_keys=True, ensure_ascii=False)

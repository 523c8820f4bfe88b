"""Dense vectors: the float16 scan plus float32 rescoring ranks exactly as a float32 scan does, an
index written before the float16 file still opens, and the HNSW path keeps recall@10 >= 0.95."""
import json
from pathlib import Path

import numpy as np
import pytest

from blogqa.index.vectors import COMPACT_FILE, DenseVectors, write_vectors

REPO = Path(__file__).resolve().parents[1]


def clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight clusters, so many scores are close (where float16 could reorder them)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(1, n // 50), dim))
    v = centres[rng.integers(0, centres.shape[0], n)] + rng.normal(0, 0.05, (n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_compact_scan_with_rescoring_ranks_as_exact(tmp_path):
    vectors = clustered(3000)
    write_vectors(tmp_path, vectors, ann_min_chunks=10**9)
    dense = DenseVectors(tmp_path)
    assert dense.compact is not None and dense.graph is None
    mask = np.arange(3000) % 3 != 0
    for q in vectors[:40] + 0.01:
        for m in (None, mask):
            rows, scores = dense.search(q, m, 10)
            ref_rows, ref_scores = dense.exact_search(q, m, 10)
            assert rows.tolist() == ref_rows.tolist()
            assert np.allclose(scores, ref_scores)


def test_generation_without_compact_file_is_scanned_in_float32(tmp_path):
    vectors = clustered(500)
    write_vectors(tmp_path, vectors)
    (tmp_path / COMPACT_FILE).unlink()
    dense = DenseVectors(tmp_path)
    assert dense.compact is None
    rows, _ = dense.search(vectors[7], None, 5)
    assert rows[0] == 7 and rows.tolist() == dense.exact_search(vectors[7], None, 5)[0].tolist()


def test_hnsw_above_threshold_keeps_recall_and_filters(tmp_path):
    vectors = clustered(4000, seed=1)
    write_vectors(tmp_path, vectors, ann_min_chunks=1000)
    dense = DenseVectors(tmp_path)
    assert dense.graph is not None
    queries = clustered(100, seed=2)
    hits = sum(len(set(dense.search(q, None, 10)[0]) & set(dense.exact_search(q, None, 10)[0])) for q in queries)
    assert hits / (10 * len(queries)) >= 0.95
    broad = np.arange(4000) % 10 != 0
    rows, _ = dense.search(queries[0], broad, 10)
    assert len(rows) == 10 and broad[rows].all()
    selective = np.arange(4000) % 50 == 0  # 2% kept: answered by the exact scan
    assert dense.search(queries[0], selective, 10)[0].tolist() == dense.exact_search(queries[0], selective, 10)[0].tolist()


def test_old_generation_opens_and_searches_the_same(tmp_path, sample_index):
    from blogqa.api import Index

    idx, _ = sample_index
    store = idx.store
    query = idx.embedder.embed_query("검색")
    before = [(s.chunk_id, round(s.score, 5)) for s in store.dense(query, _no_filters(), 5)]
    gen = store.path / store._gen
    copy = tmp_path / "old"
    import shutil

    shutil.copytree(store.path, copy, ignore=shutil.ignore_patterns(".lock"))
    (copy / gen.name / COMPACT_FILE).unlink()
    old = Index(str(copy))
    assert old.store._live.vectors.compact is None
    assert [(s.chunk_id, round(s.score, 5)) for s in old.store.dense(query, _no_filters(), 5)] == before


def _no_filters():
    from blogqa.models import Filters

    return Filters()


def test_hyperconnect_queries_rank_as_exact(hyperconnect_index):
    idx, _ = hyperconnect_index
    live = idx.store._live
    assert live.vectors.compact is not None
    path = REPO / "bench" / "data" / "hyperconnect_qa.jsonl"
    questions = [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for q in questions[:60]:
        v = idx.embedder.embed_query(q)
        assert live.vectors.search(v, None, 20)[0].tolist() == live.vectors.exact_search(v, None, 20)[0].tolist()


def test_memory_mapped_bm25_scores_as_loaded(sample_index):
    import bm25s

    idx, _ = sample_index
    folder = str(idx.store.path / idx.store._gen / "bm25")
    loaded, mapped = bm25s.BM25.load(folder, mmap=False), bm25s.BM25.load(folder, mmap=True)
    assert isinstance(mapped.scores["data"], np.memmap)
    tokens = list(loaded.vocab_dict)[:30]
    for i in range(0, 30, 3):
        assert np.array_equal(loaded.get_scores(tokens[i:i + 3]), mapped.get_scores(tokens[i:i + 3]))

"""Query latency per mode on the larger shared blog, against rank_bm25 in the same run, and how
query cost grows with the corpus (10k and 100k chunks built from the real ones).

    .venv/bin/python bench/query.py [--work /tmp/blogqa-bench] [--sizes 10000 100000] [--numpy-first]

Model load and index open are excluded; each mode is warmed with 5 queries first. The queries are
the hand-written questions in bench/data/hyperconnect_qa.jsonl (post titles if that file is missing).
Scaling: texts are repeated with a numbered suffix (so BM25 statistics change a little) and
vectors copied with Gaussian noise then re-normalised; each size runs in its own process so its
memory is its own.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

if "--numpy-first" in sys.argv:  # what a library user who imports NumPy before blogqa gets
    import numpy  # noqa: F401
from common import REPO, WORK, blog_index, median, peak_rss_mb, percentile, table  # blogqa makes BLAS single-threaded

import numpy as np


MODES = ["bm25", "dense", "hybrid"]


def queries_for(idx) -> list[str]:
    path = REPO / "bench" / "data" / "hyperconnect_qa.jsonl"
    if path.is_file():
        return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [p.title for p in idx.posts()]


def latencies(fn, queries: list[str]) -> list[float]:
    for q in queries[:5]:
        fn(q)
    out = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def rank_bm25_baseline(idx):
    """rank_bm25's BM25Okapi over whitespace tokens of the same chunk texts (what many RAG stacks do)."""
    import sqlite3

    from rank_bm25 import BM25Okapi

    store = idx.store
    db = sqlite3.connect(store.path / store._gen / "index.sqlite")
    texts = [r[0] for r in db.execute("SELECT text FROM chunks ORDER BY id")]
    bm = BM25Okapi([t.split() for t in texts])
    return lambda q: np.argsort(-bm.get_scores(q.split()))[:5]


def mode_rows(idx, queries):
    idx.embedder.embed_query("warm up")
    rows = []
    base = latencies(rank_bm25_baseline(idx), queries)
    rows.append(["rank_bm25 (whitespace)", median(base), percentile(base, 95), 1.0])
    for mode in MODES:
        lat = latencies(lambda q: idx.search(q, k=5, mode=mode), queries)
        rows.append([f"blogqa {mode}", median(lat), percentile(lat, 95), median(lat) / median(base)])
    return rows


def scale_child(size: int, source: str, out: str) -> None:
    """Build a `size`-chunk embedded index from the real one; `scale_measure` times queries on it."""
    import sqlite3

    from blogqa.index.embedded import EmbeddedStore
    from blogqa.models import Chunk, Post

    src = EmbeddedStore(source)
    db = sqlite3.connect(src.path / src._gen / "index.sqlite")
    rows = db.execute("SELECT post_id, heading, text, tokens, vector FROM chunks ORDER BY id").fetchall()
    rng = np.random.default_rng(0)
    location = WORK / f"scale-{size}"
    import shutil

    shutil.rmtree(location, ignore_errors=True)
    store = EmbeddedStore(location, must_exist=False)
    build_start = time.perf_counter()
    with store.writer(src.meta) as w:
        for start in range(0, size, 20):
            post = Post(id=f"synthetic-{start}", title=f"synthetic {start}", body="")
            chunks, tokens, vecs = [], [], []
            for j in range(start, min(size, start + 20)):
                _, heading, text, toks, vec = rows[j % len(rows)]
                copy = j // len(rows)
                chunks.append(Chunk(post.id, j - start, heading, f"{text} ({copy})", f"{text} ({copy})"))
                tokens.append(json.loads(toks) + [f"copy{copy}"])
                v = np.frombuffer(vec, np.float32) + rng.normal(0, 0.02, src.meta.dim).astype(np.float32)
                vecs.append(v / np.linalg.norm(v))
            w.upsert(post, "synthetic", chunks, tokens, np.stack(vecs))
    build = time.perf_counter() - build_start
    Path(out + ".build").write_text(json.dumps(build), encoding="utf-8")
    # measured in a fresh process, so its RSS is what serving takes, not the build's peak
    subprocess.run([sys.executable, __file__, "--scale-measure", str(size), str(location), out], check=True)
    shutil.rmtree(location, ignore_errors=True)


def scale_measure(size: int, location: str, out: str) -> None:
    """Time the modes and dense recall on the index `scale_child` built at `location`."""
    from blogqa.api import Index

    build = json.loads(Path(out + ".build").read_text(encoding="utf-8"))
    idx = Index(location)
    queries = json.loads(Path(out + ".queries").read_text(encoding="utf-8"))
    rss_before = peak_rss_mb()
    idx.embedder.embed_query("warm up")
    recall = dense_recall_at_10(idx, queries)
    modes = {}
    for mode in MODES:
        lat = latencies(lambda q: idx.search(q, k=5, mode=mode), queries)
        modes[mode] = [median(lat), percentile(lat, 95)]
    json.dump({"size": size, "modes": modes, "build_s": build, "recall_at_10": recall,
               "rss_mb": peak_rss_mb(), "rss_before_queries_mb": rss_before}, open(out, "w"))


def dense_recall_at_10(idx, queries: list[str]) -> float:
    """Share of the exact float32 top 10 that the store's dense path (float16 scan or HNSW, then
    float32 rescoring) returns, over the queries."""
    vectors = idx.store._live.vectors
    hits = 0
    for q in queries:
        v = idx.embedder.embed_query(q)
        hits += len(set(vectors.search(v, None, 10)[0]) & set(vectors.exact_search(v, None, 10)[0]))
    return hits / (10 * len(queries))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=str(WORK), help="where the hyperconnect index is built and kept, shared "
                                                      "with bench/retrieval.py (<work>/hyperconnect-<tokenizer name>)")
    ap.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000])
    ap.add_argument("--numpy-first", action="store_true",
                    help="load NumPy before blogqa (BLAS keeps its thread pool), to see what that costs")
    ap.add_argument("--json", action="store_true",
                    help="also print one JSON object a line per size: chunks, hybrid p50_ms/p95_ms, rss_mb, recall_at_10")
    ap.add_argument("--scale-child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--scale-measure", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scale_child:
        size, source, out = args.scale_child
        return scale_child(int(size), source, out)
    if args.scale_measure:
        size, location, out = args.scale_measure
        return scale_measure(int(size), location, out)
    WORK.mkdir(parents=True, exist_ok=True)
    idx = blog_index("hyperconnect", args.work)
    queries = queries_for(idx)
    stats = idx.stats()
    print(f"corpus: hyperconnect, {stats['posts']} posts, {stats['chunks']} chunks; {len(queries)} queries; "
          f"latency in ms, model load excluded\n")
    print(table(["method", "p50 ms", "p95 ms", "p50 / rank_bm25"], mode_rows(idx, queries)))
    rows, results = [], []
    for size in [stats["chunks"], *args.sizes] if args.sizes else []:
        out = WORK / f"scale-{size}.json"
        Path(str(out) + ".queries").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        subprocess.run([sys.executable, __file__, "--scale-child", str(size), idx.location, str(out)], check=True)
        r = json.load(open(out))
        results.append(r)
        rows.append([size, *(v for mode in MODES for v in r["modes"][mode]), r["build_s"],
                     r["rss_before_queries_mb"], r["rss_mb"], r["recall_at_10"]])
    if rows:
        print("\nquery cost as the corpus grows (each size in its own process; the first row is the real "
              "corpus rebuilt the same way)\n")
        print(table(["chunks", *(f"{m} {p}" for m in MODES for p in ("p50 ms", "p95 ms")), "build s",
                     "RSS after open MB", "peak RSS MB", "dense recall@10"], rows))
    if args.json:
        for r in results:
            print(json.dumps({"chunks": r["size"], "p50_ms": r["modes"]["hybrid"][0], "p95_ms": r["modes"]["hybrid"][1],
                              "rss_mb": r["rss_mb"], "recall_at_10": r["recall_at_10"],
                              "modes": r["modes"], "build_s": r["build_s"]}))


if __name__ == "__main__":
    main()

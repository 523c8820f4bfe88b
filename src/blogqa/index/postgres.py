"""The PostgreSQL store: one shared index for many API workers on many machines.

    --index postgresql://user:password@host:5432/dbname
    --index postgresql://postgres:@/postgres?host=/path/to/socket-dir      (a Unix socket)

Same behaviour as the embedded store (see `store.py`), with PostgreSQL doing the work:

* dense: pgvector, an HNSW index with cosine distance; score = 1 - cosine distance (= the dot
  product of unit vectors, what the embedded store returns). Filtered searches that the HNSW scan
  cannot fill (a selective filter) fall back to an exact scan of the matching rows.
* lexical: BM25 computed in SQL from the same kiwi tokens the embedded store indexes (a postings
  table of (token, chunk, tf, dl) and a df table), with the formula bm25s' default 'lucene'
  method uses: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (tf + k1 (1 - b + b dl / avgdl)),
  k1 and b from store.BM25_K1 / BM25_B, a query token counted once per occurrence. See docs/postgres.md for the
  (tiny) differences.
* writes: a writer is one transaction (plus an advisory lock: one ingest at a time per index);
  nothing is visible to readers before it commits, and an exception rolls everything back.
* refresh(): one read of the `blogqa_state` row; its generation counter moves on every commit, so
  a process learns cheaply that another process ingested. Queries always read committed data.

Connections: a small pool per store and process (at most BLOGQA_PG_POOL, default 8, however many
threads a server runs; a forked worker never reuses its parent's sockets), in autocommit mode, so
every query sees one consistent snapshot.
"""
from __future__ import annotations

import os
import re
import threading
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from ..errors import IndexBusyError, IndexError_
from ..models import Filters, Post
from . import postgres_schema as schema
from .postgres_writer import PgWriter, read_sources, token_key, vec_text
from .source_record import SourceRecord
from .store import BM25_B, BM25_K1, ChunkRecord, IndexMeta, Scored, check_meta

POOL_SIZE = int(os.environ.get("BLOGQA_PG_POOL", "8"))  # connections per store (per process), at most
EF_SEARCH_MIN = 100       # HNSW candidate list: max(EF_SEARCH_MIN, 2 * limit), at most EF_SEARCH_MAX
EF_SEARCH_MAX = 1000
ANALYZE_AFTER = 1000      # VACUUM (ANALYZE) after a commit that wrote this many chunks

_POST_COLS = "p.id, p.title, p.date, p.updated, p.url, p.source_path, p.tags, p.author, p.visibility, p.summary"


def redact(location: str) -> str:
    """The URI without its password, for messages and stats."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@?]*):[^@/?]+@", r"\1:***@", location)


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise IndexError_("a postgresql:// index needs psycopg: pip install 'blogqa[postgres]'") from None
    return psycopg


def _row_to_post(row, body: str = "") -> Post:
    pid, title, date, updated, url, source_path, tags, author, visibility, summary = row
    return Post(id=pid, title=title, body=body, date=date, updated=updated, url=url, source_path=source_path,
                tags=list(tags or []), author=author, visibility=visibility, summary=summary)


def _filter_sql(f: Filters, alias: str = "c") -> tuple[str, dict]:
    """WHERE conditions on the denormalised chunk columns, with the embedded store's semantics."""
    if f.is_empty():
        return "TRUE", {}
    conds: list[str] = []
    params: dict = {}
    if f.since or f.until:
        col = f"{alias}.post_updated" if f.use_updated else f"{alias}.post_date"
        rng = [f"{col} IS NOT NULL"]
        if f.since:
            rng.append(f"{col} >= %(since)s")
            params["since"] = f.since
        if f.until:
            rng.append(f"{col} <= %(until)s")
            params["until"] = f.until
        cond = "(" + " AND ".join(rng) + ")"
        if f.keep_undated:
            cond = f"({cond} OR {col} IS NULL)"
        conds.append(cond)
    if f.visibility == "public":
        conds.append(f"{alias}.public")
    if f.tags:
        conds.append(f"{alias}.tags_lc && %(tags)s::text[]")
        params["tags"] = sorted({t.lower() for t in f.tags})
    return " AND ".join(conds) or "TRUE", params


class PostgresStore:
    backend = "postgres"

    def __init__(self, location: str, must_exist: bool = True):
        self.location = location
        self.path = redact(location)
        self.meta: IndexMeta | None = None
        self._generation: int | None = None
        self._pool = _Pool(self._connect, POOL_SIZE)
        self.schema_applied: list[int] = []  # migrations this open applied
        try:
            self._open(must_exist)
        except BaseException:
            self.close()
            raise

    def _open(self, must_exist: bool) -> None:
        versions = self._run(schema.applied_versions)
        schema.check_version(versions, self.path)
        if must_exist and not versions:
            raise IndexError_(f"{self.path}: no blogqa index in this database "
                              f"(run `blogqa ingest SOURCE --index {self.path}` first)")
        if schema.LATEST not in versions:
            self.schema_applied = self.upgrade_schema()
        self.refresh()
        if must_exist and self.meta is None:
            raise IndexError_(f"{self.path}: the blogqa index here is empty "
                              f"(run `blogqa ingest SOURCE --index {self.path}` first)")

    # ---- connections ---------------------------------------------------------------------
    def _connect(self):
        psycopg = _psycopg()
        extra = {} if "connect_timeout" in self.location else {"connect_timeout": 10}
        try:
            return psycopg.connect(self.location, autocommit=True, application_name="blogqa", **extra)
        except psycopg.OperationalError as err:
            reason = " ".join(str(err).split()) or err.__class__.__name__
            raise IndexError_(f"{self.path}: cannot connect to PostgreSQL ({reason})") from None

    def _run(self, fn):
        """fn(conn) on a pooled connection; once more on a fresh one if the server dropped it."""
        psycopg = _psycopg()
        for attempt in (0, 1):
            with self._pool.connection() as conn:
                try:
                    return fn(conn)
                except psycopg.OperationalError as err:
                    if not conn.broken or attempt:
                        raise IndexError_(f"{self.path}: PostgreSQL error ({' '.join(str(err).split())})") from None
        raise AssertionError("unreachable")

    def _all(self, sql: str, params=None) -> list[tuple]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall())

    def upgrade_schema(self) -> list[int]:
        """Apply pending schema migrations (what `blogqa migrate --to URI` runs); returns the versions applied."""
        psycopg = _psycopg()
        try:
            return self._run(lambda conn: schema.migrate(conn, self.path))
        except psycopg.errors.InsufficientPrivilege as err:
            raise IndexError_(f"{self.path}: cannot create the blogqa tables or the vector extension "
                              f"({' '.join(str(err).split())}); ask an administrator to run "
                              f"CREATE EXTENSION vector, or use a role that may create tables") from None
        except psycopg.errors.ReadOnlySqlTransaction:
            raise IndexError_(f"{self.path}: the blogqa schema needs an upgrade but this server is read-only; "
                              f"run `blogqa migrate --to URI` against the primary") from None

    # ---- reading -------------------------------------------------------------------------
    @property
    def generation(self) -> int | None:
        return self._generation

    def refresh(self) -> bool:
        generation, meta = self._all("SELECT generation, meta FROM blogqa_state WHERE id = 1")[0]
        if generation == self._generation:
            return False
        changed = self._generation is not None
        self._generation = generation
        self.meta = IndexMeta(**meta) if meta else None
        return changed

    def absent(self, terms: list[str], filters: Filters) -> list[str]:
        if not terms:
            return []
        if not filters.is_empty():
            return [t for t in terms if not self.lexical([t], filters, 1)]
        known = {r[0] for r in self._all("SELECT token FROM blogqa_terms WHERE token = ANY(%s::text[]) AND df > 0",
                                         ([token_key(t) for t in terms],))}
        return [t for t in terms if token_key(t) not in known]

    def lexical(self, tokens: list[str], filters: Filters, limit: int) -> list[Scored]:
        if not tokens or limit <= 0:
            return []
        counts = Counter(token_key(t) for t in tokens)
        where, params = _filter_sql(filters)
        join = "" if where == "TRUE" else "JOIN blogqa_chunks c ON c.id = p.chunk_id"
        sql = f"""
            WITH st AS (SELECT n_chunks::float8 AS n,
                               CASE WHEN n_chunks > 0 THEN total_len::float8 / n_chunks ELSE 1 END AS avgdl
                        FROM blogqa_state WHERE id = 1),
                 q AS (SELECT * FROM unnest(%(tokens)s::text[], %(qtf)s::int[]) AS q(token, qtf)),
                 w AS MATERIALIZED (
                       SELECT q.token, q.qtf * ln(1 + (st.n - t.df + 0.5::float8) / (t.df + 0.5::float8)) AS idf
                       FROM q JOIN blogqa_terms t ON t.token = q.token, st WHERE t.df > 0),
                 s AS (SELECT p.chunk_id,
                              sum(w.idf * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * p.dl / st.avgdl))) AS score
                       FROM w JOIN blogqa_postings p ON p.token = w.token {join}, st
                       WHERE {where}
                       GROUP BY p.chunk_id),
                 top AS (SELECT chunk_id, score FROM s WHERE score > 0
                         ORDER BY score DESC, chunk_id LIMIT %(limit)s)
            SELECT top.chunk_id, ch.post_id, top.score
            FROM top JOIN blogqa_chunks ch ON ch.id = top.chunk_id
            ORDER BY top.score DESC, top.chunk_id"""
        params.update(tokens=list(counts), qtf=list(counts.values()), k1=BM25_K1, b=BM25_B, limit=limit)
        return [Scored(int(c), p, float(s)) for c, p, s in self._all(sql, params)]

    def dense(self, vector: np.ndarray, filters: Filters, limit: int) -> list[Scored]:
        if limit <= 0 or self.meta is None:
            return []
        where, params = _filter_sql(filters)
        params.update(v=vec_text(vector), limit=limit)
        select = "SELECT c.id, c.post_id, 1 - (c.embedding <=> %(v)s::vector) AS score FROM blogqa_chunks c"
        ef = max(EF_SEARCH_MIN, 2 * limit)
        rows: list[tuple] | None = None
        if ef <= EF_SEARCH_MAX:
            # HNSW: ORDER BY the distance operator itself, so the planner can use the index.
            def hnsw(conn):
                if self._pool.ef.get(id(conn)) != ef:
                    conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", (str(ef),))
                    self._pool.ef[id(conn)] = ef
                return conn.execute(f"{select} WHERE {where} ORDER BY c.embedding <=> %(v)s::vector "
                                    f"LIMIT %(limit)s", params).fetchall()
            rows = self._run(hnsw)
            if len(rows) < limit and where != "TRUE":
                rows = None  # the filter removed most HNSW candidates: scan the matching rows exactly
        if rows is None:
            # Ordering by an expression, not the operator, keeps the HNSW index out: exact search.
            rows = self._all(f"{select} WHERE {where} ORDER BY score DESC, c.id LIMIT %(limit)s", params)
        return [Scored(int(c), p, float(s)) for c, p, s in rows]

    def dense_exact(self, vector: np.ndarray, filters: Filters, limit: int) -> list[Scored]:
        """Exact nearest neighbours (no HNSW); for measuring the index's recall."""
        where, params = _filter_sql(filters)
        params.update(v=vec_text(vector), limit=limit)
        rows = self._all("SELECT c.id, c.post_id, 1 - (c.embedding <=> %(v)s::vector) AS score FROM blogqa_chunks c "
                         f"WHERE {where} ORDER BY score DESC, c.id LIMIT %(limit)s", params)
        return [Scored(int(c), p, float(s)) for c, p, s in rows]

    def records(self, chunk_ids: list[int]) -> list[ChunkRecord]:
        if not chunk_ids:
            return []
        rows = self._all("SELECT c.id, c.heading, c.text, coalesce(n.text, ''), "
                         "ARRAY(SELECT t.token FROM blogqa_postings t WHERE t.chunk_id = c.id), "
                         f"{_POST_COLS} FROM blogqa_chunks c "
                         "JOIN blogqa_posts p ON p.id = c.post_id "
                         "LEFT JOIN blogqa_chunks n ON n.post_id = c.post_id AND n.ordinal = c.ordinal + 1 "
                         "WHERE c.id = ANY(%s::bigint[])", ([int(c) for c in chunk_ids],))
        by_id = {r[0]: ChunkRecord(r[0], _row_to_post(r[5:]), r[1], r[2], r[3], tuple(r[4])) for r in rows}
        return [by_id[c] for c in chunk_ids if c in by_id]

    def get_post(self, post_id: str) -> Post | None:
        rows = self._all(f"SELECT {_POST_COLS}, p.body FROM blogqa_posts p WHERE p.id = %s", (post_id,))
        return _row_to_post(rows[0][:-1], rows[0][-1]) if rows else None

    def iter_posts(self, page: int = 200) -> Iterator[Post]:
        """All posts (with bodies) in id order, fetched a page at a time."""
        last = None
        while True:
            rows = self._all(f"SELECT {_POST_COLS}, p.body FROM blogqa_posts p "
                             "WHERE %(last)s::text IS NULL OR p.id > %(last)s ORDER BY p.id LIMIT %(page)s",
                             {"last": last, "page": page})
            for r in rows:
                yield _row_to_post(r[:-1], r[-1])
            if len(rows) < page:
                return
            last = rows[-1][0]

    def sources(self) -> list[SourceRecord]:
        """The sources this index was built from (none for an index built before sync)."""
        return self._run(read_sources)

    def stats(self) -> dict:
        (posts, undated, first, last, internal, chunks, generation, meta), = self._all("""
            SELECT count(*), count(*) FILTER (WHERE date IS NULL), min(date), max(date),
                   count(*) FILTER (WHERE visibility = 'internal'),
                   (SELECT n_chunks FROM blogqa_state WHERE id = 1),
                   (SELECT generation FROM blogqa_state WHERE id = 1),
                   (SELECT meta FROM blogqa_state WHERE id = 1)
            FROM blogqa_posts""")
        return {"backend": "postgres", "path": self.path, "generation": generation,
                "posts": posts, "chunks": chunks, "undated_posts": undated,
                "first_date": first.isoformat() if first else None,
                "last_date": last.isoformat() if last else None,
                "internal_posts": internal, **(meta or {})}

    def close(self) -> None:
        self._pool.close()

    # ---- writing -------------------------------------------------------------------------
    @contextmanager
    def writer(self, meta: IndexMeta):
        """One transaction: commits on normal exit, rolls back on an exception."""
        conn = self._connect()
        try:
            with conn.transaction():
                if not conn.execute(schema.writer_lock_sql()).fetchone()[0]:
                    raise IndexBusyError(f"{self.path}: another ingest is running on this index")
                (existing_json,), = conn.execute("SELECT meta FROM blogqa_state WHERE id = 1 FOR UPDATE").fetchall()
                existing = IndexMeta(**existing_json) if existing_json else None
                check_meta(existing, meta, self.path)
                if existing is None:
                    schema.set_dimension(conn, meta.dim)
                w = PgWriter(conn, meta.dim, self.path)
                yield w
                w.flush()
                if w.changed or existing is None:
                    self._commit_state(conn, w, meta)
            if w.written >= ANALYZE_AFTER:  # planner statistics, and the visibility map for index-only scans
                conn.execute("VACUUM (ANALYZE) blogqa_chunks, blogqa_postings, blogqa_terms")
        finally:
            conn.close()
        self.refresh()

    @staticmethod
    def _commit_state(conn, w: "PgWriter", meta: IndexMeta) -> None:
        from psycopg.types.json import Jsonb

        if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (schema.HNSW_INDEX,)).fetchone()[0]:
            conn.execute("SET LOCAL maintenance_work_mem = '256MB'")  # build the HNSW graph in memory
            schema.ensure_vector_index(conn)
        if w.explicit_ids:
            conn.execute("SELECT setval(pg_get_serial_sequence('blogqa_chunks', 'id'), "
                         "(SELECT coalesce(max(id), 0) + 1 FROM blogqa_chunks), false)")
        conn.execute("""UPDATE blogqa_state SET generation = generation + 1, meta = %s,
                            n_chunks = (SELECT count(*) FROM blogqa_chunks),
                            total_len = (SELECT coalesce(sum(length), 0) FROM blogqa_chunks),
                            updated_at = now()
                        WHERE id = 1""", (Jsonb(meta.to_json()),))


class _Pool:
    """At most `size` connections, borrowed for one query at a time; dropped ones are replaced."""

    def __init__(self, connect, size: int):
        self._connect = connect
        self._slots = threading.BoundedSemaphore(max(1, size))
        self._lock = threading.Lock()
        self._idle: list = []
        self._pid = os.getpid()
        self._closed = False
        self.ef: dict[int, int] = {}  # id(connection) -> the hnsw.ef_search it has set

    @contextmanager
    def connection(self):
        with self._slots:
            with self._lock:
                if self._pid != os.getpid():  # forked: the parent's sockets are not ours
                    self._idle, self.ef, self._pid = [], {}, os.getpid()
                conn = self._idle.pop() if self._idle else None
            if conn is not None and (conn.closed or conn.broken):
                self.ef.pop(id(conn), None)
                conn = None
            if conn is None:
                conn = self._connect()
            try:
                yield conn
            finally:
                with self._lock:
                    keep = not (self._closed or conn.closed or conn.broken)
                    if keep:
                        self._idle.append(conn)
                if not keep:
                    self.ef.pop(id(conn), None)
                    conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self.ef = {}
        for conn in idle:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a dead connection must not fail close()
                pass

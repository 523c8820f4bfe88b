"""The embedded store: one index folder, SQLite for metadata, bm25s for BM25, NumPy for vectors.

Layout of an index folder:
    CURRENT            name of the live generation (replaced atomically with os.replace)
    gen-000007/        index.sqlite, vectors*.npy (vectors.py), bm25/ (bm25s files), meta.json
    events.sqlite      questions, feedback, hand-overs (never touched by ingest)
    .lock              held by the one ingest allowed at a time

An ingest copies the live generation, changes the copy, and switches CURRENT to it only when
complete, so a crash or Ctrl-C at any point leaves the previous index fully usable. The steps of
the switch, each safe to be killed after: write `gen-N.tmp/`, rename it to `gen-N/`, replace
`CURRENT`, remove old generations. The next ingest numbers its generation past every folder
there, removes what a killed one left (`*.tmp`, a `gen-N/` that `CURRENT` never named) and keeps
a retired generation for `RETIRED_GRACE_S` seconds, so a reader that opened it can finish.
The folder-level steps (lock, numbering, leftovers, CURRENT, pruning) are in generations.py.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import bm25s
import numpy as np

from ..errors import IndexError_
from ..models import Chunk, Filters, Post
from .generations import (atomic_write, exclusive_lock, next_number, prune_generations,
                          remove_unfinished)
from .source_record import SourceRecord
from .sqlite_schema import (INSERT_POST, INSERT_SOURCE, migrate, post_columns, post_to_row, read_sources,
                            row_to_post, source_to_row)
from .store import BM25_B, BM25_K1, FORMAT_VERSION, ChunkRecord, IndexMeta, Scored
from .vectors import ANN_FILE, COMPACT_FILE, EXACT_FILE, DenseVectors, best_rows, write_vectors

BM25_PARAMS = {"k1": BM25_K1, "b": BM25_B}
LEGACY_BM25_PARAMS = {"k1": 1.5, "b": 0.75}  # what indexes written before meta.json recorded them used

KEEP_GENERATIONS = 2  # the live one and the one before it
RETIRED_GRACE_S = 60.0  # an older retired generation is removed once it has been out of use this long


def is_index_dir(path: Path) -> bool:
    return (path / "CURRENT").is_file()


class _Live:
    """One generation as the readers see it. The store swaps the whole object when CURRENT moves,
    and every read takes it once, so no read mixes two generations (a search in one thread while
    another thread picks up a new generation)."""

    def __init__(self, path: Path, name: str):
        gen_dir = path / name
        try:
            meta = json.loads((gen_dir / "meta.json").read_text(encoding="utf-8"))
            if meta.get("blogqa", {}).get("format") != FORMAT_VERSION:
                raise IndexError_(f"{path}: index format {meta.get('blogqa')} is not {FORMAT_VERSION}; re-ingest")
            self.meta = IndexMeta(**meta["index"])
            self.vectors = DenseVectors(gen_dir)  # memory-mapped, like BM25: pages are shared and read on demand
            self.bm25 = bm25s.BM25.load(str(gen_dir / "bm25"), mmap=True) if len(self.vectors) else None
            db = sqlite3.connect(f"file:{gen_dir / 'index.sqlite'}?mode=ro", uri=True, check_same_thread=False)
            self._load_arrays(db)
            db.close()
        except (OSError, ValueError, KeyError, sqlite3.Error) as err:
            raise IndexError_(f"{gen_dir}: index is unreadable ({err}); re-ingest") from None
        self.name = name
        self.db_path = gen_dir / "index.sqlite"

    def _load_arrays(self, db: sqlite3.Connection) -> None:
        self.post_columns = post_columns(db)
        rows = db.execute(f"SELECT {self.post_columns} FROM posts").fetchall()
        self.posts = {r[0]: row_to_post((r[0], r[1], "", *r[3:])) for r in rows}
        chunk_rows = db.execute("SELECT id, post_id FROM chunks ORDER BY id").fetchall()
        self.chunk_ids = np.array([r[0] for r in chunk_rows], dtype=np.int64)
        self.chunk_post = [r[1] for r in chunk_rows]
        post_of = self.chunk_post
        date_ord = {pid: (p.date.toordinal() if p.date else -1) for pid, p in self.posts.items()}
        upd_ord = {pid: (p.effective_updated.toordinal() if p.effective_updated else -1) for pid, p in self.posts.items()}
        self.chunk_date = np.array([date_ord[p] for p in post_of], dtype=np.int64)
        self.chunk_updated = np.array([upd_ord[p] for p in post_of], dtype=np.int64)
        self.chunk_public = np.array([self.posts[p].visibility == "public" for p in post_of], dtype=bool)
        self.chunk_tags = [frozenset(t.lower() for t in self.posts[p].tags) for p in post_of]
        self.mask_cache: dict = {}

    def mask(self, f: Filters) -> np.ndarray | None:
        if f.is_empty():
            return None
        key = (f.since, f.until, tuple(sorted(t.lower() for t in f.tags)), f.visibility, f.use_updated, f.keep_undated)
        if key in self.mask_cache:
            return self.mask_cache[key]
        n = len(self.chunk_post)
        mask = np.ones(n, dtype=bool)
        dates = self.chunk_updated if f.use_updated else self.chunk_date
        if f.since or f.until:
            undated = dates < 0
            in_range = ~undated
            if f.since:
                in_range &= dates >= f.since.toordinal()
            if f.until:
                in_range &= dates <= f.until.toordinal()
            mask &= in_range | (undated & f.keep_undated)
        if f.visibility == "public":
            mask &= self.chunk_public
        if f.tags:
            wanted = {t.lower() for t in f.tags}
            mask &= np.array([bool(wanted & tags) for tags in self.chunk_tags], dtype=bool)
        if len(self.mask_cache) > 64:
            self.mask_cache.clear()
        self.mask_cache[key] = mask
        return mask

    def top(self, scores: np.ndarray, mask: np.ndarray | None, limit: int, positive_only: bool) -> list[Scored]:
        if positive_only:
            scores = np.where(scores > 0, scores, -np.inf)
        rows, best = best_rows(scores, mask, min(limit, scores.shape[0]))
        return [Scored(int(self.chunk_ids[i]), self.chunk_post[i], float(s)) for i, s in zip(rows, best)]


class EmbeddedStore:
    def __init__(self, path: str | os.PathLike, must_exist: bool = True):
        self.path = Path(path)
        self.meta: IndexMeta | None = None
        self._live: _Live | None = None
        self._local = threading.local()  # per thread: (generation name, read-only connection)
        if must_exist and not is_index_dir(self.path):
            raise IndexError_(f"{self.path}: no blogqa index here (run `blogqa ingest SOURCE --index {self.path}` first)")
        self.refresh()

    @property
    def _gen(self) -> str | None:
        return self._live.name if self._live is not None else None

    generation = _gen  # the live generation folder's name (Store.generation)

    # ---- reading -------------------------------------------------------------------------
    def refresh(self) -> bool:
        current = self._read_current()
        if current is None or current == self._gen:
            return False
        live = _Live(self.path, current)  # loaded in full before readers see it
        self._live, self.meta = live, live.meta
        return True

    def _read_current(self) -> str | None:
        try:
            return (self.path / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _db(self, live: _Live | None = None) -> sqlite3.Connection:
        """This thread's read-only connection to `live` (default: the live generation)."""
        live = live or self._live
        held = getattr(self._local, "db", None)
        if held is not None and held[0] == live.name:
            return held[1]
        if held is not None:
            held[1].close()
        db = sqlite3.connect(f"file:{live.db_path}?mode=ro", uri=True, check_same_thread=False)
        self._local.db = (live.name, db)
        return db

    def lexical(self, tokens: list[str], filters: Filters, limit: int) -> list[Scored]:
        live = self._live
        if live.bm25 is None or not tokens:
            return []
        scores = np.asarray(live.bm25.get_scores(tokens), dtype=np.float32)
        return live.top(scores, live.mask(filters), limit, positive_only=True)

    def absent(self, terms: list[str], filters: Filters) -> list[str]:
        live = self._live
        vocabulary = live.bm25.vocab_dict if live.bm25 is not None else {}
        return [t for t in terms if t not in vocabulary
                or (not filters.is_empty() and not self.lexical([t], filters, 1))]

    def dense(self, vector: np.ndarray, filters: Filters, limit: int) -> list[Scored]:
        live = self._live
        rows, scores = live.vectors.search(vector, live.mask(filters), limit)
        return [Scored(int(live.chunk_ids[i]), live.chunk_post[i], float(s)) for i, s in zip(rows, scores)]

    def records(self, chunk_ids: list[int]) -> list[ChunkRecord]:
        if not chunk_ids:
            return []
        live = self._live
        rows = self._db(live).execute(
            "SELECT c.id, c.post_id, c.heading, c.text, coalesce(n.text, ''), c.tokens FROM chunks c "
            "LEFT JOIN chunks n ON n.post_id = c.post_id AND n.ordinal = c.ordinal + 1 "
            f"WHERE c.id IN ({','.join('?' * len(chunk_ids))})", list(chunk_ids)).fetchall()
        by_id = {r[0]: ChunkRecord(r[0], live.posts[r[1]], r[2], r[3], r[4], tuple(json.loads(r[5])))
                 for r in rows}
        return [by_id[c] for c in chunk_ids if c in by_id]

    def get_post(self, post_id: str) -> Post | None:
        self.refresh()  # a read by id must not use a generation a later ingest has removed
        live = self._live
        row = self._db(live).execute(f"SELECT {live.post_columns} FROM posts WHERE id=?", (post_id,)).fetchone()
        return row_to_post(row) if row else None

    def iter_posts(self) -> Iterator[Post]:
        self.refresh()
        live = self._live
        for row in self._db(live).execute(f"SELECT {live.post_columns} FROM posts ORDER BY id"):
            yield row_to_post(row)

    def sources(self) -> list[SourceRecord]:
        """The sources the live generation was built from (none for an index built before sync)."""
        self.refresh()
        return read_sources(self._db())

    def chunk_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, vectors) of the live generation, for migrating to another store."""
        live = self._live
        return live.chunk_ids, np.asarray(live.vectors.exact)

    def iter_post_chunks(self) -> Iterator[tuple[str, str, str, list[tuple]]]:
        """Read-only export for copying the index to another store, one post at a time in id order:
        (post id, source, content hash, [(chunk id, ordinal, heading, text, tokens, vector, text hash), ...])."""
        db = self._db()
        chunks = db.execute("SELECT post_id, id, ordinal, heading, text, tokens, vector, text_hash "
                            "FROM chunks ORDER BY post_id, id")
        pending = next(chunks, None)
        for pid, source, content_hash in db.execute("SELECT id, source, content_hash FROM posts ORDER BY id").fetchall():
            rows = []
            while pending is not None and pending[0] == pid:
                _, cid, ordinal, heading, text, tokens, vector, text_hash = pending
                rows.append((cid, ordinal, heading, text, json.loads(tokens),
                             np.frombuffer(vector, dtype=np.float32), text_hash))
                pending = next(chunks, None)
            yield pid, source, content_hash, rows

    def stats(self) -> dict:
        live = self._live
        posts = live.posts.values()
        dates = [p.date for p in posts if p.date]
        return {"backend": "embedded", "path": str(self.path), "generation": live.name,
                "posts": len(live.posts), "chunks": len(live.chunk_post),
                "undated_posts": sum(1 for p in posts if not p.date),
                "first_date": min(dates).isoformat() if dates else None,
                "last_date": max(dates).isoformat() if dates else None,
                "internal_posts": sum(1 for p in posts if p.visibility == "internal"),
                **(live.meta.to_json() if live.meta else {})}

    def close(self) -> None:
        held = getattr(self._local, "db", None)
        if held is not None:
            held[1].close()
        self._local = threading.local()

    # ---- writing -------------------------------------------------------------------------
    @contextmanager
    def writer(self, meta: IndexMeta):
        """Yield a writer over a copy of the live generation; switch CURRENT to it on success."""
        self.path.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(self.path / ".lock"):
            current = self._read_current()
            number = next_number(self.path, current)  # past leftovers too: a reader may still hold one
            remove_unfinished(self.path, current)
            tmp = self.path / f"gen-{number:06d}.tmp"
            tmp.mkdir()
            try:
                db = sqlite3.connect(tmp / "index.sqlite")
                if current:
                    src = sqlite3.connect(f"file:{self.path / current / 'index.sqlite'}?mode=ro", uri=True)
                    src.backup(db)
                    src.close()
                migrate(db, self.path)
                db.execute("PRAGMA foreign_keys=ON")
                w = _Writer(db)
                yield w
                # BM25 is rebuilt from the stored tokens when its parameters changed since the last build;
                # when only source records changed, the live generation's BM25 and vectors are copied
                rebuild = w.changed or not current or _bm25_params(self.path / current) != BM25_PARAMS
                if rebuild or w.sources_changed:
                    _finish_generation(db, tmp, meta, same_chunks_as=None if rebuild else self.path / current)
                    final = self.path / f"gen-{number:06d}"
                    os.replace(tmp, final)
                    atomic_write(self.path / "CURRENT", final.name)
                    prune_generations(self.path, final.name, keep=KEEP_GENERATIONS, grace_s=RETIRED_GRACE_S)
                else:
                    db.close()
                    shutil.rmtree(tmp, ignore_errors=True)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        self.refresh()


class _Writer:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.changed = False          # posts or chunks changed
        self.sources_changed = False  # only source records changed

    def hashes(self, source: str | None = None) -> dict[str, str]:
        sql, args = "SELECT id, content_hash FROM posts", ()
        if source is not None:
            sql, args = sql + " WHERE source=?", (source,)
        return dict(self.db.execute(sql, args).fetchall())

    def hashes_and_sources(self) -> dict[str, tuple[str, str]]:
        """post id -> (content hash, source) of every post."""
        return {pid: (h, src) for pid, h, src in self.db.execute("SELECT id, content_hash, source FROM posts")}

    def vectors_for(self, texts: list[str]) -> dict[int, np.ndarray]:
        from .cache import EmbeddingCache

        found = {}
        for i, t in enumerate(texts):
            row = self.db.execute("SELECT vector FROM chunks WHERE text_hash=? LIMIT 1",
                                  (EmbeddingCache.key(t),)).fetchone()
            if row:
                found[i] = np.frombuffer(row[0], dtype=np.float32)
        return found

    def upsert(self, post: Post, source: str, chunks: list[Chunk], tokens: list[list[str]],
               vectors: np.ndarray) -> None:
        from .cache import EmbeddingCache

        self.db.execute("DELETE FROM chunks WHERE post_id=?", (post.id,))
        self.db.execute(INSERT_POST, post_to_row(post, source))
        self.db.executemany(
            "INSERT INTO chunks (post_id, ordinal, heading, text, tokens, vector, text_hash) VALUES (?,?,?,?,?,?,?)",
            [(post.id, c.ordinal, c.heading, c.text, json.dumps(t, ensure_ascii=False),
              np.asarray(v, np.float32).tobytes(), EmbeddingCache.key(c.indexed_text))
             for c, t, v in zip(chunks, tokens, vectors)])
        self.changed = True

    def delete(self, post_ids: list[str]) -> None:
        for pid in post_ids:
            self.db.execute("DELETE FROM chunks WHERE post_id=?", (pid,))
            self.db.execute("DELETE FROM posts WHERE id=?", (pid,))
        self.changed = self.changed or bool(post_ids)

    def sources(self) -> list[SourceRecord]:
        return read_sources(self.db)

    def record_source(self, record: SourceRecord) -> None:
        """Add or replace the record of `record.location`; an identical record changes nothing."""
        if record.same_as(next((r for r in self.sources() if r.location == record.location), None)):
            return
        self.db.execute(INSERT_SOURCE, source_to_row(record))
        self.sources_changed = True


def _finish_generation(db: sqlite3.Connection, gen_dir: Path, meta: IndexMeta,
                       same_chunks_as: Path | None = None) -> None:
    """Write BM25, vectors and meta for the whole generation from its SQLite rows, or copy BM25 and
    vectors from `same_chunks_as`, a generation with exactly these chunks (only source records changed)."""
    db.commit()
    if same_chunks_as is not None:
        for name in (EXACT_FILE, COMPACT_FILE, ANN_FILE):  # an old generation may lack the last two
            if (same_chunks_as / name).is_file():
                shutil.copyfile(same_chunks_as / name, gen_dir / name)
        if (same_chunks_as / "bm25").is_dir():
            shutil.copytree(same_chunks_as / "bm25", gen_dir / "bm25")
        chunks = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    else:
        rows = db.execute("SELECT tokens, vector FROM chunks ORDER BY id").fetchall()
        tokens = [json.loads(r[0]) for r in rows]
        vectors = (np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), meta.dim)
                   if rows else np.zeros((0, meta.dim), np.float32))
        write_vectors(gen_dir, vectors)
        if rows:
            bm25 = bm25s.BM25(**BM25_PARAMS)
            bm25.index(tokens, show_progress=False)
            bm25.save(str(gen_dir / "bm25"), show_progress=False)
        chunks = len(rows)
    posts = db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    db.close()
    body = {"blogqa": {"format": FORMAT_VERSION}, "index": meta.to_json(), "bm25": BM25_PARAMS, "posts": posts,
            "chunks": chunks, "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    atomic_write(gen_dir / "meta.json", json.dumps(body, ensure_ascii=False, indent=2))
    for f in gen_dir.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())


def _bm25_params(gen_dir: Path) -> dict:
    try:
        return json.loads((gen_dir / "meta.json").read_text(encoding="utf-8")).get("bm25", LEGACY_BM25_PARAMS)
    except (OSError, ValueError):
        return {}

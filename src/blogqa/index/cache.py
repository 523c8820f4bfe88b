"""A persistent embedding cache keyed by (embedder name, sha256 of the text).

Lives in `$BLOGQA_CACHE_DIR` or `~/.cache/blogqa/embeddings.sqlite`; re-ingesting the same texts
(a rebuilt index, a second test session) then costs no model time."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import numpy as np


def default_cache_path() -> Path:
    base = os.environ.get("BLOGQA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "blogqa")
    return Path(base) / "embeddings.sqlite"


class EmbeddingCache:
    def __init__(self, path: Path | None = None):
        path = path or default_cache_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (embedder TEXT, hash TEXT, vec BLOB, "
                         "PRIMARY KEY (embedder, hash))")

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, embedder: str, texts: list[str]) -> dict[int, np.ndarray]:
        """Cached vectors by position in `texts`."""
        found: dict[int, np.ndarray] = {}
        keys = [self.key(t) for t in texts]
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = self._db.execute(
                f"SELECT hash, vec FROM vectors WHERE embedder=? AND hash IN ({','.join('?' * len(part))})",
                [embedder, *part]).fetchall()
            by_hash = {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}
            for i, k in enumerate(part, start):
                if k in by_hash:
                    found[i] = by_hash[k]
        return found

    def put_many(self, embedder: str, texts: list[str], vecs: np.ndarray) -> None:
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                             [(embedder, self.key(t), np.asarray(v, np.float32).tobytes()) for t, v in zip(texts, vecs)])
        self._db.commit()

    def close(self) -> None:
        self._db.close()

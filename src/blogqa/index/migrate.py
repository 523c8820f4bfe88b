"""Copy an embedded index (a folder) into PostgreSQL: posts, chunks, kiwi tokens and vectors as they
are, so nothing is re-embedded or re-tokenised.

    report = migrate_index("./idx", "postgresql://user@host/db")

The copy is one writer transaction: readers of the target see all of it or none of it. The
folder's source records (what `blogqa sync` revisits) are copied with the posts. Posts whose
content hash and source already match in the target are skipped, so running it again is cheap;
`replace=True` also removes target posts the folder does not have. Chunk ids are kept when the
target starts empty (log lines and feedback that mention chunk ids stay meaningful).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import IndexError_, UsageError
from ..models import Chunk
from .open import is_postgres
from .store import check_meta


@dataclass
class MigrateReport:
    source: str
    target: str
    posts: int = 0
    copied: int = 0
    unchanged: int = 0
    deleted: int = 0
    chunks: int = 0
    schema_applied: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        return (f"{self.posts} posts in {self.source}: {self.copied} copied, {self.unchanged} unchanged, "
                f"{self.deleted} removed from the target; {self.chunks} chunks with their vectors; "
                f"{self.seconds:.1f}s")


def migrate_index(source: str, target: str, replace: bool = False, progress: bool = False) -> MigrateReport:
    from .embedded import EmbeddedStore, is_index_dir
    from .postgres import PostgresStore

    if is_postgres(source):
        raise UsageError("--from must be an index folder (copying out of PostgreSQL is not supported)")
    if not is_postgres(target):
        raise UsageError("--to must be a postgresql:// URI")
    if not is_index_dir(Path(source)):
        raise IndexError_(f"{source}: no blogqa index here")
    started = time.perf_counter()
    src = EmbeddedStore(source, must_exist=True)
    dst = PostgresStore(target, must_exist=False)
    report = MigrateReport(source=str(source), target=dst.path)
    try:
        if src.meta is None:
            raise IndexError_(f"{source}: the index has no metadata; re-ingest it")
        check_meta(dst.meta, src.meta, dst.path)
        with dst.writer(src.meta) as w:
            known = w.hashes_and_sources()
            keep_ids = not known
            seen: set[str] = set()
            for pid, post_source, content_hash, rows in src.iter_post_chunks():
                report.posts += 1
                seen.add(pid)
                if known.get(pid) == (content_hash, post_source):
                    report.unchanged += 1
                    continue
                post = src.get_post(pid)
                chunks = [Chunk(pid, ordinal, heading, text, "") for _, ordinal, heading, text, _, _, _ in rows]
                vectors = np.stack([r[5] for r in rows]) if rows else np.zeros((0, src.meta.dim), np.float32)
                w.upsert(post, post_source, chunks, [r[4] for r in rows], vectors,
                         chunk_ids=[r[0] for r in rows] if keep_ids else None, text_hashes=[r[6] for r in rows])
                report.copied += 1
                report.chunks += len(rows)
                if progress and report.copied % 200 == 0:
                    print(f"  {report.copied} posts copied", file=sys.stderr)
            if replace:
                gone = sorted(set(known) - seen)
                w.delete(gone)
                report.deleted = len(gone)
            for record in src.sources():  # so `blogqa sync` works on the copy too
                w.record_source(record)
    finally:
        src.close()
        dst.close()
    report.seconds = time.perf_counter() - started
    return report


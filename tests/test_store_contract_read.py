"""The store contract, reading: opening, posts and chunk records, BM25 and dense scores, filters.
Run against every backend; see store_contract.py."""
from __future__ import annotations

import datetime as dt

import pytest

from blogqa.errors import IndexError_
from blogqa.index.store import ChunkRecord
from blogqa.models import Filters, Post

from store_contract import (  # `backend` is the fixture every test runs on
    backend, META, unit, put, chunk_ids, CORPUS, make_post, fill, reference_bm25, corpus_docs, posts_of)


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


def test_a_record_carries_the_text_of_its_posts_next_chunk(backend):
    """What an answer reads on into (answer/passage.py): the same post's next chunk, "" after the last."""
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    recs = store.records([ids["a#0"], ids["a#1"], ids["b#0"], ids["c#0"]])
    assert [r.next_text for r in recs] == ["a#1", "", "", "c#1"]


def test_a_record_carries_the_tokens_its_chunk_was_indexed_with(backend):
    """What the evidence gate judges a question against (answer/gate.py), without tokenizing again."""
    store = backend.open()
    fill(store)
    ids = chunk_ids(store)
    docs = corpus_docs()
    recs = store.records([ids[name] for name in docs])
    assert [set(r.tokens) for r in recs] == [set(tokens) for tokens in docs.values()]


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


def test_absent_terms_are_the_ones_lexical_search_finds_nowhere(backend):
    """What the evidence gate's absent-word feature asks (retrieve/search.py): unfiltered from the
    vocabulary, for public posts from their chunks; a post deleted takes its words with it."""
    store = backend.open()
    fill(store)
    terms = ["python", "없는말", "공통", "jenkins", "테스트"]
    public = Filters(visibility="public")
    assert store.absent(terms, Filters()) == ["없는말"]
    assert store.absent(terms, public) == ["python", "없는말", "테스트"]  # only the internal post has them
    for filters in (Filters(), public):
        assert store.absent(terms, filters) == [t for t in terms if not store.lexical([t], filters, 1)]
    assert store.absent([], Filters()) == []
    with store.writer(META) as w:
        w.delete(["a"])
    store.refresh()
    assert store.absent(terms, Filters()) == ["없는말", "jenkins"]


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

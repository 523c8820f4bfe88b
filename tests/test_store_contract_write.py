"""The store contract, writing: hashes, upserts, deletes, stored vectors, atomic writers, one
writer at a time, readers during writes, stats, reopening. Run against every backend; see
store_contract.py."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from blogqa.errors import IndexError_
from blogqa.models import Chunk, Filters

from store_contract import (  # `backend` is the fixture every test runs on
    backend, DIM, META, SRC, unit, put, chunk_ids, make_post, fill, posts_of)


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

"""What only the PostgreSQL store has: its schema and migrations, the HNSW index and its recall,
BM25 in SQL against bm25s itself, the df table, errors, reconnecting. The shared behaviour is in
test_store_contract_read.py and test_store_contract_write.py."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from blogqa.errors import IndexError_
from blogqa.index.store import IndexMeta
from blogqa.models import Chunk, Filters, Post


psycopg = pytest.importorskip("psycopg")
from blogqa.index import postgres_schema  # noqa: E402
from blogqa.index.postgres import PostgresStore, redact  # noqa: E402

DIM = 32
META = IndexMeta("fake", "fake:unit-32", DIM, "words", "words-v1")


def units(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def write(store, posts: list[tuple[Post, list[list[str]], np.ndarray]], meta=META):
    with store.writer(meta) as w:
        for post, toks, vecs in posts:
            chunks = [Chunk(post.id, i, "", f"{post.id}#{i}", f"{post.id}#{i}") for i in range(len(toks))]
            w.upsert(post, "src", chunks, toks, vecs)


def sql(uri: str, query: str, params=None) -> list[tuple]:
    with psycopg.connect(uri, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def test_schema_is_created_by_numbered_migrations_once(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    assert store.schema_applied == [m[0] for m in postgres_schema.MIGRATIONS]
    versions = sql(pg_uri, "SELECT version, name FROM blogqa_migrations ORDER BY version")
    assert [v for v, _ in versions] == [m[0] for m in postgres_schema.MIGRATIONS]
    assert sql(pg_uri, "SELECT extversion FROM pg_extension WHERE extname = 'vector'")[0][0] == "0.6.2"
    again = PostgresStore(pg_uri, must_exist=False)
    assert again.schema_applied == []
    assert len(sql(pg_uri, "SELECT * FROM blogqa_migrations")) == len(versions)


def test_a_schema_newer_than_this_blogqa_is_refused(pg_uri):
    PostgresStore(pg_uri, must_exist=False)
    sql(pg_uri, "INSERT INTO blogqa_migrations (version, name) VALUES (999, 'from the future')")
    with pytest.raises(IndexError_, match="newer than this blogqa"):
        PostgresStore(pg_uri, must_exist=False)


def test_the_first_ingest_fixes_the_dimension_and_builds_the_hnsw_index(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    write(store, [(Post("a", "A", "body"), [["x"]], units(1))])
    typ = sql(pg_uri, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                      "WHERE attrelid = 'blogqa_chunks'::regclass AND attname = 'embedding'")[0][0]
    assert typ == f"vector({DIM})"
    indexdef = sql(pg_uri, "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (postgres_schema.HNSW_INDEX,))[0][0]
    assert "hnsw" in indexdef and "vector_cosine_ops" in indexdef


def test_writing_another_embedder_or_dimension_is_refused(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    write(store, [(Post("a", "A", "body"), [["x"]], units(1))])
    other = IndexMeta("fake", "fake:other", 8, "words", "words-v1")
    with pytest.raises(IndexError_, match="embedder"):
        with store.writer(other):
            pass
    with pytest.raises(IndexError_, match="dimension"):
        write(store, [(Post("b", "B", "body"), [["x"]], units(1, dim=8))])
    assert store.get_post("b") is None


def test_hnsw_is_used_and_its_recall_against_exact_search_is_high(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    n = 3000
    vecs = units(n, seed=1)
    write(store, [(Post(f"p{i:04d}", "t", "b"), [["x"]], vecs[i:i + 1]) for i in range(n)])
    queries = units(40, seed=2)
    recall = []
    for q in queries:
        approx = {s.chunk_id for s in store.dense(q, Filters(), 10)}
        exact = {s.chunk_id for s in store.dense_exact(q, Filters(), 10)}
        recall.append(len(approx & exact) / 10)
    assert np.mean(recall) >= 0.95
    # and it is the HNSW index answering, not a sequential scan
    with psycopg.connect(pg_uri, autocommit=True) as conn:
        conn.execute("SET hnsw.ef_search = 100")
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM blogqa_chunks ORDER BY embedding <=> %s::vector LIMIT 10",
            ("[" + ",".join(map(str, queries[0])) + "]",)).fetchall())
    assert postgres_schema.HNSW_INDEX in plan


def test_a_selective_filter_falls_back_to_exact_search(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    n = 1500
    vecs = units(n, seed=3)
    write(store, [(Post(f"p{i:04d}", "t", "b", tags=["rare"] if i % 500 == 7 else []), [["x"]], vecs[i:i + 1])
                  for i in range(n)])
    q = units(1, seed=4)[0]
    got = store.dense(q, Filters(tags=["RARE"]), 10)
    assert {s.post_id for s in got} == {"p0007", "p0507", "p1007"}
    expected = sorted((float(vecs[int(s.post_id[1:])] @ q) for s in got), reverse=True)
    assert np.allclose([s.score for s in got], expected, atol=1e-5)


def test_bm25_in_sql_ranks_like_bm25s_on_a_larger_corpus(pg_uri, tmp_path):
    """The same tokens in both stores: same chunks, same order, scores within float32 rounding."""
    from blogqa.index.embedded import EmbeddedStore

    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(400)]
    weights = 1 / np.arange(1, len(vocab) + 1)  # Zipf-like: a few very common tokens
    weights /= weights.sum()
    posts = []
    for i in range(150):
        toks = [list(rng.choice(vocab, size=int(rng.integers(1, 60)), p=weights)) for _ in range(int(rng.integers(1, 4)))]
        posts.append((Post(f"p{i:03d}", "t", "b"), toks, units(len(toks), seed=100 + i)))
    pgs, emb = PostgresStore(pg_uri, must_exist=False), EmbeddedStore(tmp_path / "idx", must_exist=False)
    write(pgs, posts)
    write(emb, posts)

    def key(store, scored):
        recs = {r.chunk_id: r.text for r in store.records([s.chunk_id for s in scored])}
        return [(recs[s.chunk_id], s.score) for s in scored]

    for _ in range(40):
        query = list(rng.choice(vocab, size=int(rng.integers(1, 6)), p=weights)) + ["unknown"]
        a, b = key(pgs, pgs.lexical(query, Filters(), 20)), key(emb, emb.lexical(query, Filters(), 20))
        assert len(a) == len(b)
        assert np.allclose([s for _, s in a], [s for _, s in b], rtol=1e-5)
        # the same chunks in the same order, up to ties within float32 rounding
        for (ta, sa), (tb, sb) in zip(a, b):
            assert ta == tb or abs(sa - sb) <= 1e-5 * max(sa, sb)


def test_the_df_table_stays_equal_to_the_postings(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    write(store, [(Post(f"p{i}", "t", "b"), [["a", "b", "a"], ["b", f"only{i}"]], units(2, seed=i)) for i in range(6)])
    write(store, [(Post("p1", "t", "changed"), [["c"]], units(1)), (Post("p9", "t", "b"), [["a", "z"]], units(1))])
    with store.writer(META) as w:
        w.delete(["p2", "p3"])
    counted = dict(sql(pg_uri, "SELECT token, count(*) FROM blogqa_postings GROUP BY token"))
    assert dict(sql(pg_uri, "SELECT token, df FROM blogqa_terms")) == counted
    assert "only2" not in counted and counted["a"] == 4  # p0, p4, p5, p9
    (n, total), = sql(pg_uri, "SELECT n_chunks, total_len FROM blogqa_state")
    assert (n, total) == sql(pg_uri, "SELECT count(*), sum(length) FROM blogqa_chunks")[0]


def test_must_exist_on_an_empty_schema_and_connection_errors_are_index_errors(pg_uri, tmp_path):
    PostgresStore(pg_uri, must_exist=False)  # tables, but no ingest yet
    with pytest.raises(IndexError_, match="empty"):
        PostgresStore(pg_uri, must_exist=True)
    with pytest.raises(IndexError_, match="cannot connect"):
        PostgresStore(f"postgresql://someone:secret@/nodb?host={tmp_path}", must_exist=False)
    try:
        PostgresStore(f"postgresql://someone:secret@/nodb?host={tmp_path}")
    except IndexError_ as err:
        assert "secret" not in str(err)


def test_redact_hides_only_the_password():
    assert redact("postgresql://u:p%40ss@db.example.com:5432/x") == "postgresql://u:***@db.example.com:5432/x"
    assert redact("postgres://u@h/x") == "postgres://u@h/x"
    assert redact("postgresql://postgres:@/postgres?host=/tmp/s") == "postgresql://postgres:@/postgres?host=/tmp/s"


def test_a_dropped_connection_is_replaced_transparently(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    write(store, [(Post("a", "A", "body", date=dt.date(2020, 1, 1)), [["x"]], units(1))])
    assert store.lexical(["x"], Filters(), 5)
    sql(pg_uri, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'blogqa' AND pid <> pg_backend_pid()")
    assert [s.post_id for s in store.lexical(["x"], Filters(), 5)] == ["a"]
    assert store.refresh() is False


def test_indexes_in_separate_schemas_of_one_database_are_independent(pg_uri):
    sql(pg_uri, "CREATE EXTENSION IF NOT EXISTS vector")
    sql(pg_uri, "CREATE SCHEMA team_a; CREATE SCHEMA team_b")
    sep = "&" if "?" in pg_uri else "?"
    a = PostgresStore(f"{pg_uri}{sep}options=-csearch_path%3Dteam_a,public", must_exist=False)
    b = PostgresStore(f"{pg_uri}{sep}options=-csearch_path%3Dteam_b,public", must_exist=False)
    write(a, [(Post("a", "A", "body"), [["x"]], units(1))])
    with a.writer(META) as w:  # the ingest lock is per schema: b can write while a does
        w.hashes()
        write(b, [(Post("b", "B", "body"), [["x"]], units(1))])
    assert [p.id for p in a.iter_posts()] == ["a"] and [p.id for p in b.iter_posts()] == ["b"]


def test_many_threads_share_a_small_connection_pool(pg_uri, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    import blogqa.index.postgres as pgmod

    monkeypatch.setattr(pgmod, "POOL_SIZE", 2)
    store = PostgresStore(pg_uri, must_exist=False)
    write(store, [(Post(f"p{i}", "t", "b"), [["x", f"y{i}"]], units(1, seed=i)) for i in range(20)])
    dbname = sql(pg_uri, "SELECT current_database()")[0][0]
    seen = []

    def work(i):
        got = store.lexical(["x", f"y{i % 20}"], Filters(), 5)
        store.dense(units(1, seed=i)[0], Filters(), 5)
        seen.append(sql(pg_uri, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                                "AND application_name = 'blogqa'", (dbname,))[0][0])
        return got[0].post_id

    with ThreadPoolExecutor(12) as pool:
        assert list(pool.map(work, range(60))) == [f"p{i % 20}" for i in range(60)]
    assert max(seen) <= 2

"""`blogqa migrate`: an embedded index copied into PostgreSQL answers exactly as the folder does,
with the very same vectors (nothing re-embedded) and chunk ids."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from blogqa.cli import main
from blogqa.index.embedded import EmbeddedStore
from blogqa.index.store import IndexMeta
from blogqa.models import Chunk, Filters, Post


pytest.importorskip("psycopg")
from blogqa.index.postgres import PostgresStore  # noqa: E402
from blogqa.index.postgres_schema import MIGRATIONS  # noqa: E402

DIM = 24
META = IndexMeta("fake", "fake:unit-24", DIM, "kiwi", "kiwi-content-v1")


def build_folder(path: Path, n: int = 30, seed: int = 0) -> EmbeddedStore:
    rng = np.random.default_rng(seed)
    vocab = ["배포", "장애", "회고", "kubernetes", "모니터링", "테스트", "검색", "추천", "데이터", "서버"]
    store = EmbeddedStore(path, must_exist=False)
    with store.writer(META) as w:
        for i in range(n):
            post = Post(id=f"_posts/{i:03d}.md", title=f"글 {i}", body=f"본문 {i} " * 3,
                        date=dt.date(2019, 1, 1) + dt.timedelta(days=40 * i) if i % 7 else None,
                        tags=["Go"] if i % 3 == 0 else ["python", "data"], author="김" if i % 2 else None,
                        visibility="internal" if i % 5 == 0 else "public", source_path=f"_posts/{i:03d}.md")
            k = int(rng.integers(0, 4))  # some posts have no chunks at all
            chunks = [Chunk(post.id, j, f"소제목 {j}", f"{post.id} 조각 {j}", f"{post.title} 조각 {j}") for j in range(k)]
            toks = [list(rng.choice(vocab, size=int(rng.integers(1, 12)))) for _ in range(k)]
            vecs = rng.standard_normal((k, DIM)).astype(np.float32)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
            w.upsert(post, "/blog/a" if i % 2 else "/blog/b", chunks, toks, vecs)
    return store


def canon(scored) -> list[tuple[float, int]]:
    return sorted((-round(s.score, 4), s.chunk_id) for s in scored)


def run_cli(args: list[str], capsys) -> tuple[int, dict | str]:
    code = main(args)
    out = capsys.readouterr().out
    try:
        return code, json.loads(out)
    except ValueError:
        return code, out


def test_migrate_copies_everything_and_answers_identically(pg_uri, tmp_path, capsys):
    folder = build_folder(tmp_path / "idx")
    code, report = run_cli(["migrate", "--from", str(tmp_path / "idx"), "--to", pg_uri, "--json", "-q"], capsys)
    assert code == 0 and report["posts"] == 30 and report["copied"] == 30
    pg = PostgresStore(pg_uri)
    assert pg.meta == folder.meta
    assert list(pg.iter_posts()) == list(folder.iter_posts())
    src_ids, src_vecs = folder.chunk_vectors()
    # same chunk ids, byte-identical vectors (read back through the writer's reuse path)
    recs = pg.records([int(i) for i in src_ids])
    assert [r.chunk_id for r in recs] == [int(i) for i in src_ids]
    assert [(r.post, r.heading, r.text) for r in recs] == [(r.post, r.heading, r.text)
                                                           for r in folder.records([int(i) for i in src_ids])]
    with pg.writer(META) as w:
        rows = w.conn.execute("SELECT id, embedding::real[] FROM blogqa_chunks ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [int(i) for i in src_ids]
    np.testing.assert_array_equal(np.array([r[1] for r in rows], dtype=np.float32), src_vecs)
    st_pg, st_f = pg.stats(), folder.stats()
    for key in ("posts", "chunks", "undated_posts", "first_date", "last_date", "internal_posts"):
        assert st_pg[key] == st_f[key]
    rng = np.random.default_rng(9)
    for filters in (Filters(), Filters(tags=["go"]), Filters(since=dt.date(2020, 1, 1), visibility="public")):
        for query in (["배포"], ["장애", "회고"], ["kubernetes", "서버", "서버"]):
            a, b = pg.lexical(query, filters, 100), folder.lexical(query, filters, 100)
            assert canon(a) == canon(b)  # equal scores may come in either order
            assert np.allclose([s.score for s in a], [s.score for s in b], rtol=1e-5)
        q = rng.standard_normal(DIM).astype(np.float32)
        q /= np.linalg.norm(q)
        a, b = pg.dense(q, filters, 10), folder.dense(q, filters, 10)
        assert [s.chunk_id for s in a] == [s.chunk_id for s in b]
        assert np.allclose([s.score for s in a], [s.score for s in b], atol=1e-5)
    # sources came along, so a later `ingest --prune` of one source removes only its own posts
    with pg.writer(META) as w:
        assert len(w.hashes("/blog/a")) == 15 and len(w.hashes("/blog/b")) == 15


def test_migrate_again_skips_unchanged_posts_and_replace_removes_extra_ones(pg_uri, tmp_path, capsys):
    folder = build_folder(tmp_path / "idx")
    assert run_cli(["migrate", "--from", str(tmp_path / "idx"), "--to", pg_uri, "--json"], capsys)[0] == 0
    code, again = run_cli(["migrate", "--from", str(tmp_path / "idx"), "--to", pg_uri, "--json"], capsys)
    assert code == 0 and (again["copied"], again["unchanged"]) == (0, 30)
    with folder.writer(META) as w:
        w.delete(["_posts/001.md", "_posts/002.md"])
    code, third = run_cli(["migrate", "--from", str(tmp_path / "idx"), "--to", pg_uri, "--json"], capsys)
    assert (third["copied"], third["deleted"]) == (0, 0)
    assert PostgresStore(pg_uri).stats()["posts"] == 30  # kept without --replace
    code, fourth = run_cli(["migrate", "--from", str(tmp_path / "idx"), "--to", pg_uri, "--replace", "--json"], capsys)
    assert fourth["deleted"] == 2
    assert PostgresStore(pg_uri).stats()["posts"] == 28


def test_migrate_refuses_an_index_built_by_another_embedder(pg_uri, tmp_path, capsys):
    build_folder(tmp_path / "a")
    assert run_cli(["migrate", "--from", str(tmp_path / "a"), "--to", pg_uri], capsys)[0] == 0
    other = EmbeddedStore(tmp_path / "b", must_exist=False)
    with other.writer(IndexMeta("fake", "fake:other", 8, "kiwi", "kiwi-content-v1")) as w:
        w.upsert(Post("x", "x", "x"), "s", [Chunk("x", 0, "", "x", "x")], [["x"]], np.ones((1, 8), np.float32) / 8 ** .5)
    code = main(["migrate", "--from", str(tmp_path / "b"), "--to", pg_uri])
    assert code == 2 and "embedder" in capsys.readouterr().err


def test_migrate_without_from_creates_or_upgrades_the_schema(pg_uri, tmp_path, capsys):
    code, out = run_cli(["migrate", "--to", pg_uri, "--json"], capsys)
    assert code == 0 and out["applied"] == [number for number, _, _ in MIGRATIONS]
    code, out = run_cli(["migrate", "--to", pg_uri, "--json"], capsys)
    assert code == 0 and out["applied"] == []


def test_migrate_usage_errors(tmp_path, capsys):
    assert main(["migrate", "--from", str(tmp_path), "--to", str(tmp_path / "x")]) == 2
    assert "postgresql://" in capsys.readouterr().err
    assert main(["migrate", "--from", str(tmp_path), "--to", "postgresql://u@/db?host=/nonexistent"]) == 2
    assert "no blogqa index" in capsys.readouterr().err

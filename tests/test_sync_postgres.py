"""Issue 14 item 5 on the PostgreSQL backend (a real server, tests/pg.py): source records in
`blogqa_sources` (migration 3) written in the writer's transaction, an index of schema 2 upgraded
on open, one `Index.sync()` of a folder source, and `blogqa migrate` copying the records."""
from __future__ import annotations

import uuid

import pytest


psycopg = pytest.importorskip("psycopg")
from blogqa.api import Index  # noqa: E402
from blogqa.index.postgres import PostgresStore  # noqa: E402
from blogqa.index.source_record import SourceRecord  # noqa: E402
from blogqa.index.store import IndexMeta  # noqa: E402

from test_sync import post  # noqa: E402

META = IndexMeta("fake", "fake:unit-32", 32, "words", "words-v1")
STATE = {"start_url": "https://tech.example.com/",
         "pages": [{"url": "https://tech.example.com/2024/배포", "canonical": "https://tech.example.com/2024/배포",
                    "post_id": "https://tech.example.com/2024/배포", "etag": '"abc"',
                    "last_modified": "Tue, 05 Mar 2024 10:00:00 GMT", "lastmod": "2024-03-05",
                    "content_hash": "f" * 64, "status": 200}]}


def sql(uri: str, query: str, params=None) -> list[tuple]:
    with psycopg.connect(uri, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def generation(uri: str) -> int:
    return sql(uri, "SELECT generation FROM blogqa_state")[0][0]


def test_source_records_round_trip_in_the_writers_transaction(pg_uri):
    store = PostgresStore(pg_uri, must_exist=False)
    url = SourceRecord("url", "https://tech.example.com/", max_pages=50, state=STATE)
    folder = SourceRecord("folder", "/srv/blog", fmt="markdown", visibility="internal", base_url="https://b.example/")
    with store.writer(META) as w:
        w.record_source(url)
        w.record_source(folder)
        assert sql(pg_uri, "SELECT count(*) FROM blogqa_sources") == [(0,)], "not visible before the commit"
    assert store.sources() == sorted([url, folder], key=lambda r: r.location)
    assert {r.location: r for r in store.sources()}["https://tech.example.com/"].state == STATE
    before = generation(pg_uri)
    with store.writer(META) as w:
        w.record_source(SourceRecord.from_json(url.to_json()))  # the same record: nothing to commit
    assert generation(pg_uri) == before
    with pytest.raises(RuntimeError):
        with store.writer(META) as w:
            w.record_source(SourceRecord("url", "https://tech.example.com/", state={"start_url": "x", "pages": []}))
            raise RuntimeError("a failed sync")
    assert {r.location: r for r in store.sources()}["https://tech.example.com/"].state == STATE, "rolled back"
    store.close()


def test_an_index_of_schema_2_gets_the_sources_table_on_open(pg_uri):
    PostgresStore(pg_uri, must_exist=False).close()
    sql(pg_uri, "DROP TABLE blogqa_sources")
    sql(pg_uri, "DELETE FROM blogqa_migrations WHERE version = 3")
    store = PostgresStore(pg_uri, must_exist=False)
    assert store.schema_applied == [3]
    assert store.sources() == []
    store.close()


def test_sync_of_a_folder_source_on_postgres(pg_uri, tmp_path):
    mark = "표식" + uuid.uuid4().hex[:10]
    blog = tmp_path / "blog"
    post(blog, "2024-03-01-deploy", "배포 자동화", f"배포 파이프라인을 자동화했습니다. {mark}배포")
    post(blog, "2024-03-02-kafka", "카프카 도입", f"카프카를 도입했습니다. {mark}카프카")
    idx = Index(pg_uri, create=True)
    idx.ingest(str(blog), progress=False)
    assert [(r.kind, r.location) for r in idx.store.sources()] == [("folder", str(blog.resolve()))]
    post(blog, "2024-03-01-deploy", "배포 자동화", f"롤백은 3분이면 됩니다. {mark}롤백")
    post(blog, "2024-03-03-search", "검색 개선", f"검색 랭킹을 개선했습니다. {mark}검색")
    (blog / "2024-03-02-kafka.md").unlink()

    report = idx.sync(progress=False)

    assert (report.added, report.updated, report.removed, report.unchanged, report.embedded) == (1, 1, 1, 0, 2)
    assert sorted(p.title for p in idx.posts()) == ["검색 개선", "배포 자동화"]
    assert "롤백은 3분" in idx.search(f"{mark}롤백", k=1, mode="bm25").hits[0].text
    again = idx.sync(progress=False)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    idx.close()


def test_migrate_copies_the_source_records(pg_uri, tmp_path):
    from blogqa.index.migrate import migrate_index

    mark = "표식" + uuid.uuid4().hex[:10]
    blog = tmp_path / "blog"
    post(blog, "2024-03-01-deploy", "배포 자동화", f"배포 파이프라인을 자동화했습니다. {mark}")
    folder = Index(str(tmp_path / "idx"), create=True)
    folder.ingest(str(blog), progress=False, visibility="internal")
    migrate_index(str(tmp_path / "idx"), pg_uri)
    copy = Index(pg_uri)
    assert copy.store.sources() == folder.store.sources() == [
        SourceRecord("folder", str(blog.resolve()), visibility="internal")]
    post(blog, "2024-03-02-new", "새 글", f"새 글입니다. {mark}새글")
    assert copy.sync(progress=False).added == 1
    copy.close()

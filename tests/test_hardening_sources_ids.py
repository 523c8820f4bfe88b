"""Same post id in two sources, issue 16 item 11: two folders that both have
`_posts/2024-01-01-welcome.md` keep both posts in one real SQLite index."""
from pathlib import Path

from blogqa.api import Index

WELCOME = "---\ntitle: {title}\ndate: 2024-01-01\n---\n{body}"


def ingest(location: Path, source: Path | str, **kw):
    return Index(str(location), create=True).ingest(str(source), progress=False, **kw)


def blog(root: Path, title: str, body: str) -> Path:
    path = root / "_posts" / "2024-01-01-welcome.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(WELCOME.format(title=title, body=body), encoding="utf-8")
    return root


def test_same_post_id_in_two_sources_keeps_both(tmp_path):
    first = blog(tmp_path / "first", "첫 블로그 환영", "첫 번째 블로그의 환영 글입니다.")
    second = blog(tmp_path / "second", "둘째 블로그 환영", "두 번째 블로그의 환영 글입니다.")
    assert ingest(tmp_path / "idx", first).warnings == []
    report = ingest(tmp_path / "idx", second)
    assert (report.added, report.updated) == (1, 0)  # was (0, 1): the first blog's post was overwritten
    assert report.warnings == [f"_posts/2024-01-01-welcome.md: post id '_posts/2024-01-01-welcome.md' is already "
                               f"used by {first.resolve()}, indexed as '_posts/2024-01-01-welcome.md~2'"]
    idx = Index(str(tmp_path / "idx"))
    titles = {p.id: p.title for p in idx.posts()}
    assert titles == {"_posts/2024-01-01-welcome.md": "첫 블로그 환영", "_posts/2024-01-01-welcome.md~2": "둘째 블로그 환영"}

    # each source finds its own post again: nothing changes, no new warning, and --prune is per source
    for source in (second, first, second):
        again = ingest(tmp_path / "idx", source, prune=True)
        assert (again.added, again.updated, again.unchanged, again.deleted, again.warnings) == (0, 0, 1, 0, [])
    changed = blog(second, "둘째 블로그 환영 (수정)", "두 번째 블로그의 고친 환영 글입니다.")
    assert (ingest(tmp_path / "idx", changed).updated, Index(str(tmp_path / "idx")).stats()["posts"]) == (1, 2)
    titles = {p.id: p.title for p in Index(str(tmp_path / "idx")).posts()}
    assert titles["_posts/2024-01-01-welcome.md"] == "첫 블로그 환영"
    assert titles["_posts/2024-01-01-welcome.md~2"] == "둘째 블로그 환영 (수정)"


def test_a_third_source_takes_the_next_free_id(tmp_path):
    for n, name in enumerate(("a", "b", "c"), start=1):
        report = ingest(tmp_path / "idx", blog(tmp_path / name, f"{name} 환영", f"{name} 블로그 본문입니다."))
        assert report.added == 1
        assert report.warnings == ([] if n == 1 else [report.warnings[0]])
        if n > 1:
            assert report.warnings[0].endswith(f"indexed as '_posts/2024-01-01-welcome.md~{n}'")
    ids = sorted(p.id for p in Index(str(tmp_path / "idx")).posts())
    assert ids == ["_posts/2024-01-01-welcome.md", "_posts/2024-01-01-welcome.md~2", "_posts/2024-01-01-welcome.md~3"]


def test_a_renamed_id_never_takes_an_id_the_source_itself_uses(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text('{"id": "p", "title": "A의 글", "body": "A 본문", "date": "2020-01-01"}\n', encoding="utf-8")
    second.write_text('{"id": "p", "title": "B의 글", "body": "B 본문", "date": "2020-01-02"}\n'
                      '{"id": "p~2", "title": "B의 둘째 글", "body": "B 둘째 본문", "date": "2020-01-03"}\n', encoding="utf-8")
    ingest(tmp_path / "idx", first)
    report = ingest(tmp_path / "idx", second)
    assert report.added == 2 and len(report.warnings) == 1 and report.warnings[0].endswith("indexed as 'p~3'")
    again = ingest(tmp_path / "idx", second)
    assert (again.added, again.updated, again.unchanged, again.warnings) == (0, 0, 2, [])
    titles = {p.id: p.title for p in Index(str(tmp_path / "idx")).posts()}
    assert titles == {"p": "A의 글", "p~2": "B의 둘째 글", "p~3": "B의 글"}

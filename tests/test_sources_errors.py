"""Bad inputs: per-file problems become one-line warnings; unreadable sources raise SourceError."""
import os
from pathlib import Path

import pytest

from blogqa.errors import SourceError, UsageError
from blogqa.sources import LoadReport, load


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_bad_files_warn_and_load_goes_on(tmp_path):
    write(tmp_path / "2020-01-01-good.md", "---\ntitle: 좋은 글\n---\n본문")
    write(tmp_path / "empty.md", b"")
    write(tmp_path / "blank.md", b"  \n\n")
    write(tmp_path / "binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    write(tmp_path / "yaml-error.md", "---\ntitle: [unclosed\ndate: 2020-01-01\n---\nbody")
    write(tmp_path / "unclosed.md", "---\ntitle: 닫히지 않음\n\n본문만 있고 끝 표시가 없다")
    write(tmp_path / "not-mapping.md", "---\n- a\n- b\n---\nbody")
    write(tmp_path / "no-title.md", "---\ndate: 2020-01-01\n---\n제목 없는 본문")
    report = LoadReport()
    posts = list(load(tmp_path, report=report))
    assert [p.id for p in posts] == ["2020-01-01-good.md"]
    by_file = {w.split(": ", 1)[0]: w.split(": ", 1)[1] for w in report.warnings}
    assert by_file[str(tmp_path / "empty.md")] == "empty file"
    assert by_file[str(tmp_path / "blank.md")] == "empty file"
    assert by_file[str(tmp_path / "binary.md")] == "binary file"
    assert by_file[str(tmp_path / "yaml-error.md")].startswith("broken front matter: ")
    assert by_file[str(tmp_path / "unclosed.md")] == "broken front matter: unclosed ---"
    assert by_file[str(tmp_path / "not-mapping.md")].startswith("broken front matter: expected key: value")
    assert by_file[str(tmp_path / "no-title.md")] == "missing title"
    assert report.skipped == 7 and len(report.warnings) == 7
    assert all("\n" not in w for w in report.warnings)


def test_post_over_5_mb_is_skipped(tmp_path):
    big = write(tmp_path / "2020-01-01-big.md", b"---\ntitle: big\n---\n" + b"x" * (5 * 2**20))
    write(tmp_path / "2020-01-02-small.md", "---\ntitle: small\n---\nok")
    report = LoadReport()
    posts = list(load(tmp_path, report=report))
    assert [p.title for p in posts] == ["small"]
    assert report.warnings == [f"{big}: too large (5.0 MB > 5 MB)"] and report.skipped == 1


def test_one_warning_for_many_undated_posts(tmp_path):
    for n in range(5):
        write(tmp_path / f"post-{n}.md", f"---\ntitle: 날짜 없는 글 {n}\n---\n본문 {n}")
    write(tmp_path / "2021-01-01-dated.md", "---\ntitle: 날짜 있음\n---\n본문")
    report = LoadReport()
    posts = list(load(tmp_path, report=report))
    assert len(posts) == 6 and sum(p.date is None for p in posts) == 5
    assert report.warnings == [f"{tmp_path}: 5 posts have no date (indexed with date unknown)"]
    assert report.undated_sources == {str(tmp_path)} and report.skipped == 0


def test_bad_date_falls_back_to_file_name(tmp_path):
    path = write(tmp_path / "2019-09-09-x.md", "---\ntitle: x\ndate: someday\n---\nbody")
    report = LoadReport()
    (post,) = load(tmp_path, report=report)
    assert post.date.isoformat() == "2019-09-09"
    assert report.warnings == [f"{path}: unparseable date 'someday' in front matter, using the file name"]


def test_missing_path_raises_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder") as err:
        load(tmp_path / "nope")
    assert str(tmp_path / "nope") in str(err.value)


def test_unreadable_source_raises_source_error(tmp_path):
    loop = tmp_path / "loop"
    os.symlink(loop, loop)  # a path that exists as a name but can never be opened
    with pytest.raises(SourceError, match=str(loop)):
        load(loop)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 folder")
def test_unreadable_folder_raises_source_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        with pytest.raises(SourceError, match="cannot read folder"):
            load(folder)
    finally:
        folder.chmod(0o755)


def test_bad_arguments_raise_usage_error(tmp_path):
    with pytest.raises(UsageError):
        load(tmp_path, visibility="secret")
    with pytest.raises(UsageError):
        load(tmp_path, fmt="Markdown")


def test_unparseable_feed_and_wxr_raise_source_error(tmp_path):
    bogus = write(tmp_path / "notes.txt", "just some words, not a feed")
    with pytest.raises(SourceError, match="not an RSS/Atom feed"):
        load(bogus, fmt="feed")
    broken = write(tmp_path / "export.xml", '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>')
    with pytest.raises(SourceError, match="not valid WXR/XML"):
        load(broken)


def test_duplicate_ids_keep_the_first(tmp_path):
    path = write(tmp_path / "posts.jsonl", '{"id": "a", "title": "one", "body": "x", "date": "2020-01-01"}\n'
                                           '{"id": "a", "title": "two", "body": "y", "date": "2020-01-02"}\n')
    report = LoadReport()
    assert [p.title for p in load(path, report=report)] == ["one"]
    assert report.skipped == 1 and "duplicate post id 'a'" in report.warnings[0]

"""Hostile loader inputs, issue 16 items 3 and 7: a YAML alias bomb, nesting too deep for the
parsers, a file name that is not UTF-8, lone surrogates. Each costs its own post only, as one
warning line, and the rest loads (and ingests: the last test writes a real SQLite index)."""
import os
import time

from blogqa.api import Index
from blogqa.sources import LoadReport, load

from source_util import GOOD, load_folder, only_warning, write


# ------------------------------------------------------------------ 3: YAML alias bomb

def alias_bomb(levels: int, width: int = 9) -> str:
    """A "billion laughs": each level lists the previous one `width` times, so the tags below hold
    width**levels strings (6 levels: 531,441; the hostile test used more and reached 3 GB)."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]")
    return "---\ntitle: &t 폭탄\n" + "\n".join(lines) + f"\ntags: *l{levels}\n---\n본문"


def test_yaml_alias_bomb_is_refused_with_one_warning(tmp_path):
    write(tmp_path / "2020-01-01-good.md", GOOD)
    bomb = write(tmp_path / "2020-01-02-bomb.md", alias_bomb(6))
    started = time.perf_counter()
    posts, report = load_folder(tmp_path)
    assert time.perf_counter() - started < 2
    assert list(posts) == ["2020-01-01-good.md"]
    assert only_warning(report, bomb) == "broken front matter: YAML aliases are not allowed (*l0, line 4)"
    assert report.skipped == 1


def test_yaml_anchor_without_alias_is_harmless(tmp_path):
    write(tmp_path / "2020-01-01-a.md", "---\ntitle: &t 앵커만\ntags: [a]\n---\n본문")
    posts, report = load_folder(tmp_path)
    assert posts["2020-01-01-a.md"].title == "앵커만" and report.warnings == []


# ------------------------------------------------------------------ 7: one bad file aborts the load

def test_toml_front_matter_nested_50k_deep_is_one_warning(tmp_path):
    write(tmp_path / "2020-01-01-good.md", GOOD)
    deep = write(tmp_path / "2020-01-02-deep.md", "+++\ntitle = 'x'\na = " + "[" * 50_000 + "]" * 50_000 + "\n+++\n본문")
    posts, report = load_folder(tmp_path)
    assert list(posts) == ["2020-01-01-good.md"]
    assert only_warning(report, deep) == "broken front matter: nested too deeply"


def test_jsonl_line_nested_100k_deep_is_one_warning(tmp_path):
    path = write(tmp_path / "posts.jsonl",
                 '{"id": "a", "title": "첫 글", "body": "본문", "date": "2020-01-01"}\n'
                 + "[" * 100_000 + "]" * 100_000 + "\n"
                 + '{"id": "b", "title": "셋째 글", "body": "본문", "date": "2020-01-03"}\n')
    report = LoadReport()
    assert [p.id for p in load(path, report=report)] == ["a", "b"]
    assert report.warnings == [f"{path}: line 2: bad JSON (nested too deeply)"] and report.skipped == 1


def test_file_name_that_is_not_utf8_gets_an_escaped_id(tmp_path):
    write(tmp_path / "2020-01-01-good.md", GOOD)
    name = os.fsdecode(b"2020-01-02-caf\xe9.md")  # a Latin-1 name, kept by Python as a surrogate escape
    path = write(tmp_path / name, "---\ntitle: 이름이 깨진 글\n---\n본문")
    posts, report = load_folder(tmp_path)
    assert sorted(posts) == ["2020-01-01-good.md", "2020-01-02-caf\\xe9.md"]
    post = posts["2020-01-02-caf\\xe9.md"]
    assert post.source_path == post.id and len(post.content_hash) == 64  # raised UnicodeEncodeError before
    assert report.warnings == [f"{str(path).encode('utf-8', 'surrogateescape').decode('utf-8', 'backslashreplace')}: "
                               "file name is not valid UTF-8, indexed as '2020-01-02-caf\\\\xe9.md'"]


def test_lone_surrogates_in_jsonl_are_written_escaped(tmp_path):
    path = write(tmp_path / "posts.jsonl", '{"id": "a", "title": "이모지 \\ud83d", "body": "본문", "date": "2020-01-01"}\n')
    report = LoadReport()
    (post,) = load(path, report=report)
    assert post.title == "이모지 \\ud83d" and len(post.content_hash) == 64
    assert report.warnings == ["posts.jsonl:1: invalid Unicode (lone surrogates) in title, written as \\uXXXX"]


def test_bad_files_cost_only_themselves_in_a_real_ingest(tmp_path):
    root = tmp_path / "blog"
    write(root / "2020-01-01-good.md", GOOD)
    write(root / "2020-01-02-deep.md", "+++\ntitle = 'x'\na = " + "[" * 50_000 + "]" * 50_000 + "\n+++\n본문")
    write(root / os.fsdecode(b"2020-01-03-caf\xe9.md"), "---\ntitle: 이름이 깨진 글\n---\n본문")
    # before: RecursionError, and without the deep file UnicodeEncodeError in content_hash
    report = Index(str(tmp_path / "idx"), create=True).ingest(str(root), progress=False)
    assert (report.posts, report.added, report.skipped) == (2, 2, 1)
    assert any(w.endswith("2020-01-02-deep.md: broken front matter: nested too deeply") for w in report.warnings)
    assert any("file name is not valid UTF-8" in w for w in report.warnings)
    idx = Index(str(tmp_path / "idx"))
    assert sorted(p.id for p in idx.posts()) == ["2020-01-01-good.md", "2020-01-03-caf\\xe9.md"]

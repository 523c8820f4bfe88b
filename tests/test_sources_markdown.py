"""Markdown folders: front matter, dates, tags, site roots, skipped folders."""
import datetime as dt
from pathlib import Path

from blogqa.sources import LoadReport, load


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def load_all(source, **kwargs):
    report = kwargs.pop("report", None) or LoadReport()
    return {p.id: p for p in load(source, report=report, **kwargs)}, report


def test_jekyll_post_fields(tmp_path):
    write(tmp_path / "2018-04-17-hypercut.md",
          "---\nlayout: post\ntitle: \"HyperCut: 인물사진\"\ndate: 2018-04-30 10:00:00 +0900\n"
          "last_modified_at: 2019-06-28\nauthor: dgoon\ntags: machine-learning hypercut\n"
          "categories: [ml, hypercut]\npermalink: /hypercut/\n---\n본문입니다.\n")
    posts, report = load_all(tmp_path)
    post = posts["2018-04-17-hypercut.md"]
    assert post.title == "HyperCut: 인물사진"
    assert post.date == dt.date(2018, 4, 30)  # front matter beats the file name
    assert post.updated == dt.date(2019, 6, 28)
    assert post.tags == ["machine-learning", "hypercut", "ml"]
    assert post.author == "dgoon"
    assert post.url == "/hypercut/"
    assert post.source_path == "2018-04-17-hypercut.md"
    assert post.visibility == "public"
    assert post.body == "본문입니다."
    assert report.warnings == []


def test_filename_date_with_one_digit_parts_and_space_in_name(tmp_path):
    write(tmp_path / "2012-3-28-Internship.md", "---\ntitle: 인턴십\n---\n본문")
    write(tmp_path / "2016-08-18-card sorting.md", "---\ntitle: '카드 소팅'\nauthors: [박정진, 홍민희]\n---\n본문")
    posts, _ = load_all(tmp_path)
    assert posts["2012-3-28-Internship.md"].date == dt.date(2012, 3, 28)
    card = posts["2016-08-18-card sorting.md"]
    assert card.date == dt.date(2016, 8, 18) and card.author == "박정진, 홍민희"


def test_toml_front_matter_and_lastmod(tmp_path):
    write(tmp_path / "content" / "posts" / "search.md",
          '+++\ntitle = "검색 이야기"\ndate = 2022-02-03T10:00:00+09:00\nlastmod = 2022-03-01\n'
          'tags = ["search", "Search", "bm25"]\nurl = "/posts/search/"\n+++\n'
          "본문 {{< ref \"other.md\" >}}\n")
    write(tmp_path / "content" / "about.md", "+++\ntitle = \"소개\"\n+++\nabout")
    write(tmp_path / "content" / "posts" / "_index.md", "+++\ntitle = \"Posts\"\n+++\n")
    posts, _ = load_all(tmp_path)
    assert list(posts) == ["content/posts/search.md"]  # Hugo root: only the posts section
    post = posts["content/posts/search.md"]
    assert (post.date, post.updated) == (dt.date(2022, 2, 3), dt.date(2022, 3, 1))
    assert post.tags == ["search", "bm25"] and post.url == "/posts/search/" and post.body == "본문"


def test_updated_key_and_title_from_heading(tmp_path):
    write(tmp_path / "2020-01-05-notes.md", "---\nupdated: 2020-02-01\n---\n# 첫 제목\n\n## 절\n내용")
    posts, _ = load_all(tmp_path)
    post = posts["2020-01-05-notes.md"]
    assert post.title == "첫 제목" and post.body == "## 절\n\n내용"  # a heading is a block of its own
    assert (post.date, post.updated) == (dt.date(2020, 1, 5), dt.date(2020, 2, 1))


def test_jekyll_site_root_reads_only_posts(tmp_path):
    write(tmp_path / "README.md", "# 블로그 저장소\n")
    write(tmp_path / "about.md", "---\ntitle: About\n---\nabout")
    write(tmp_path / "_drafts" / "wip.md", "---\ntitle: WIP\n---\nwip")
    write(tmp_path / "_posts" / "2020-01-01-a.md", "---\ntitle: A\n---\na")
    write(tmp_path / "_posts" / "2019" / "2019-05-05-b.markdown", "---\ntitle: B\n---\nb")
    posts, report = load_all(tmp_path)
    assert sorted(posts) == ["_posts/2019/2019-05-05-b.markdown", "_posts/2020-01-01-a.md"]
    assert posts["_posts/2020-01-01-a.md"].source_path == "_posts/2020-01-01-a.md"
    assert report.warnings == []


def test_index_and_hidden_folders_skipped(tmp_path):
    write(tmp_path / "2020-01-01-a.md", "---\ntitle: A\n---\na")
    write(tmp_path / ".git" / "x.md", "---\ntitle: git\n---\n")
    write(tmp_path / "idx" / "CURRENT", "v1")
    write(tmp_path / "idx" / "v1" / "notes.md", "---\ntitle: index internals\n---\n")
    write(tmp_path / "myindex" / "meta.json", '{"blogqa": {"version": 1}}')
    write(tmp_path / "myindex" / "dump.md", "---\ntitle: dump\n---\n")
    write(tmp_path / "other" / "CURRENT", "v2")
    write(tmp_path / "other" / "meta.json", "{}")
    write(tmp_path / "other" / "c.md", "---\ntitle: C\n---\n")
    write(tmp_path / "keep" / "meta.json", '{"unrelated": true}')
    write(tmp_path / "keep" / "2020-02-02-d.md", "---\ntitle: D\n---\nd")
    posts, _ = load_all(tmp_path)
    assert sorted(posts) == ["2020-01-01-a.md", "keep/2020-02-02-d.md"]


def test_drafts_skipped_silently(tmp_path):
    write(tmp_path / "a.md", "---\ntitle: A\npublished: false\n---\n")
    write(tmp_path / "b.md", "---\ntitle: B\ndraft: true\n---\n")
    write(tmp_path / "c.md", "---\ntitle: C\npublished: true\ndate: 2020-01-01\n---\nc")
    posts, report = load_all(tmp_path)
    assert list(posts) == ["c.md"]
    assert (report.skipped_drafts, report.skipped, report.warnings) == (2, 0, [])


def test_visibility_front_matter_and_override(tmp_path):
    write(tmp_path / "2020-01-01-in.md", "---\ntitle: In\nvisibility: internal\n---\nx")
    write(tmp_path / "2020-01-02-out.md", "---\ntitle: Out\n---\nx")
    posts, _ = load_all(tmp_path)
    assert posts["2020-01-01-in.md"].visibility == "internal"
    assert posts["2020-01-02-out.md"].visibility == "public"
    forced, _ = load_all(tmp_path, visibility="internal")
    assert {p.visibility for p in forced.values()} == {"internal"}


def test_single_file_and_forced_format(tmp_path):
    path = write(tmp_path / "notes.txt", "---\ntitle: 메모\ndate: '2021-07-08'\n---\n본문")
    posts, _ = load_all(path, fmt="markdown")
    assert posts["notes.txt"].date == dt.date(2021, 7, 8)
    posts, _ = load_all(path)  # sniffed from the leading ---
    assert list(posts) == ["notes.txt"]


def test_korean_encodings_and_bom_files(tmp_path):
    body = "---\ntitle: 한글 제목\n---\n스포카 한글 본문입니다.\r\n"
    write(tmp_path / "2010-01-01-cp949.md", body.replace("한글 제목", "똠방각하"), "cp949")
    write(tmp_path / "2010-01-02-euckr.md", body, "euc-kr")
    write(tmp_path / "2010-01-03-bom.md", body, "utf-8-sig")
    posts, report = load_all(tmp_path)
    assert [p.title for p in posts.values()] == ["똠방각하", "한글 제목", "한글 제목"]
    assert {p.body for p in posts.values()} == {"스포카 한글 본문입니다."}
    assert report.warnings == []

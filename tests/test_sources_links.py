"""Issue 14 item 6: a folder-built post links to its live URL — Jekyll `_config.yml` (url + baseurl +
permalink), Hugo's config (baseURL + [permalinks]), or `--base-url` — and item 7: a PDF, Word or HWP
file, or a folder of them, or an empty folder, is one clear error (exit 1) and no index is written.

The shared blogs are checked against their real configs (the `url`/`baseurl`/`permalink` lines of
each repository's `_config.yml`) and against the links their authors wrote between posts."""
import doctest
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from blogqa.api import Index
from blogqa.cli import main
from blogqa.errors import SourceError, UsageError
from blogqa.sources import LoadReport, NoPostsError, load, permalink, site_config, unsupported

from conftest import BLOGS
from source_util import write


def urls(source, **kwargs) -> dict[str, str | None]:
    report = kwargs.pop("report", LoadReport())
    return {p.id: p.url for p in load(source, report=report, **kwargs)}


def post(title: str, **front) -> str:
    lines = [f"title: {title}"] + [f"{k}: {v}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + f"{title} 본문입니다.\n"


@pytest.mark.parametrize("module", [permalink, site_config, unsupported])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# ---- Jekyll -------------------------------------------------------------------------------
@pytest.fixture
def jekyll(tmp_path):
    """A small Jekyll site: posts with a category, a Korean file name, a time zone-crossing date."""
    site = tmp_path / "site"
    write(site / "_config.yml", 'title: 기술 블로그\nurl: "https://tech.example.kr"\nbaseurl: "/blog"\n')
    write(site / "_posts" / "2020-02-14-car-damage.md",
          post("파손 탐지", date="2020-02-14 01:00:00 +0900", category="data"))
    write(site / "_posts" / "2019-06-20-데이블-블로그를-시작합니다.md", post("시작"))
    write(site / "_posts" / "2021-05-04-card sorting.md", post("카드 소팅", categories="[UX, Design]"))
    write(site / "data" / "_posts" / "2022-01-02-etl.md", post("ETL"))
    return site


def test_jekyll_default_date_permalink(jekyll):
    got = urls(jekyll)
    # 01:00 +0900 is the 13th in UTC, the time zone GitHub Pages builds in: Jekyll links it under 13
    assert got["_posts/2020-02-14-car-damage.md"] == "https://tech.example.kr/blog/data/2020/02/13/car-damage.html"
    assert got["_posts/2019-06-20-데이블-블로그를-시작합니다.md"] == (
        "https://tech.example.kr/blog/2019/06/20/"
        "%EB%8D%B0%EC%9D%B4%EB%B8%94-%EB%B8%94%EB%A1%9C%EA%B7%B8%EB%A5%BC-%EC%8B%9C%EC%9E%91%ED%95%A9%EB%8B%88%EB%8B%A4.html")
    assert got["_posts/2021-05-04-card sorting.md"] == "https://tech.example.kr/blog/ux/design/2021/05/04/card-sorting.html"


def test_same_links_whether_the_site_or_its_posts_folder_is_ingested(jekyll):
    from_root = urls(jekyll)
    from_posts = urls(jekyll / "_posts")
    assert from_posts == {k.removeprefix("_posts/"): v for k, v in from_root.items()}
    assert urls(jekyll / "_posts" / "2020-02-14-car-damage.md") == {
        "2020-02-14-car-damage.md": "https://tech.example.kr/blog/data/2020/02/13/car-damage.html"}


def test_folders_above_posts_are_categories(jekyll):
    assert urls(jekyll / "data")["_posts/2022-01-02-etl.md"] == "https://tech.example.kr/blog/data/2022/01/02/etl.html"


@pytest.mark.parametrize("style, expected", [
    ("date", "/dev/2021/03/07/deploy-notes.html"),
    ("pretty", "/dev/2021/03/07/deploy-notes/"),
    ("ordinal", "/dev/2021/066/deploy-notes.html"),
    ("none", "/dev/deploy-notes.html"),
    ("weekdate", "/dev/2021/W09/Sun/deploy-notes.html"),
    ("/:categories/:year/:month/:day/:title/", "/dev/2021/03/07/deploy-notes/"),
    ("/:year-:month-:day-:title/", "/2021-03-07-deploy-notes/"),
    ("/:title", "/deploy-notes"),
    ("/:title.html", "/deploy-notes.html"),
    ("/blog/:slug/", "/blog/deploy-notes/"),
    ("/:short_year/:i_month/:i_day/:title/", "/21/3/7/deploy-notes/"),
    ("/:year/:short_month/:hour:minute-:title/", "/2021/Mar/1030-deploy-notes/"),
])
def test_jekyll_permalink_styles(tmp_path, style, expected):
    write(tmp_path / "_config.yml", f'url: https://blog.example.kr\npermalink: "{style}"\ntimezone: Asia/Seoul\n')
    write(tmp_path / "_posts" / "2021-03-07-Deploy-Notes.md",
          post("배포 노트", date="2021-03-07 10:30:00 +0900", categories="Dev", slug="deploy-notes"))
    assert urls(tmp_path)["_posts/2021-03-07-Deploy-Notes.md"] == "https://blog.example.kr" + expected


def test_title_keeps_the_file_names_case_and_underscores_slug_does_not(tmp_path):
    write(tmp_path / "_config.yml", "url: https://saramin.example.kr\npermalink: /:title/:slug/\n")
    write(tmp_path / "_posts" / "2021-04-09-Intern_JK lee.md", post("인턴 회고"))
    assert urls(tmp_path)["_posts/2021-04-09-Intern_JK lee.md"] == "https://saramin.example.kr/Intern_JK-lee/intern-jk-lee/"


def test_post_permalink_defaults_and_collections(tmp_path):
    write(tmp_path / "_config.yml", """
url: https://dev.example.kr
permalink: pretty
timezone: Asia/Seoul
collections:
  guides:
    output: true
    permalink: /guides/:path/
  notes:
    output: true
defaults:
  - scope: {path: "", type: posts}
    values: {permalink: "/posts/:title/"}
  - scope: {path: "_posts/archive", type: posts}
    values: {permalink: "/archive/:year/:title/"}
""")
    write(tmp_path / "_posts" / "2023-01-30-kafka.md", post("카프카", date="2023-01-30 00:30:00 +0900"))
    write(tmp_path / "_posts" / "archive" / "2012-05-01-old.md", post("옛 글"))
    write(tmp_path / "_posts" / "2024-01-01-own.md", post("직접 정한 주소", permalink="/about-kafka/:year/"))
    write(tmp_path / "_posts" / "2024-02-01-full.md", post("전체 주소", permalink="https://elsewhere.example.kr/p/1"))
    write(tmp_path / "_guides" / "setup" / "install.md", post("설치"))
    write(tmp_path / "_notes" / "oncall.md", post("온콜"))
    assert urls(tmp_path) == {
        "_posts/2023-01-30-kafka.md": "https://dev.example.kr/posts/kafka/",
        "_posts/archive/2012-05-01-old.md": "https://dev.example.kr/archive/2012/old/",
        "_posts/2024-01-01-own.md": "https://dev.example.kr/about-kafka/2024/",       # the post's own permalink wins
        "_posts/2024-02-01-full.md": "https://elsewhere.example.kr/p/1",             # an absolute one as written
    }
    assert urls(tmp_path / "_guides") == {"setup/install.md": "https://dev.example.kr/guides/setup/install/"}
    assert urls(tmp_path / "_notes") == {"oncall.md": "https://dev.example.kr/notes/oncall.html"}


def test_an_html_pages_canonical_link_wins(tmp_path):
    write(tmp_path / "_config.yml", "url: https://tech.example.kr\n")
    write(tmp_path / "_posts" / "2020-01-01-saved.html",
          '<html><head><title>저장한 글</title><link rel="canonical" href="https://tech.example.kr/p/saved/">'
          "</head><body><article><h1>저장한 글</h1><p>본문</p></article></body></html>")
    write(tmp_path / "_posts" / "2020-01-02-relative.html",
          '<html><head><title>상대 주소</title><link rel="canonical" href="/p/relative/">'
          "</head><body><article><p>본문</p></article></body></html>")
    assert urls(tmp_path) == {"_posts/2020-01-01-saved.html": "https://tech.example.kr/p/saved/",
                              "_posts/2020-01-02-relative.html": "https://tech.example.kr/p/relative/"}


def test_url_that_already_ends_with_the_baseurl_is_not_doubled(tmp_path):
    write(tmp_path / "_config.yml", 'baseurl: "/techblog"\nurl: "https://teamdable.github.io/techblog"\npermalink: /:title\n')
    write(tmp_path / "_posts" / "2021-09-15-express-error-handling.md", post("에러 처리"))
    assert urls(tmp_path) == {"_posts/2021-09-15-express-error-handling.md":
                              "https://teamdable.github.io/techblog/express-error-handling"}


@pytest.mark.parametrize("config, why", [
    ("title: 블로그\n", "no url"),
    ('url: ""\n', "no url"),
    ("url: http://localhost:4000\n", "url 'http://localhost:4000' is a placeholder"),
    ("url: tech.example.kr\n", "url 'tech.example.kr' is not an http(s) address"),
    ("url: [broken\n", "cannot read the site config"),
])
def test_config_without_a_usable_address_is_one_warning_and_no_link(tmp_path, config, why):
    write(tmp_path / "_config.yml", config)
    write(tmp_path / "_posts" / "2020-01-01-a.md", post("글", permalink="/a/"))
    write(tmp_path / "_posts" / "2020-01-02-b.md", post("글 2"))
    report = LoadReport()
    assert urls(tmp_path, report=report) == {"_posts/2020-01-01-a.md": "/a/", "_posts/2020-01-02-b.md": None}
    assert len(report.warnings) == 1 and report.warnings[0].startswith(f"{tmp_path / '_config.yml'}: {why}")
    # the same folder with the address given by hand
    assert urls(tmp_path, base_url="https://tech.example.kr/") == {
        "_posts/2020-01-01-a.md": "https://tech.example.kr/a/",
        "_posts/2020-01-02-b.md": "https://tech.example.kr/2020/01/02/b.html"}


def test_odd_config_values_give_no_crash(tmp_path):
    write(tmp_path / "_config.yml", "url: https://tech.example.kr\npermalink: 5\ntimezone: Mars/Olympus\n"
          "defaults: [1, {scope: 3, values: {permalink: /d/:title/}}]\ncollections: 3\n")
    write(tmp_path / "_posts" / "2020-01-01-a.md", post("글", category="[Ops, SRE]", date="2020-01-01 08:00:00 +0900"))
    write(tmp_path / "_posts" / "2020-01-02-b.md", post("글 2", permalink="/:year/:nosuch/"))
    assert urls(tmp_path) == {"_posts/2020-01-01-a.md": "https://tech.example.kr/d/a/",
                              "_posts/2020-01-02-b.md": "https://tech.example.kr/2020/:nosuch/"}


def test_base_url_replaces_the_configs_address(jekyll):
    got = urls(jekyll, base_url="https://zuminternet.github.io")
    assert got["_posts/2020-02-14-car-damage.md"] == "https://zuminternet.github.io/data/2020/02/13/car-damage.html"


def test_base_url_without_any_config(tmp_path):
    write(tmp_path / "blog" / "_posts" / "2020-03-01-hello.md", post("안녕"))
    write(tmp_path / "hugo" / "content" / "posts" / "Search Story.md", post("검색"))
    write(tmp_path / "notes" / "ops" / "oncall.md", post("온콜"))
    write(tmp_path / "notes" / "ops" / "index.md", post("운영"))
    write(tmp_path / "notes" / "page.html", "<html><head><title>페이지</title></head><body><p>본문</p></body></html>")
    base = "https://blog.example.kr"
    assert urls(tmp_path / "blog", base_url=base) == {"_posts/2020-03-01-hello.md": f"{base}/2020/03/01/hello.html"}
    assert urls(tmp_path / "blog" / "_posts", base_url=base) == {"2020-03-01-hello.md": f"{base}/2020/03/01/hello.html"}
    assert urls(tmp_path / "hugo", base_url=base) == {"content/posts/Search Story.md": f"{base}/posts/search-story/"}
    assert urls(tmp_path / "notes", base_url=base) == {"ops/index.md": f"{base}/ops/", "ops/oncall.md": f"{base}/ops/oncall/",
                                                        "page.html": f"{base}/page.html"}
    assert urls(tmp_path / "notes") == {"ops/index.md": None, "ops/oncall.md": None, "page.html": None}  # unchanged without


@pytest.mark.parametrize("bad", ["tech.example.kr", "ftp://tech.example.kr", "https://", "https://x.kr/?a=1"])
def test_a_base_url_must_be_an_http_address(tmp_path, bad):
    write(tmp_path / "a.md", post("글"))
    with pytest.raises(UsageError, match="base URL must look like https://"):
        load(tmp_path, base_url=bad)


def test_a_base_url_is_only_for_folders_and_post_files(tmp_path):
    feed = write(tmp_path / "feed.xml", '<rss version="2.0"><channel><title>t</title></channel></rss>')
    with pytest.raises(UsageError, match=r"feed.xml: a base URL is for a folder or Markdown/HTML files, not a feed file"):
        load(feed, base_url="https://tech.example.kr")
    with pytest.raises(UsageError, match="a web source has its own links"):
        load("https://tech.example.kr/feed.xml", base_url="https://tech.example.kr")


# ---- Hugo ---------------------------------------------------------------------------------
def test_hugo_toml_permalinks_slug_url_and_bundles(tmp_path):
    write(tmp_path / "hugo.toml", 'baseURL = "https://hugo.example.kr/blog/"\ntitle = "기술"\n'
          '[permalinks]\n  posts = "/:year/:month/:slug/"\n  notes = "/n/:section/:filename/"\n')
    content = tmp_path / "content"
    write(content / "posts" / "search.md",
          '+++\ntitle = "검색 이야기: BM25!"\ndate = 2022-02-03T01:00:00+09:00\n+++\n본문')   # Hugo keeps the offset's day
    write(content / "posts" / "kafka.md", '+++\ntitle = "Kafka"\ndate = 2023-01-30\nslug = "Kafka-Outbox"\n+++\n본문')
    write(content / "posts" / "moved.md", '+++\ntitle = "옮긴 글"\ndate = 2023-01-30\nurl = "/old/moved/"\n+++\n본문')
    write(content / "posts" / "Bundle Post" / "index.md", '+++\ntitle = "번들"\ndate = 2021-07-09\n+++\n본문')
    write(content / "posts" / "_index.md", '+++\ntitle = "Posts"\n+++\n')
    assert urls(tmp_path) == {
        "content/posts/search.md": "https://hugo.example.kr/blog/2022/02/"
                                   "%EA%B2%80%EC%83%89-%EC%9D%B4%EC%95%BC%EA%B8%B0-bm25/",
        "content/posts/kafka.md": "https://hugo.example.kr/blog/2023/01/kafka-outbox/",
        "content/posts/moved.md": "https://hugo.example.kr/blog/old/moved/",
        "content/posts/Bundle Post/index.md": "https://hugo.example.kr/blog/2021/07/%EB%B2%88%EB%93%A4/",
    }
    write(content / "notes" / "Daily.md", "---\ntitle: 메모\n---\n본문")
    assert urls(content / "notes") == {"Daily.md": "https://hugo.example.kr/blog/n/notes/daily/"}


def test_hugo_yaml_config_default_paths_and_ugly_urls(tmp_path):
    write(tmp_path / "config.yaml", "baseURL: https://hugo.example.kr\nuglyURLs: true\n")
    write(tmp_path / "content" / "posts" / "Deploy.md", "---\ntitle: 배포\nslug: deploy-automation\n---\n본문")
    write(tmp_path / "content" / "posts" / "oncall.md", "---\ntitle: 온콜\n---\n본문")
    assert urls(tmp_path) == {"content/posts/Deploy.md": "https://hugo.example.kr/posts/deploy-automation.html",
                              "content/posts/oncall.md": "https://hugo.example.kr/posts/oncall.html"}


def test_hugo_config_folder_and_jekyll_toml_config(tmp_path):
    write(tmp_path / "hugo" / "config" / "_default" / "hugo.toml",
          'baseURL = "https://hugo.example.kr"\n[permalinks.page]\nposts = "/p/:slugorfilename/"\n')
    write(tmp_path / "hugo" / "content" / "posts" / "Kafka Outbox.md", "---\ntitle: 카프카\n---\n본문")
    assert urls(tmp_path / "hugo" / "content") == {"posts/Kafka Outbox.md": "https://hugo.example.kr/p/kafka-outbox/"}
    write(tmp_path / "jekyll" / "_config.toml", 'url = "https://toml.example.kr"\npermalink = "/:title/"\n')
    write(tmp_path / "jekyll" / "_posts" / "2020-01-01-hello.md", post("안녕"))
    assert urls(tmp_path / "jekyll") == {"_posts/2020-01-01-hello.md": "https://toml.example.kr/hello/"}


def test_a_config_yaml_is_hugos_only_beside_a_content_folder(tmp_path):
    write(tmp_path / "config.yaml", "baseURL: https://not-a-blog.example.kr\n")
    write(tmp_path / "posts" / "a.md", post("글"))
    assert urls(tmp_path) == {"posts/a.md": None}


def test_hugo_placeholder_base_url_is_a_warning(tmp_path):
    write(tmp_path / "hugo.toml", "baseURL = 'https://example.org/'\n")  # what `hugo new site` writes
    write(tmp_path / "content" / "posts" / "a.md", post("글", date="2024-01-01"))
    report = LoadReport()
    assert urls(tmp_path, report=report) == {"content/posts/a.md": None}
    assert report.warnings == [f"{tmp_path / 'hugo.toml'}: baseURL 'https://example.org/' is a placeholder, so posts get "
                               "no live link (set it there, or give the blog's address with --base-url)"]


# ---- the shared blogs, with the address lines of their real _config.yml -------------------
# From each repository's _config.yml (the snapshots named in the blogs' README.md files).
REAL_CONFIGS = {
    "dable": 'baseurl: "/techblog"\nurl: "https://teamdable.github.io/techblog"\npermalink: /:title\n',
    "hyperconnect": 'baseurl: "/"\nurl: "https://hyperconnect.github.io"\n',
    "saramin": 'url: "https://saramin.github.io"\nbaseurl: ""\npermalink: /:year-:month-:day-:title/\n',
    "socar": 'baseurl:            ""\nurl:                "https://tech.socarcorp.kr"\n',
    "spoqa": "pygments: true\npaginate: 10\nmarkdown: rdiscount\n",            # no url: the site is spoqa.github.io
    "zum": 'baseurl: ""\nurl: "http://zuminternet.com" # the base hostname\npermalink: /:title/\n',  # served at zuminternet.github.io
}
LIVE = {"dable": "https://teamdable.github.io/techblog/", "hyperconnect": "https://hyperconnect.github.io/",
        "saramin": "https://saramin.github.io/", "socar": "https://tech.socarcorp.kr/", "spoqa": "https://spoqa.github.io/",
        "zum": "https://zuminternet.github.io/"}
BASE_BY_HAND = {"spoqa": "https://spoqa.github.io", "zum": "https://zuminternet.github.io"}


def shared_site(tmp_path: Path, blog: str) -> Path:
    if not (BLOGS / blog / "_posts").is_dir():
        pytest.skip(f"{BLOGS / blog} is missing")
    site = tmp_path / blog
    write(site / "_config.yml", REAL_CONFIGS[blog])
    (site / "_posts").symlink_to(BLOGS / blog / "_posts")
    return site


@pytest.mark.parametrize("blog, post_id, expected", [
    ("socar", "2020-02-14-car-damage-segmentation-model.md",                    # README: 01:00 +0900 -> the 13th
     "https://tech.socarcorp.kr/data/2020/02/13/car-damage-segmentation-model.html"),
    ("socar", "2024-01-09-sopia.md", "https://tech.socarcorp.kr/data/2024/01/08/sopia.html"),
    ("hyperconnect", "2018-04-17-hypercut.md", "https://hyperconnect.github.io/2018/04/30/hypercut.html"),
    ("dable", "2021-09-15-express-error-handling.md", "https://teamdable.github.io/techblog/express-error-handling"),
    ("saramin", "2021-04-09-intern_jklee.md", "https://saramin.github.io/2021-04-09-intern_jklee/"),
    ("zum", "front/2021-12-06-zum-portal-core-js.md", "https://zuminternet.github.io/zum-portal-core-js/"),
    ("spoqa", "2012-02-27-rest-introduction.md", "https://spoqa.github.io/2012/02/27/rest-introduction.html"),
])
def test_a_shared_blog_post_gets_its_live_url(tmp_path, blog, post_id, expected):
    site = shared_site(tmp_path, blog)
    assert urls(site / "_posts", base_url=BASE_BY_HAND.get(blog))[post_id] == expected


# Links between posts that do not lead to a post of the snapshot under that address: pages, and
# a post linked under a date other than its file's (the author's mistake, or the post was moved).
# A link without its trailing slash counts (GitHub Pages redirects `/a` to `/a/`).
NOT_POSTS = {"https://hyperconnect.github.io/Attentron/", "https://saramin.github.io/a11y/",
             "https://spoqa.github.io/2017/02/13/SHS-trivia.html", "https://spoqa.github.io/2018/04/18/review-wtmkorea"}


@pytest.mark.parametrize("blog", sorted(REAL_CONFIGS))
def test_links_the_authors_wrote_between_posts_are_the_posts_urls(tmp_path, blog):
    site = shared_site(tmp_path, blog)
    report = LoadReport()
    live = {unquote(url).rstrip("/") for url in urls(site, report=report, base_url=BASE_BY_HAND.get(blog)).values()}
    host = re.escape(LIVE[blog].split("://")[1])
    written = set()
    for path in (BLOGS / blog / "_posts").rglob("*.md"):
        for match in re.finditer(rf"https?://{host}[^\s)\"'<>\]#?]*", path.read_text("utf-8", "replace")):
            link = "https://" + match.group(0).split("://")[1].rstrip(".,")
            if not re.search(r"/(assets|img|images|jobs|spoqa-han-sans)/|\.(png|jpe?g|gif)$", link) \
                    and link != LIVE[blog] and link not in NOT_POSTS:
                written.add(link)
    assert written, "the blog links to some of its own posts"
    assert {link for link in written if unquote(link).rstrip("/") not in live} == set()
    assert not [w for w in report.warnings if "config" in w] or blog == "spoqa"


def test_spoqas_config_has_no_url_so_its_posts_need_the_base_url(tmp_path):
    site = shared_site(tmp_path, "spoqa")
    report = LoadReport()
    got = urls(site, report=report)
    assert set(got.values()) == {None}
    assert [w for w in report.warnings if "_config.yml" in w] == [
        f"{site / '_config.yml'}: no url, so posts get no live link (set it there, or give the blog's address with --base-url)"]


# ---- the CLI: --base-url on ingest, the JSON url field ------------------------------------
def test_cli_ingest_base_url_and_the_json_url_field(tmp_path, capsys):
    site = tmp_path / "site"
    write(site / "_config.yml", "url: https://old.example.kr\npermalink: /:categories/:title/\n")
    write(site / "_posts" / "2024-05-08-onboarding.md", post("온보딩 안내", category="team"))
    location = str(tmp_path / "idx")
    assert main(["ingest", str(site), "--index", location, "--base-url", "https://tech.example.kr/", "-q"]) == 0
    capsys.readouterr()
    assert main(["search", "온보딩", "--index", location, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [hit["url"] for hit in hits] == ["https://tech.example.kr/team/onboarding/"]
    # the index remembers the base URL with the source: a sync re-reads the folder the same way
    write(site / "_posts" / "2024-06-01-oncall.md", post("온콜 안내", category="team"))
    assert main(["sync", "--index", location, "--json", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 1
    assert sorted(p.url for p in Index(location).posts()) == ["https://tech.example.kr/team/onboarding/",
                                                              "https://tech.example.kr/team/oncall/"]


def test_cli_ingest_help_names_base_url(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    assert "the blog's live address; post URLs = this + the site's permalink" in " ".join(capsys.readouterr().out.split())


def test_cli_bad_base_url_is_a_usage_error(tmp_path, capsys):
    write(tmp_path / "blog" / "a.md", post("글"))
    assert main(["ingest", str(tmp_path / "blog"), "--index", str(tmp_path / "idx"), "--base-url", "tech.example.kr"]) == 2
    assert "base URL must look like https://" in capsys.readouterr().err


# ---- item 7: unsupported files, empty folders ----------------------------------------------
@pytest.mark.parametrize("name, data, kind", [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    ("REPORT.PDF", b"%PDF-1.4\n", "PDF"),
    ("report", b"%PDF-1.4\n1 0 obj\n", "PDF"),                 # no extension: told by its first bytes
    ("post.docx", b"PK\x03\x04" + bytes(40), "Word"),
    ("회의록.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), "HWP (한글)"),
])
def test_a_single_unsupported_file_is_named(tmp_path, name, data, kind):
    path = write(tmp_path / name, data)
    with pytest.raises(SourceError) as err:
        load(path)
    assert str(err.value) == (f"{path}: {kind} is not supported; export the posts as Markdown or HTML, "
                              "or give the blog's web address or feed")


def test_a_folder_of_documents_names_each_type(tmp_path):
    write(tmp_path / "a.pdf", b"%PDF-1.4\n")
    write(tmp_path / "2023" / "b.pdf", b"%PDF-1.4\n")
    write(tmp_path / "c.docx", b"PK\x03\x04")
    with pytest.raises(NoPostsError) as err:
        list(load(tmp_path))
    assert str(err.value) == (f"{tmp_path}: no posts to ingest (PDF and Word are not supported: found 2 PDF files, "
                              "1 Word file; export the posts as Markdown or HTML, or give the blog's web address or feed)")


def test_a_folder_of_other_files_says_what_it_found(tmp_path):
    write(tmp_path / "notes.txt", "메모")
    write(tmp_path / "logo.png", b"\x89PNG")
    write(tmp_path / "more.txt", "메모")
    with pytest.raises(NoPostsError, match=r"no posts to ingest \(no Markdown or HTML post files \(found 2 \.txt, 1 \.png\)\)"):
        list(load(tmp_path))


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "hidden" / ".DS_Store", b"\x00")
    for folder in (tmp_path / "empty", tmp_path / "hidden"):
        with pytest.raises(NoPostsError) as err:
            list(load(folder))
        assert str(err.value) == f"{folder}: no posts to ingest (the folder is empty)"


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "empty").mkdir(), "{d}/empty: no posts to ingest (the folder is empty)"),
    (lambda d: write(d / "empty" / "a.pdf", b"%PDF-1.4\n"),
     "{d}/empty: no posts to ingest (PDF is not supported: found 1 PDF file; export the posts as Markdown or HTML, "
     "or give the blog's web address or feed)"),
    (lambda d: write(d / "empty.pdf", b"%PDF-1.4\n"),
     "{d}/empty.pdf: PDF is not supported; export the posts as Markdown or HTML, or give the blog's web address or feed"),
])
def test_cli_exit_1_one_line_and_no_index_written(tmp_path, capsys, make, message):
    make(tmp_path)
    source = tmp_path / ("empty.pdf" if (tmp_path / "empty.pdf").exists() else "empty")
    location = tmp_path / "idx"
    assert main(["ingest", str(source), "--index", str(location), "-q"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == "blogqa: error: " + message.format(d=tmp_path) + "\n"
    assert not location.exists()


def test_cli_pdf_into_an_existing_index_leaves_it_untouched(tmp_path, capsys):
    location = str(tmp_path / "idx")
    write(tmp_path / "blog" / "2024-01-01-welcome.md", post("환영"))
    Index(location, create=True).ingest(str(tmp_path / "blog"), progress=False)
    pdf = write(tmp_path / "blog" / "slides.pdf", b"%PDF-1.4\n")
    assert main(["ingest", str(pdf), "--index", location, "--prune", "-q"]) == 1
    assert "PDF is not supported" in capsys.readouterr().err
    assert [p.title for p in Index(location).posts()] == ["환영"]

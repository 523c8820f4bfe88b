"""Platform rules (blogqa.crawl.platforms): detection, feed/sitemap candidates, post URL shapes,
body URLs and the post-body container — pure functions, no network."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogqa.crawl.platforms import detect

SITES = Path(__file__).parent / "fixtures" / "sites"


@pytest.mark.parametrize("url, name", [
    ("https://techlog.tistory.com/", "tistory"),
    ("https://techlog.tistory.com/entry/redis-cache-ttl", "tistory"),
    ("https://blog.naver.com/sunnydev", "naver"),
    ("https://m.blog.naver.com/sunnydev/223344556677", "naver"),
    ("https://blog.naver.com/PostView.naver?blogId=sunnydev&logNo=223344556677", "naver"),
    ("https://medium.com/haneul-tech", "medium"),
    ("https://haneul.medium.com/", "medium"),
    ("https://brunch.co.kr/@mintwriter", "brunch"),
    ("https://velog.io/@bori", "velog"),
    ("https://gaon.wordpress.com/", "wordpress"),
    ("https://haru.ghost.io/", "ghost"),
    ("https://tech.example.kr/", "static"),
    ("https://medium.company.kr/", "static"),       # a host that only looks like a platform
    ("https://notblog.naver.com.evil.example/", "static"),
])
def test_detect_by_host(url, name):
    assert detect(url).name == name


@pytest.mark.parametrize("html, name", [
    ('<meta name="generator" content="WordPress 6.4.3" />', "wordpress"),
    ("<meta content='WordPress.com' name='generator'>", "wordpress"),
    ('<meta name="generator" content="Ghost 5.79">', "ghost"),
    ('<meta name="generator" content="Hugo 0.123.7">', "hugo"),
    ('<meta name="generator" content="Jekyll v4.3.3" />', "jekyll"),
    ('<meta name="generator" content="Gatsby 5.13.3"/>', "gatsby"),
    ('<div id="___gatsby"></div>', "gatsby"),
    ('<body id="tt-body-page"><script>window.T.config = {}</script>', "tistory"),
    ('<meta data-rh="true" property="al:ios:app_name" content="Medium"/>', "medium"),
    ('<link rel="stylesheet" href="/wp-content/themes/x/style.css">', "wordpress"),
    ('<meta name="generator" content="Hexo 7">', "static"),
    # a feed given as the start URL says who wrote it
    ("<rss><channel><generator>Medium</generator></channel></rss>", "medium"),
    ("<rss><channel><generator>TISTORY</generator></channel></rss>", "tistory"),
    ("<rss><channel><generator>https://wordpress.org/?v=6.4.3</generator></channel></rss>", "wordpress"),
    ("<rss><channel><generator>Ghost 5.79</generator></channel></rss>", "ghost"),
    ("<rss><channel><generator>Hugo -- 0.123.7</generator></channel></rss>", "hugo"),
    ('<feed><generator uri="https://jekyllrb.com/" version="4.3.3">Jekyll</generator></feed>', "jekyll"),
    ("<rss><channel><generator><![CDATA[GatsbyJS]]></generator></channel></rss>", "gatsby"),
    ("<rss><channel><generator>https://github.com/jpmonette/feed</generator></channel></rss>", "static"),
    ("<p>WordPress, Ghost and Hugo are generators.</p>", "static"),  # words in the text do not count
])
def test_detect_by_markup_on_own_domain(html, name):
    assert detect("https://tech.example.kr/", f"<html><head>{html}</head><body></body></html>").name == name


def test_host_wins_over_markup():
    assert detect("https://techlog.tistory.com/", '<meta name="generator" content="WordPress 6">').name == "tistory"


def test_every_fixture_is_detected_from_its_start_page():
    """The home page a user would type, with its markup, names the right platform."""
    from urllib.parse import urlsplit

    for expected in sorted(SITES.glob("*/expected.json")):
        facts = json.loads(expected.read_text())
        start = urlsplit(facts["start_urls"][0])
        page = expected.parent / start.hostname / start.path.lstrip("/")
        page = page / "index.html" if page.is_dir() else page
        html = page.read_text() if page.is_file() else None   # velog.io/@bori is a redirect
        assert detect(facts["start_urls"][0], html).name == facts["platform"], expected


@pytest.mark.parametrize("start, feeds, sitemaps", [
    ("http://techlog.tistory.com/12", ["http://techlog.tistory.com/rss"], ["http://techlog.tistory.com/sitemap.xml"]),
    ("http://blog.naver.com/sunnydev/223344556677", ["http://rss.blog.naver.com/sunnydev.xml"], []),
    ("https://blog.naver.com/PostView.naver?blogId=sunnydev&logNo=1", ["https://rss.blog.naver.com/sunnydev.xml"], []),
    ("https://medium.com/haneul-tech", ["https://medium.com/feed/haneul-tech"], []),
    ("https://medium.com/haneul-tech/code-review-questions-9b8c7d6e5f4a", ["https://medium.com/feed/haneul-tech"], []),
    ("https://medium.com/@bori/a-story-0a1b2c3d4e5f", ["https://medium.com/feed/@bori"], []),
    ("https://medium.com/cafe1234", ["https://medium.com/feed/cafe1234"], []),
    ("https://medium.com/p/3f2a9c1b7e4d", [], []),
    ("https://haneul.medium.com/", ["https://haneul.medium.com/feed"], []),
    ("https://brunch.co.kr/@@aB3k/3", ["https://brunch.co.kr/rss/@@aB3k"], []),
    ("https://brunch.co.kr/@mintwriter", [], []),   # the author page advertises its feed
    ("https://velog.io/@bori/typescript-satisfies", ["https://v2.velog.io/rss/bori"], []),
])
def test_hosted_platform_feeds_and_sitemaps(start, feeds, sitemaps):
    platform = detect(start)
    assert platform.feed_urls(start) == feeds
    assert platform.sitemap_urls(start) == sitemaps


@pytest.mark.parametrize("html, feeds, sitemaps", [
    ('<meta name="generator" content="WordPress 6.4.3" />', ["/feed/"], ["/wp-sitemap.xml", "/sitemap_index.xml"]),
    ('<meta name="generator" content="Ghost 5.79">', ["/rss/"], ["/sitemap-posts.xml", "/sitemap.xml"]),
    ('<meta name="generator" content="Hugo 0.123.7">', ["/index.xml"], ["/sitemap.xml"]),
    ('<meta name="generator" content="Jekyll v4.3.3" />', ["/feed.xml", "/atom.xml"], ["/sitemap.xml"]),
    ('<meta name="generator" content="Gatsby 5.13.3"/>', ["/rss.xml"],
     ["/sitemap-index.xml", "/sitemap/sitemap-index.xml", "/sitemap.xml"]),
])
def test_engine_feeds_and_sitemaps_keep_the_start_origin(html, feeds, sitemaps):
    platform = detect("http://tech.example.kr:8080/2024/01/02/post/", html)
    assert platform.feed_urls("http://tech.example.kr:8080/2024/01/02/post/") == ["http://tech.example.kr:8080" + p for p in feeds]
    assert platform.sitemap_urls("http://tech.example.kr:8080/") == ["http://tech.example.kr:8080" + p for p in sitemaps]


IS_POST = {
    "https://techlog.tistory.com/": [
        ("https://techlog.tistory.com/entry/redis-cache-ttl", True),
        ("https://techlog.tistory.com/12", True),
        ("https://techlog.tistory.com/12?category=1123581", True),
        ("https://techlog.tistory.com/m/15", True),
        ("https://techlog.tistory.com/m/entry/redis-cache-ttl", True),
        ("https://techlog.tistory.com/", False),
        ("https://techlog.tistory.com/category/backend", False),
        ("https://techlog.tistory.com/category", False),
        ("https://techlog.tistory.com/tag/redis", False),
        ("https://techlog.tistory.com/guestbook", False),
        ("https://techlog.tistory.com/notice/3", False),
        ("https://techlog.tistory.com/archive/202403", False),
        ("https://techlog.tistory.com/rss", False),
        ("https://techlog.tistory.com/entry/a/b", False),
        ("https://techlog.tistory.com/12/attachment", False),
        ("https://techlog.tistory.com/something-else", None),
    ],
    "https://blog.naver.com/sunnydev": [
        ("https://blog.naver.com/sunnydev/223344556677", True),
        ("https://blog.naver.com/sunnydev/223344556677?fromRss=true&trackingCode=rss", True),
        ("https://m.blog.naver.com/sunnydev/223344556677", True),
        ("https://blog.naver.com/PostView.naver?blogId=sunnydev&logNo=223344556677&redirect=Dlog", True),
        ("https://blog.naver.com/PostView.nhn?blogId=sunnydev&logNo=223344556677", True),
        ("https://blog.naver.com/sunnydev?Redirect=Log&logNo=223344556677", True),
        ("https://blog.naver.com/sunnydev", False),
        ("https://blog.naver.com/PostList.naver?blogId=sunnydev&categoryNo=7", False),
        ("https://rss.blog.naver.com/sunnydev.xml", False),
    ],
    "https://medium.com/haneul-tech": [
        ("https://medium.com/haneul-tech/search-autocomplete-latency-3f2a9c1b7e4d", True),
        ("https://medium.com/haneul-tech/search-autocomplete-latency-3f2a9c1b7e4d?source=rss----7e1c4a5b2d9f---4", True),
        ("https://medium.com/p/3f2a9c1b7e4d", True),
        ("https://medium.com/@bori/a-story-0a1b2c3d4e5f", True),
        ("https://medium.com/haneul-tech", False),
        ("https://medium.com/cafe1234", False),            # a publication whose name looks like an id
        ("https://haneul.medium.com/a-story-0a1b2c3d4e5f", True),
        ("https://haneul.medium.com/about", False),
        ("https://medium.com/@bori", False),
        ("https://medium.com/haneul-tech/tagged/search", False),
        ("https://medium.com/haneul-tech/archive", False),
        ("https://medium.com/tag/search", False),
        ("https://medium.com/haneul-tech/about", False),
    ],
    "https://brunch.co.kr/@mintwriter": [
        ("https://brunch.co.kr/@mintwriter/3", True),
        ("https://brunch.co.kr/@@aB3k/3", True),
        ("https://brunch.co.kr/@mintwriter", False),
        ("https://brunch.co.kr/brunchbook/mint-leader", False),
        ("https://brunch.co.kr/keyword/리더십", False),
        ("https://brunch.co.kr/@mintwriter/about", False),
    ],
    "https://velog.io/@bori": [
        ("https://velog.io/@bori/react-query-stale-time", True),
        ("https://velog.io/@bori/%ED%95%9C%EA%B8%80-%EC%A0%9C%EB%AA%A9", True),
        ("https://velog.io/@bori", False),
        ("https://velog.io/@bori/posts", False),
        ("https://velog.io/@bori/series", False),
        ("https://velog.io/@bori/series/frontend-notes", False),
        ("https://velog.io/tags/react", False),
        ("https://v2.velog.io/rss/bori", False),
    ],
}


@pytest.mark.parametrize("start, url, verdict", [(s, u, v) for s, rows in IS_POST.items() for u, v in rows])
def test_hosted_platform_post_urls(start, url, verdict):
    assert detect(start).is_post_url(url) is verdict


ENGINE_POSTS = {
    "WordPress 6.4.3": [
        ("/2024/03/05/log-sampling/", True), ("/2024/03/log-sampling/", True), ("/?p=214", True),
        ("/", False), ("/category/dev/", False), ("/tag/batch/", False), ("/author/gaon-dev/", False),
        ("/page/2/", False), ("/feed/", False), ("/2024/03/05/log-sampling/feed/", False),
        ("/wp-json/wp/v2/posts", False), ("/wp-sitemap-posts-post-1.xml", False), ("/about/", None),
    ],
    "Ghost 5.79": [
        ("/kotlin-coroutine-timeout/", None), ("/", False), ("/tag/kotlin/", False), ("/author/jimin/", False),
        ("/page/2/", False), ("/rss/", False), ("/ghost/", False), ("/p/0a1b2c3d/", False),
    ],
    "Hugo 0.123.7": [
        ("/posts/go-context-cancel/", True), ("/post/x/", True), ("/posts/", False), ("/tags/go/", False),
        ("/categories/", False), ("/posts/page/2/", False), ("/series/a/", False), ("/about/", None),
    ],
    "Jekyll v4.3.3": [
        ("/2024/03/01/github-actions-cache.html", True), ("/2024/03/01/github-actions-cache/", True),
        ("/", False), ("/tags/ci/", False), ("/page2/", False), ("/about/", None),
    ],
    "Gatsby 5.13.3": [("/web-vitals-lcp/", None), ("/", False), ("/tags/performance/", False), ("/page/2", False)],
}


@pytest.mark.parametrize("generator, path, verdict", [(g, p, v) for g, rows in ENGINE_POSTS.items() for p, v in rows])
def test_engine_post_urls(generator, path, verdict):
    platform = detect("https://tech.example.kr/", f'<meta name="generator" content="{generator}">')
    assert platform.is_post_url("https://tech.example.kr" + path) is verdict


@pytest.mark.parametrize("post_url, body_url", [
    ("http://blog.naver.com/sunnydev/223344556677", "http://m.blog.naver.com/sunnydev/223344556677"),
    ("https://blog.naver.com/sunnydev/223344556677?fromRss=true&trackingCode=rss", "https://m.blog.naver.com/sunnydev/223344556677"),
    ("https://blog.naver.com/PostView.naver?blogId=sunnydev&logNo=223344556677", "https://m.blog.naver.com/sunnydev/223344556677"),
    ("https://m.blog.naver.com/sunnydev/223344556677", "https://m.blog.naver.com/sunnydev/223344556677"),
    ("https://blog.naver.com/sunnydev?Redirect=Log&logNo=223344556677", "https://m.blog.naver.com/sunnydev/223344556677"),
    ("https://blog.naver.com/sunnydev", "https://blog.naver.com/sunnydev"),   # not a post: unchanged
])
def test_naver_body_url_is_the_mobile_page(post_url, body_url):
    assert detect(post_url).body_url(post_url) == body_url


def test_medium_body_url_drops_the_tracking_query():
    url = "https://medium.com/haneul-tech/x-3f2a9c1b7e4d?source=rss----7e1c4a5b2d9f---4"
    assert detect(url).body_url(url) == "https://medium.com/haneul-tech/x-3f2a9c1b7e4d"
    assert detect(url).body_url(url + "&sk=abc") == "https://medium.com/haneul-tech/x-3f2a9c1b7e4d?sk=abc"


@pytest.mark.parametrize("url", [
    "https://techlog.tistory.com/12", "https://medium.com/haneul-tech/x-3f2a9c1b7e4d", "https://brunch.co.kr/@m/3",
    "https://velog.io/@bori/x", "https://tech.example.kr/2024/01/02/x/",
])
def test_body_url_is_the_post_url_elsewhere(url):
    assert detect(url).body_url(url) == url


def test_extra_hosts_name_the_feed_and_body_hosts():
    assert set(detect("https://blog.naver.com/a").extra_hosts) >= {"rss.blog.naver.com", "m.blog.naver.com"}
    assert detect("https://velog.io/@a").extra_hosts == ("velog.io", "v2.velog.io")
    assert detect("https://techlog.tistory.com/").extra_hosts == ()


@pytest.mark.parametrize("fixture, kept, dropped", [
    ("tistory/techlog.tistory.com/12", "힙 크기를 컨테이너 한도의 70퍼센트 정도로",
     ["좋은 정보 감사합니다", "카테고리의 다른 글", "Recent Comments", "Blog is powered by"]),
    ("naver/m.blog.naver.com/sunnydev/223344556677", "다음 주에는 영수증 사진에서",   # the third paragraph
     ["이웃추가", "해피빈", "URL복사", "주말에 만든 가계부 앱 회고"]),
    ("naver/blog.naver.com/PostView.naver?blogId=sunnydev&logNo=223344556688", "명령 두 줄이면 같은 환경을 다시 만들 수 있다",
     ["이웃커넥트", "저작권은 글쓴이에게", "댓글 쓰기", "파이썬 가상환경을 프로젝트마다 나누는 이유"]),
    ("medium/medium.com/haneul-tech/search-autocomplete-latency-3f2a9c1b7e4d", "인기 검색어 상위 20만 개만 트라이 구조로",
     ["Recommended from Medium", "More from", "Responses (4)"]),
    ("brunch/brunch.co.kr/@mintwriter/5", "설정 변경에도 코드 리뷰를 거치게 하는",
     ["다음 편도 기다릴게요", "구독자 1,024", "Kakao Corp."]),
    ("velog/velog.io/@bori/react-query-stale-time", "gcTime은 보관 기간",
     ["정리 감사합니다", "관심 있을 만한 포스트", "보리의 공부 기록장"]),
    ("wordpress/blog.gaon.example/2024/02/14/batch-job-retry/index.html", "2초, 4초, 8초 간격으로 세 번까지",
     ["공유해 주셔서 감사해요", "Proudly powered by", "뉴스레터"]),
    ("ghost/engineering.haru.example/kotlin-coroutine-timeout/index.html", "withTimeoutOrNull을 쓰고",
     ["테스트 코드가 훨씬 짧아졌어요", "추천 읽을거리", "Powered by Ghost"]),
    ("hugo/dev.byeol.example/posts/go-context-cancel/index.html", "ctx.Done() 채널을 함께 기다린다",
     ["Powered by", "X에 공유하기", "다음 페이지"]),
    ("jekyll/team-alpha.github.io/2024/02/10/markdown-lint.html", "자주 틀리는 것부터 하나씩 켜는 편이",
     ["alpha@example.com", "Disqus"]),
    ("gatsby/tech.nuri.example/web-vitals-lcp/index.html", "배너에만 fetchpriority를 high로",
     ["Built with", "팔로우하기", "디자인 토큰을 코드와 맞추는 방법"]),
])
def test_main_html_is_the_post_body_container(fixture, kept, dropped):
    html = (SITES / fixture).read_text()
    platform = detect("http://" + fixture.split("/", 2)[1] + "/", html)
    body = platform.main_html(html)
    assert body is not None and body.startswith("<html><head></head><body><article>")
    assert kept in body
    for phrase in dropped:
        assert phrase in html and phrase not in body, phrase


def test_main_html_none_without_a_container():
    assert detect("https://techlog.tistory.com/").main_html("<html><body><p>목록</p></body></html>") is None
    assert detect("https://tech.example.kr/").main_html("<html><body><p>글</p></body></html>") is None   # static
    assert detect("https://techlog.tistory.com/").main_html("") is None


@pytest.mark.parametrize("fixture, verdict", [
    ("tistory/techlog.tistory.com/12", True),
    ("tistory/techlog.tistory.com/category/backend", False),
    ("tistory/techlog.tistory.com/index.html", False),
    ("tistory/techlog.tistory.com/guestbook", False),
    ("wordpress/blog.gaon.example/2024/03/05/log-sampling/index.html", True),
    ("wordpress/blog.gaon.example/about/index.html", False),
    ("wordpress/blog.gaon.example/category/dev/index.html", False),
    ("wordpress/blog.gaon.example/index.html", False),
    ("ghost/engineering.haru.example/feature-flag-cleanup/index.html", True),
    ("ghost/engineering.haru.example/about/index.html", False),
    ("ghost/engineering.haru.example/tag/kotlin/index.html", False),
    ("ghost/engineering.haru.example/index.html", False),
    ("hugo/dev.byeol.example/posts/go-context-cancel/index.html", None),
])
def test_is_post_page_reads_the_template(fixture, verdict):
    html = (SITES / fixture).read_text()
    assert detect("http://" + fixture.split("/", 2)[1] + "/", html).is_post_page(html) is verdict


def test_wordpress_rest_listing():
    platform = detect("http://blog.saebom.example/", '<meta name="generator" content="WordPress 5.4.2" />')
    first = platform.api_urls("http://blog.saebom.example/2024/02/14/batch-job-retry/")
    assert first == ["http://blog.saebom.example/wp-json/wp/v2/posts?per_page=100&page=1"]
    site = SITES / "wordpress-rest" / "blog.saebom.example" / "wp-json" / "wp" / "v2"
    text = (site / "posts?per_page=100&page=1").read_text()
    headers = json.loads((site / "posts?per_page=100&page=1.headers.json").read_text())
    listing = platform.read_api(first[0], text, headers)
    assert listing.posts == [
        ("http://blog.saebom.example/2024/03/05/log-sampling/", "2024-03-06T00:12:00Z"),
        ("http://blog.saebom.example/2024/02/14/batch-job-retry/", "2024-02-14T01:30:00Z"),
        ("http://blog.saebom.example/2024/01/20/onboarding-checklist/", "2024-01-22T02:00:00Z"),
    ]
    assert listing.next_url is None   # X-WP-TotalPages: 1
    paged = platform.read_api("http://b.kr/wp-json/wp/v2/posts?per_page=100&page=2", text, {"x-wp-totalpages": "3"})
    assert paged.next_url == "http://b.kr/wp-json/wp/v2/posts?per_page=100&page=3"


@pytest.mark.parametrize("text", ['{"code":"rest_no_route","message":"No route","data":{"status":404}}',
                                  "<html>blocked</html>", ""])
def test_wordpress_rest_closed_or_not_json(text):
    platform = detect("https://gaon.wordpress.com/")
    assert platform.read_api("https://gaon.wordpress.com/wp-json/wp/v2/posts?per_page=100&page=1", text, {}) is None


def test_only_wordpress_has_an_api():
    assert detect("https://techlog.tistory.com/").api_urls("https://techlog.tistory.com/") == []
    assert detect("https://techlog.tistory.com/").read_api("https://techlog.tistory.com/x", "[]", {}) is None

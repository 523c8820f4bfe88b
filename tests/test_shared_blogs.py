"""End to end on the two real blogs in ../shared/data/blogs: ingest without crashing, then find
known posts from paraphrased Korean questions (written for these tests, not copied from titles)."""
import json

import pytest

from conftest import REPO

PARAPHRASES = {
    "spoqa": [
        ("파이썬 프로젝트 의존성을 관리하는 새 도구를 써 본 경험이 궁금해요", "_posts/2019-08-09-brand-new-python-dependency-manager-poetry.md"),
        ("디자이너들이 섬에 내려가서 원격으로 일해 본 이야기", "_posts/2019-01-04-jeju-remote.md"),
        ("DB 연결을 재사용하는 풀이 SQLAlchemy에서 어떻게 동작하나요?", "_posts/2018-01-17-connection-pool-of-sqlalchemy.md"),
        ("웹 폰트로 한글 글꼴을 쓰는 방법", "_posts/2017-02-15-using-shs-as-webfonts.md"),
        ("신입 사원이 회사에 적응하는 프로그램 후기", "_posts/2019-10-22-bootcamp-review.md"),
    ],
    "hyperconnect": [
        ("안드로이드 앱 안의 로컬 DB를 암호화하려면 어떻게 해야 하나요?", "_posts/2018-06-13-android-secure-db-howto.md"),
        ("여러 서버가 동시에 같은 자원을 건드리지 못하게 레디스로 잠그는 방법", "_posts/2019-11-15-redis-distributed-lock-1.md"),
        ("쿠버네티스 클러스터를 일주일도 안 걸려 옮긴 경험", "_posts/2020-11-02-cluster-migration-in-5-days.md"),
        ("사용자가 서비스를 떠나는 시점을 통계적으로 분석하는 방법 첫 편", "_posts/2019-07-16-survival-analysis-part1.md"),
        ("브라우저 자동화 도구로 종단 간 테스트를 짜는 방법", "_posts/2022-01-28-e2e-test-with-playwright.md"),
    ],
}
COUNTS = {"spoqa": 109, "hyperconnect": 113}


@pytest.fixture(scope="module", params=["spoqa", "hyperconnect"])
def blog(request):
    return request.param, request.getfixturevalue(f"{request.param}_index")


def test_whole_blog_ingests_with_dates_and_no_markup_left(blog):
    name, (idx, report) = blog
    assert report.posts == COUNTS[name] and report.skipped == 0
    stats = idx.stats()
    assert stats["posts"] == COUNTS[name] and stats["undated_posts"] == 0
    assert stats["chunks"] >= stats["posts"]
    for post in idx.posts():
        assert post.title and post.date is not None
        assert "{{" not in post.body and "{%" not in post.body
        assert post.source_path.startswith("_posts/")


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_paraphrased_questions_find_the_post(blog, mode):
    name, (idx, _) = blog
    found = 0
    for question, gold in PARAPHRASES[name]:
        hits = idx.search(question, k=5, mode=mode).hits
        found += gold in [h.post.source_path for h in hits]
    # measured: hybrid finds 4-5 of 5 per blog (one spoqa question sits at rank ~15 after per-post fusion)
    floor = {"hybrid": 4, "bm25": 3, "dense": 3}[mode]
    assert found >= floor, f"{mode}: {found}/5 found"


def test_hand_written_question_set_recall(blog):
    """The larger hand-written set in bench/data: hybrid must find most answerable questions in the top 5."""
    name, (idx, _) = blog
    records = [json.loads(line) for line in (REPO / "bench" / "data" / f"{name}_qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [r for r in records if r["gold"]]
    hits = sum(bool(set(r["gold"]) & {h.post.source_path for h in idx.search(r["question"], k=5).hits})
               for r in answerable)
    assert hits / len(answerable) >= 0.8, f"R@5 = {hits / len(answerable):.3f}"


def test_answers_cite_the_post_they_come_from(blog):
    name, (idx, _) = blog
    question, gold = PARAPHRASES[name][0]
    answer = idx.ask(question)
    assert not answer.abstained
    assert gold in [s.source_path for s in answer.sources]
    assert "[1]" in answer.text

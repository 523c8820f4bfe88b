"""The `Index` facade: posts from memory (`add_posts`), `get_post`, `refresh`, settings that never change
in place (`with_settings`), and `temporal=False` through `Index.search`. A real SQLite-file index."""
from __future__ import annotations

import datetime as dt

import pytest

from blogqa.api import Index
from blogqa.config import Settings
from blogqa.models import Post

SOURCE = "memory://facade"
NEW_INCIDENT = Post("incident-2023", "결제 장애 회고", "2023년 5월 결제 서버가 멈춘 장애를 돌아봅니다. 원인은 커넥션 풀 고갈이었습니다.",
                    date=dt.date(2023, 5, 2))
OLD_INCIDENT = Post("incident-2021", "결제 장애 대응 기록", "결제 장애가 났을 때 결제 장애 알림과 결제 장애 대응 순서를 정리했습니다.",
                    date=dt.date(2021, 3, 4))
ONBOARDING = Post("onboarding", "신입 온보딩 안내", "첫 주에는 개발 환경을 만들고 코드 리뷰 규칙을 배웁니다.",
                  date=dt.date(2022, 9, 1))
POSTS = [NEW_INCIDENT, OLD_INCIDENT, ONBOARDING]


@pytest.fixture(scope="module")
def location(tmp_path_factory):
    where = tmp_path_factory.mktemp("facade") / "idx"
    idx = Index(str(where), create=True)
    report = idx.add_posts(POSTS, SOURCE, progress=False)
    assert (report.source, report.added, report.unchanged) == (SOURCE, 3, 0)
    idx.close()
    return str(where)


@pytest.fixture
def idx(location):
    index = Index(location)
    yield index
    index.close()


def test_add_posts_again_changes_nothing_and_get_post_reads_them(idx):
    again = idx.add_posts(POSTS, SOURCE, progress=False)
    assert (again.added, again.updated, again.unchanged, again.deleted) == (0, 0, 3, 0)
    post = idx.get_post("incident-2023")
    assert (post.title, post.date) == ("결제 장애 회고", dt.date(2023, 5, 2)) and "커넥션 풀" in post.body
    assert idx.get_post("no-such-post") is None
    assert idx.sources() == []  # posts from memory leave nothing for sync() to revisit


def test_refresh_sees_another_index_objects_write(tmp_path):
    where = str(tmp_path / "idx")
    writer = Index(where, create=True)
    writer.add_posts([ONBOARDING], SOURCE, progress=False)
    reader = Index(where)
    assert reader.refresh() is False and reader.get_post("incident-2023") is None
    writer.add_posts([ONBOARDING, NEW_INCIDENT], SOURCE, progress=False)
    assert reader.refresh() is True and reader.get_post("incident-2023").title == "결제 장애 회고"
    assert reader.refresh() is False
    pruned = writer.add_posts([NEW_INCIDENT], SOURCE, prune=True, progress=False)
    assert pruned.deleted == 1 and reader.refresh() and reader.get_post("onboarding") is None
    reader.close()
    writer.close()


def test_settings_never_change_in_place(idx):
    with pytest.raises(AttributeError):
        idx.settings = Settings(k=1)
    one = idx.with_settings(Settings(k=1))
    assert idx.settings.k == 5 and one.settings.k == 1 and one.location == idx.location
    assert len(one.search("결제 장애", mode="bm25").hits) == 1
    assert len(idx.search("결제 장애", mode="bm25").hits) == 2


def test_temporal_false_reads_dates_as_plain_words(idx):
    question = "2023년에 쓴 결제 장애 글"
    timed = idx.search(question, mode="bm25", today=dt.date(2024, 1, 10))
    assert timed.intent is not None and [h.post.id for h in timed.hits] == ["incident-2023"]
    plain = idx.search(question, mode="bm25", today=dt.date(2024, 1, 10), temporal=False)
    assert plain.intent is None
    assert {h.post.id for h in plain.hits} == {"incident-2023", "incident-2021"}

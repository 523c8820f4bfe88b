"""A small index and a generated events log with known counts, for the insights tests.

The log is written through the real EventStore (SQLite in a temp folder) with its clock set per
event, so every row has a chosen `at`. The expected numbers in test_insights_counts.py are
counted by hand from the table in `write_log`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from index_util import make_index

POSTS = {
    "2020-01-10-refund-policy.md": """---
title: 환불 정책 안내
date: 2020-01-10
---
결제 후 7일 안에 요청하면 전액 환불합니다. 환불은 영업일 기준 3일 안에 처리됩니다.
""",
    "2026-10-01-deploy.md": """---
title: 배포 자동화 이야기
date: 2026-10-01
---
GitHub Actions로 배포를 자동화해서 배포 시간이 40분에서 8분으로 줄었습니다.
""",
    "2026-11-01-points.md": """---
title: 포인트 적립 안내
date: 2026-11-01
---
포인트는 결제 금액의 1퍼센트가 적립되며 1년 동안 쓸 수 있습니다.
""",
}
WINDOW = (dt.date(2026, 11, 2), dt.date(2026, 11, 15))  # Monday .. Sunday two weeks later
PARKING = ["회사 주차장은 몇 층에 있나요?", "회사 주차장 몇 층이야?", "주차장이 몇 층에 있는지 알려주세요"]


def build_index(root: Path) -> Path:
    blog = root / "blog" / "_posts"
    blog.mkdir(parents=True)
    for name, text in POSTS.items():
        (blog / name).write_text(text, encoding="utf-8")
    location = root / "idx"
    make_index(location, root / "blog")[0].close()
    return location


def post_ids(index: Path) -> dict[str, str]:
    """short name (refund, deploy, points) -> post id."""
    from blogqa.api import Index

    idx = Index(str(index))
    try:
        by_title = {p.title: p.id for p in idx.posts()}
    finally:
        idx.close()
    return {"refund": by_title["환불 정책 안내"], "deploy": by_title["배포 자동화 이야기"],
            "points": by_title["포인트 적립 안내"]}


class Clock:
    """Stands in for blogqa.events.store.now: each event is written at the moment set last."""

    def __init__(self):
        self.moment = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.moment

    def at(self, day: int, hour: int = 10, minute: int = 0, month: int = 11) -> None:
        self.moment = dt.datetime(2026, month, day, hour, minute, tzinfo=dt.timezone.utc)


def write_log(store, clock: Clock, ids: dict[str, str]) -> None:
    """13 questions in the window (latencies 10, 20, ... 130 ms), 4 feedback rows, 2 hand-overs,
    and one question on each side of the window.

    | q  | day   | origin | conversation | outcome                  | feedback / hand-over      |
    | 1  | 11-02 | widget | c1           | answered (deploy)        | helpful                   |
    | 2  | 11-02 | widget | c1           | abstained (parking)      |                           |
    | 3  | 11-03 | widget | c2           | answered (refund)        | not helpful, outdated     |
    | 4  | 11-04 | widget | -            | answered (points)        |                           |
    | 5  | 11-04 | widget | -            | abstained (parking)      |                           |
    | 6  | 11-05 | search |              | hits (deploy)            |                           |
    | 7  | 11-05 | search |              | no hits                  |                           |
    | 8  | 11-06 | ask    |              | answered (refund)        | not helpful, wrong        |
    | 9  | 11-09 | widget | c3           | answered (deploy)        | hand-over asked_for_person |
    | 10 | 11-10 | widget | c4           | answered (points)        | helpful                   |
    | 11 | 11-11 | assist |              | answered (refund)        |                           |
    | 12 | 11-12 | openai |              | answered (deploy)        |                           |
    | 13 | 11-13 | openai |              | error (parking)          |                           |
    hand-over without an answer id on 11-14 (reason other)."""
    def ask(n, day, surface, question, sources=(), abstained=False, conversation=None, origin=None, error=None,
            kind="ask"):
        clock.at(day, minute=n)
        store.log_question(kind=kind, surface=surface, question=question, latency_ms=10.0 * n,
                           answer_id=None if kind == "search" else f"a{n}",
                           abstained=None if kind == "search" else abstained, sources=list(sources),
                           conversation_id=conversation, origin=origin, error=error)

    clock.at(1, 23, 59)
    store.log_question(kind="ask", surface="public", question="창 밖의 질문", latency_ms=999.0, answer_id="before")
    ask(1, 2, "public", "배포 시간은 얼마나 줄었나요?", [ids["deploy"]], conversation="c1")
    store.log_feedback("a1", True, None, "public")
    ask(2, 2, "public", PARKING[0], abstained=True, conversation="c1")
    ask(3, 3, "public", "환불은 며칠 안에 되나요?", [ids["refund"]], conversation="c2")
    store.log_feedback("a3", False, "예전 정책이에요", "public", reason="outdated")
    ask(4, 4, "public", "포인트는 얼마나 적립되나요?", [ids["points"]])
    ask(5, 4, "public", PARKING[1], abstained=True)
    ask(6, 5, "api", "배포 자동화", [ids["deploy"]], kind="search")
    ask(7, 5, "api", "구내식당 메뉴", kind="search")
    ask(8, 6, "api", "환불 신청 방법", [ids["refund"]])
    store.log_feedback("a8", False, None, "api", reason="wrong")
    ask(9, 9, "public", "배포는 누가 승인하나요?", [ids["deploy"]], conversation="c3")
    store.add_handover(contact="kim@example.com", question="배포는 누가 승인하나요?", surface="public",
                       answer_id="a9", reason="asked_for_person")
    ask(10, 10, "public", "포인트 유효 기간은?", [ids["points"]], conversation="c4")
    store.log_feedback("a10", True, None, "public")
    ask(11, 11, "assist", "환불 기간 문의", [ids["refund"]])
    ask(12, 12, "openai", "배포에 걸리는 시간", [ids["deploy"]])
    ask(13, 13, "openai", PARKING[2], error="LLMError")
    clock.at(14)
    store.add_handover(contact="010-1234-5678", question="사람과 통화하고 싶어요", surface="public", reason="other")
    clock.at(16, 0, 0)
    store.log_question(kind="ask", surface="public", question="창 뒤의 질문", latency_ms=999.0, answer_id="after")


def make_world(root: Path) -> dict:
    """The index, its post ids and the log of `write_log` at the default events path (beside the
    index folder), written with the store's clock set per event."""
    import blogqa.events.store as store_module
    from blogqa.events import open_events

    index = build_index(root)
    ids = post_ids(index)
    clock = Clock()
    real_now = store_module.now
    store_module.now = clock
    try:
        store = open_events(str(index), None)
        write_log(store, clock, ids)
        store.close()
    finally:
        store_module.now = real_now
    return {"index": index, "ids": ids, "events": index.parent / "events.sqlite"}

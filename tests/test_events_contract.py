"""The events store contract on both backends (SQLite, real PostgreSQL): what is written reads back
the same way, m002 keeps old rows and back-fills `origin`, purging and redaction."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from concurrency_util import at_once
from events_contract import OLD_ROWS, WIDE, Backend, write_m001_postgres, write_m001_sqlite
from pg import database_for_test

QUESTION_COLUMNS = {"id", "at", "kind", "surface", "answer_id", "question", "latency_ms", "abstained", "confidence",
                    "sources", "error", "conversation_id", "origin"}
FEEDBACK_COLUMNS = {"id", "at", "answer_id", "surface", "helpful", "comment", "reason"}
HANDOVER_COLUMNS = {"id", "at", "surface", "answer_id", "contact", "name", "question", "status", "webhook", "reason"}


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    if request.param == "sqlite":  # the default rule: events.sqlite beside the index folder
        b = Backend("sqlite", str(tmp_path / "idx"), None)
    else:  # a postgresql:// index and no --events: the index's own database
        b = Backend("postgres", database_for_test(), None)
    yield b
    b.close_all()


@pytest.fixture
def events(backend):
    return backend.open()


@pytest.fixture
def old_backend(backend):
    """`backend` holding a log in the m001 schema with rows in it (nothing opened yet)."""
    if backend.name == "sqlite":
        write_m001_sqlite(Path(backend.index_location).parent / "events.sqlite")
    else:
        write_m001_postgres(backend.index_location)
    return backend


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def write_sample(events) -> None:
    events.log_question(kind="ask", surface="public", question="환불은 며칠 걸리나요?", latency_ms=12.345,
                        answer_id="w1", abstained=False, confidence=0.75, sources=["post-a", "post-b"],
                        conversation_id="conv-1")
    events.log_question(kind="ask", surface="public", question="그럼 수수료는요?", latency_ms=8.0, answer_id="w2",
                        abstained=True, confidence=0.1, conversation_id="conv-1")
    events.log_question(kind="search", surface="api", question="배포 자동화", latency_ms=3.0, sources=["post-c"])
    events.log_question(kind="ask", surface="openai", question="q", latency_ms=1.0, answer_id="o1", abstained=False,
                        confidence=0.5, sources=[])
    events.log_question(kind="ask", surface="api", question="q", latency_ms=1.0, answer_id="a1", error="boom")
    events.log_feedback("w1", True, None, surface="public")
    events.log_feedback("w2", False, "틀렸어요", surface="public", reason="wrong")
    events.add_handover(contact="kim@example.com", question="사람과 얘기하고 싶어요", surface="public",
                        answer_id="w2", name="김", reason="asked_for_person")


def test_written_events_read_back_with_every_column(events):
    before = utcnow()
    write_sample(events)
    got = events.read(before - dt.timedelta(seconds=1), utcnow() + dt.timedelta(seconds=1))
    assert set(got) == {"questions", "feedback", "handovers"}
    qs, fb, ho = got["questions"], got["feedback"], got["handovers"]
    assert [len(qs), len(fb), len(ho)] == [5, 2, 1]
    assert all(set(q) == QUESTION_COLUMNS for q in qs)
    assert all(set(f) == FEEDBACK_COLUMNS for f in fb) and set(ho[0]) == HANDOVER_COLUMNS

    w1 = qs[0]
    assert w1["answer_id"] == "w1" and w1["kind"] == "ask" and w1["surface"] == "public"
    assert w1["origin"] == "widget" and w1["conversation_id"] == "conv-1"
    assert w1["abstained"] is False and w1["confidence"] == 0.75 and w1["latency_ms"] == 12.35
    assert w1["sources"] == ["post-a", "post-b"] and w1["question"] == "환불은 며칠 걸리나요?"
    assert qs[1]["abstained"] is True and qs[1]["sources"] == []
    assert [q["origin"] for q in qs] == ["widget", "widget", "search", "openai", "ask"]
    assert qs[2]["answer_id"] is None and qs[2]["abstained"] is None and qs[2]["conversation_id"] is None
    assert qs[4]["error"] == "boom" and qs[4]["abstained"] is None

    at = dt.datetime.fromisoformat(w1["at"])
    assert at.utcoffset() == dt.timedelta(0) and before - dt.timedelta(seconds=1) <= at <= utcnow()
    assert w1["at"].endswith("+00:00") and len(w1["at"]) == len("2026-12-01T09:30:00.000+00:00")

    assert [f["helpful"] for f in fb] == [True, False]
    assert fb[1]["reason"] == "wrong" and fb[1]["comment"] == "틀렸어요" and fb[0]["reason"] is None
    assert ho[0]["reason"] == "asked_for_person" and ho[0]["contact"] == "kim@example.com"
    assert ho[0]["status"] == "open" and ho[0]["webhook"] is None and ho[0]["name"] == "김"


def test_read_is_a_half_open_window_and_takes_naive_utc(events):
    events.log_question(kind="ask", surface="api", question="first", latency_ms=1, answer_id="x1")
    time.sleep(0.02)
    middle = utcnow()
    time.sleep(0.02)
    events.log_question(kind="ask", surface="api", question="second", latency_ms=1, answer_id="x2")
    late = utcnow() + dt.timedelta(seconds=1)
    assert [q["question"] for q in events.read(middle, late)["questions"]] == ["second"]
    assert [q["question"] for q in events.read(WIDE[0], middle)["questions"]] == ["first"]
    second_at = dt.datetime.fromisoformat(events.read(middle, late)["questions"][0]["at"])
    assert events.read(middle, second_at)["questions"] == []               # until is exclusive
    assert len(events.read(second_at, late)["questions"]) == 1             # since is inclusive
    naive = middle.replace(tzinfo=None)
    assert [q["question"] for q in events.read(naive, late.replace(tzinfo=None))["questions"]] == ["second"]
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert [q["question"] for q in events.read(middle.astimezone(seoul), late)["questions"]] == ["second"]
    assert events.read(late, late + dt.timedelta(days=1)) == {"questions": [], "feedback": [], "handovers": []}


def test_staff_views_status_and_webhook(events):
    write_sample(events)
    assert events.answer_surface("w1") == "public" and events.answer_surface("nope") is None
    [h] = events.handovers()
    assert events.set_status(h["id"], "closed") and not events.set_status(h["id"] + 1000, "closed")
    events.set_webhook_status(h["id"], "sent 200")
    assert events.handovers("open") == [] and events.handovers("closed")[0]["webhook"] == "sent 200"
    assert [q["answer_id"] for q in events.questions(limit=2)] == ["a1", "o1"]  # newest first
    assert [f["helpful"] for f in events.feedback("w2")] == [False] and len(events.feedback()) == 2


def test_questions_errors_and_comments_are_redacted_contacts_kept(events):
    events.log_question(kind="ask", surface="public", question="kim@example.com 이나 010-1234-5678 로 답 주세요",
                        latency_ms=1, answer_id="r1", error="failed for +1 415 555 0100")
    events.log_feedback("r1", False, "전화 02-123-4567 주세요, 주문 #12345 (2024-01-15)", surface="public",
                        reason="not_answered")
    events.add_handover(contact="010-9876-5432", question="연락 주세요", surface="public")
    got = events.read(*WIDE)
    assert got["questions"][0]["question"] == "[email] 이나 [phone] 로 답 주세요"
    assert got["questions"][0]["error"] == "failed for [phone]"
    assert got["feedback"][0]["comment"] == "전화 [phone] 주세요, 주문 #12345 (2024-01-15)"
    assert got["handovers"][0]["contact"] == "010-9876-5432"  # staff need it to reply


def test_purge_before_removes_older_rows_per_table(old_backend):
    events = old_backend.open()
    events.log_question(kind="ask", surface="public", question="new", latency_ms=1, answer_id="n1")
    removed = events.purge_before(dt.date(2026, 11, 3))  # the old rows are 2026-11-01 .. 11-06
    assert removed == {"questions": 2, "feedback": 1, "handovers": 1}
    left = events.read(*WIDE)
    assert [q["question"] for q in left["questions"]] == [f"old question {i}" for i in range(2, 6)] + ["new"]
    assert left["feedback"] == [] and left["handovers"] == []
    assert events.purge_before(dt.date(2026, 11, 3)) == {"questions": 0, "feedback": 0, "handovers": 0}


def test_m002_keeps_m001_rows_and_backfills_origin(old_backend):
    events = old_backend.open()
    got = events.read(*WIDE)
    qs = got["questions"]
    assert [(q["kind"], q["surface"], q["origin"]) for q in qs] == OLD_ROWS
    assert [q["question"] for q in qs] == [f"old question {i}" for i in range(len(OLD_ROWS))]
    assert [q["id"] for q in qs] == list(range(1, len(OLD_ROWS) + 1))
    assert all(q["conversation_id"] is None and q["sources"] == ["p1"] for q in qs)
    assert qs[0]["abstained"] is False and qs[1]["abstained"] is None and qs[3]["abstained"] is True
    assert qs[0]["at"] == "2026-11-01T10:00:00.000+00:00"
    assert got["feedback"][0]["comment"] == "old comment" and got["feedback"][0]["reason"] is None
    assert got["handovers"][0]["question"] == "old hand-over" and got["handovers"][0]["reason"] is None
    # new rows get the next ids and the new columns
    events.log_feedback("old0", False, None, surface="api", reason="outdated")
    assert events.feedback("old0")[-1]["reason"] == "outdated"
    assert schema_versions(old_backend, events) == [1, 2]
    again = old_backend.open()  # reopening migrates nothing twice
    assert schema_versions(old_backend, again) == [1, 2] and len(again.read(*WIDE)["questions"]) == len(OLD_ROWS)


def schema_versions(backend, events) -> list[int]:
    if backend.name == "sqlite":
        return list(range(1, events._select("PRAGMA user_version")[0]["user_version"] + 1))
    return [r["version"] for r in events._select("SELECT version FROM blogqa_events_migrations ORDER BY version")]


def test_workers_opening_a_new_log_at_once_migrate_once(backend):
    opened, errors = at_once(backend.open)
    assert errors == [] and len(opened) == 4
    for i, store in enumerate(opened):
        store.log_question(kind="ask", surface="api", question=f"q{i}", latency_ms=1, answer_id=f"c{i}")
    assert schema_versions(backend, opened[0]) == [1, 2]
    assert sorted(q["question"] for q in opened[0].read(*WIDE)["questions"]) == ["q0", "q1", "q2", "q3"]


def test_the_default_backend_follows_the_index(backend, tmp_path):
    from blogqa.events.postgres import PostgresEventStore
    from blogqa.events.sqlite import SqliteEventStore

    store = backend.open()
    if backend.name == "sqlite":
        assert isinstance(store, SqliteEventStore) and store.path == tmp_path / "events.sqlite"
    else:
        assert isinstance(store, PostgresEventStore) and not (tmp_path / "events.sqlite").exists()


def test_a_configured_path_wins_over_the_default(tmp_path):
    from blogqa.events import open_events

    store = open_events("postgresql://nobody@127.0.0.1:1/none", str(tmp_path / "here.sqlite"))
    try:
        store.log_question(kind="ask", surface="api", question="q", latency_ms=1, answer_id="p1")
        assert (tmp_path / "here.sqlite").exists() and store.answer_surface("p1") == "api"
    finally:
        store.close()


def test_an_unreachable_postgres_events_database_is_one_clear_error():
    from blogqa.errors import UsageError
    from blogqa.events import open_events

    with pytest.raises(UsageError, match=r"^postgresql://nobody:\*\*\*@127.0.0.1:1/none\?connect_timeout=2: "
                                         r"cannot open the events database \(.*refused.*\); pass --events PATH$") as err:
        open_events("./idx", "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(err.value) and "\n" not in str(err.value)


def test_four_workers_creating_new_sqlite_logs_at_once_never_see_a_locked_database(tmp_path):
    """Switching a new file to WAL while another connection opens it used to fail at once with
    "database is locked" (about 4 rounds in 100 here); each round is a new file."""
    from blogqa.events.sqlite import MIGRATIONS, SqliteEventStore

    for n in range(25):
        opened, errors = at_once(lambda path=tmp_path / f"events-{n}.sqlite": SqliteEventStore(path))
        assert errors == [] and len(opened) == 4
        assert {store._select("PRAGMA user_version")[0]["user_version"] for store in opened} == {len(MIGRATIONS)}

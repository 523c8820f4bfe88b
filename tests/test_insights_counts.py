"""Insights over a generated events log with known counts (tests/insights_util.py: the table of
13 questions), checked against numbers counted by hand; the CLI's --json shape, CSV/Parquet
exports and --purge-before through a real `blogqa insights` process."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from insights_util import PARKING, WINDOW, make_world

from blogqa.insights import EventLog, Window
from blogqa.insights import counts
from blogqa.insights.deflection import deflection


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("insights"))


@pytest.fixture
def log(world):
    from blogqa.events import open_events

    store = open_events(str(world["index"]), None)
    yield EventLog.read(store, Window(*WINDOW))
    store.close()


def test_the_window_keeps_exactly_its_days(log):
    assert len(log.questions) == 13 and len(log.feedback) == 4 and len(log.handovers) == 2
    assert all(q["question"] not in ("창 밖의 질문", "창 뒤의 질문") for q in log.questions)


def test_surfaces_outcomes_feedback_latency(log):
    assert counts.by_surface(log.questions) == {"search": 2, "ask": 1, "assist": 1, "widget": 7, "openai": 2}
    assert counts.outcomes(log) == {"answered": 8, "abstained": 4, "handed_over": 1}
    assert counts.feedback(log.feedback) == {"helpful": 2, "not_helpful": 2, "no_reason": 0,
                                             "reasons": {"wrong": 1, "outdated": 1, "incomplete": 0,
                                                         "not_answered": 0}}
    assert counts.handovers(log) == {"total": 2, "linked": 1, "no_reason": 0,
                                     "reasons": {"asked_for_person": 1, "no_answer": 0, "wrong_answer": 0, "other": 1}}
    # latencies 10..130 ms: the median is the 7th (70); p95 sits at rank 0.95 * 12 = 11.4 -> 120 + 0.4 * 10
    assert counts.latency(log.questions) == {"p50": 70.0, "p95": 124.0}


def test_latency_percentiles_interpolate():
    assert counts.latency([{"latency_ms": v} for v in (10, 20, 30, 40)]) == {"p50": 25.0, "p95": 38.5}
    assert counts.latency([]) == {"p50": None, "p95": None}


def test_deflection_both_ways(log):
    """Conversations c1, c2, (q4), (q5), c3, c4. Resolved: c1 (an answer; its abstained second
    question does not undo it), q4, c4. c2 has a not-helpful answer, q5 no answer, c3 a hand-over.
    Confirmed by helpful feedback: c1, c4."""
    d = deflection(log)
    assert (d["conversations"], d["resolved"], d["confirmed"]) == (6, 3, 2)
    assert d["rate"] == 0.5 and d["strict_rate"] == round(2 / 6, 4)
    assert "conversation_id" in d["method"] and "helpful" in d["method"]
    assert [(w["start"], w["conversations"], w["resolved"], w["confirmed"], w["rate"], w["strict_rate"])
            for w in d["weekly"]] == [("2026-11-02", 4, 2, 1, 0.5, 0.25), ("2026-11-09", 2, 1, 1, 0.5, 0.5)]


def test_series_per_week_and_day(log):
    weeks = counts.series(log, "week")
    assert weeks == [
        {"start": "2026-11-02", "days": 7, "questions": 8, "answered": 5, "abstained": 3, "handed_over": 0,
         "helpful": 1, "not_helpful": 2},
        {"start": "2026-11-09", "days": 7, "questions": 5, "answered": 3, "abstained": 1, "handed_over": 1,
         "helpful": 1, "not_helpful": 0}]
    days = counts.series(log, "day")
    assert len(days) == 14 and days[0]["start"] == "2026-11-02" and days[-1]["start"] == "2026-11-15"
    assert [d["questions"] for d in days] == [2, 1, 2, 2, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0]
    assert {d["days"] for d in days} == {1}
    # a window from a Wednesday to the next Tuesday touches two weeks, five days and two of them
    partial = counts.series(EventLog([], [], [], Window(dt.date(2026, 11, 4), dt.date(2026, 11, 10))), "week")
    assert [(w["start"], w["days"]) for w in partial] == [("2026-11-02", 5), ("2026-11-09", 2)]


def test_default_window_is_the_last_four_weeks():
    w = Window.last_weeks(today=dt.date(2026, 12, 1))
    assert (w.since, w.until) == (dt.date(2026, 11, 3), dt.date(2026, 12, 1))
    assert w.weeks()[0] == dt.date(2026, 11, 2) and len(w.days()) == 29
    from blogqa.errors import UsageError

    with pytest.raises(UsageError, match="after"):
        Window(dt.date(2026, 11, 5), dt.date(2026, 11, 1))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "blogqa", "insights", *args], capture_output=True, text=True,
                          timeout=300)


CONTRACT = {"since", "until", "questions", "outcomes", "feedback", "deflection", "gaps", "posts_to_fix", "most_cited",
            "latency_ms"}


@pytest.fixture(scope="module")
def cli_report(world):
    done = run_cli("--index", str(world["index"]), "--since", "2026-11-02", "--until", "2026-11-15", "--json", "-q")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cli_json_shape_and_numbers(cli_report, world):
    r, ids = cli_report, world["ids"]
    assert CONTRACT <= set(r)
    assert (r["since"], r["until"]) == ("2026-11-02", "2026-11-15")
    assert r["questions"]["total"] == 13
    assert r["questions"]["by_surface"] == {"search": 2, "ask": 1, "assist": 1, "widget": 7, "openai": 2}
    assert r["outcomes"] == {"answered": 8, "abstained": 4, "handed_over": 1}
    assert r["feedback"]["helpful"] == 2 and r["feedback"]["not_helpful"] == 2
    assert r["feedback"]["reasons"] == {"wrong": 1, "outdated": 1, "incomplete": 0, "not_answered": 0}
    assert set(r["deflection"]) >= {"conversations", "resolved", "rate", "strict_rate", "method"}
    assert (r["deflection"]["conversations"], r["deflection"]["resolved"]) == (6, 3)
    assert r["latency_ms"] == {"p50": 70.0, "p95": 124.0}
    # posts: refund is cited by q3, q8, q11 (two of them marked not helpful), deploy by q1, q9, q12
    assert r["posts_to_fix"] == [{"post_id": ids["refund"], "title": "환불 정책 안내", "not_helpful": 2,
                                  "questions": ["환불은 며칠 안에 되나요?", "환불 신청 방법"],
                                  "reasons": {"wrong": 1, "outdated": 1}}]
    assert r["most_cited"] == sorted([{"post_id": ids["refund"], "title": "환불 정책 안내", "answers": 3},
                                      {"post_id": ids["deploy"], "title": "배포 자동화 이야기", "answers": 3},
                                      {"post_id": ids["points"], "title": "포인트 적립 안내", "answers": 2}],
                                     key=lambda p: (-p["answers"], p["post_id"]))
    stale = r["stale_answers"]  # only the 2020 refund post is older than 730 days before 2026-11-15
    assert (stale["answers"], stale["of"], [p["post_id"] for p in stale["posts"]]) == (3, 8, [ids["refund"]])


def test_cli_gaps_group_the_parking_questions(cli_report):
    gaps = cli_report["gaps"]
    assert [g["size"] for g in gaps] == sorted((g["size"] for g in gaps), reverse=True)
    assert sum(g["size"] for g in gaps) == 8  # 4 abstained + 1 handed over + 2 not helpful + 1 bare hand-over
    top = gaps[0]
    assert top["size"] == 3 and set(top["examples"]) == set(PARKING)
    assert set(top) >= {"size", "examples", "nearest_post", "suggested_title"}
    assert "주차장" in top["suggested_title"]
    assert top["why"] == {"abstained": 3}


def test_cli_stale_days_and_terminal_summary(world):
    done = run_cli("--index", str(world["index"]), "--since", "2026-11-02", "--until", "2026-11-15",
                   "--stale-days", "20", "-q")
    assert done.returncode == 0, done.stderr
    assert "질문 questions" in done.stdout and "13" in done.stdout
    assert "해결률 deflection   50.0% (3/6" in done.stdout
    # with 20 days, the deploy post (2026-10-01) is stale too: 3 refund + 3 deploy answers
    assert "stale answers (> 20일 days): 6 / 8" in done.stdout


def test_cli_csv_and_parquet_exports(world, tmp_path):
    base = ["--index", str(world["index"]), "--since", "2026-11-02", "--until", "2026-11-15", "-q", "--json"]
    assert run_cli(*base, "--csv", str(tmp_path / "csv")).returncode == 0
    with open(tmp_path / "csv" / "questions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 13 and rows[0]["origin"] == "widget" and rows[0]["outcome"] == "answered"
    assert [r["outcome"] for r in rows].count("abstained") == 4
    with open(tmp_path / "csv" / "handovers.csv", encoding="utf-8-sig", newline="") as fh:
        handovers = list(csv.DictReader(fh))
    assert len(handovers) == 2 and "contact" not in handovers[0]  # contacts stay in the events database
    pq = pytest.importorskip("pyarrow.parquet")
    assert run_cli(*base, "--csv", str(tmp_path / "pq"), "--parquet").returncode == 0
    table = pq.read_table(tmp_path / "pq" / "feedback.parquet")
    assert table.column("reason").to_pylist() == [None, "outdated", "wrong", None]
    assert table.column("helpful").to_pylist() == [True, False, False, True]


def test_cli_purge_before_and_bad_input(world, tmp_path):
    events = tmp_path / "copy.sqlite"
    shutil.copy(world["events"], events)
    done = run_cli("--index", str(world["index"]), "--events", str(events), "--purge-before", "2026-11-02",
                   "--since", "2026-11-01", "--until", "2026-11-15", "--json", "-q")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["questions"]["total"] == 13  # the 11-01 question is gone
    bad = run_cli("--index", str(world["index"]), "--since", "2026-11-20", "--until", "2026-11-01")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "after" in bad.stderr
    assert run_cli("--index", str(world["index"]), "--parquet").returncode == 2
    missing = run_cli("--index", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope" in missing.stderr


def test_cli_llm_titles_from_the_configured_llm(world, stub):
    """--llm-titles: the LLM names each gap from its example questions; without an LLM, one line, exit 2."""
    import os

    from openai_stub import Reply

    stub.push(Reply.of('"주차장 이용 안내"\n'))
    env = os.environ | {"BLOGQA_LLM_BASE_URL": stub.url, "BLOGQA_LLM_MODEL": stub.model}
    done = subprocess.run([sys.executable, "-m", "blogqa", "insights", "--index", str(world["index"]),
                           "--since", "2026-11-02", "--until", "2026-11-15", "--json", "-q", "--llm-titles"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    gaps = json.loads(done.stdout)["gaps"]
    assert gaps[0]["suggested_title"] == "주차장 이용 안내"  # quotes and the newline trimmed
    chats = stub.chat_requests
    assert len(chats) == len(gaps)  # one title per group
    asked = chats[0]["json"]["messages"][-1]["content"]
    assert all(q in asked for q in PARKING)
    bare = run_cli("--index", str(world["index"]), "--llm-titles", "-q")
    assert bare.returncode == 2 and "--llm-titles needs an LLM" in bare.stderr

"""`blogqa eval` end to end on a real (small) index and a tiny question set."""
from __future__ import annotations

import json

import pytest

from blogqa.cli import main

QA = [
    {"question": "배포 시간을 얼마나 줄였나요?", "gold": ["_posts/2022-03-14-deploy-automation.md"],
     "answer": "배포 시간은 40분에서 8분으로 줄었습니다.", "type": "paraphrase"},
    {"question": "결제 완료 이벤트가 Kafka로 유실되는 문제는 어떻게 해결했나요?",
     "gold": ["_posts/2023-01-30-kafka-outbox.md"], "type": "paraphrase"},
    {"question": "환불 API v3에서 바뀐 필드 이름은?", "gold": ["./_posts/2024-11-20-refund-api-update.md"],
     "type": "lexical"},
    {"question": "회사 구내식당의 이번 주 점심 메뉴는 무엇인가요?", "gold": [], "type": "unanswerable"},
    {"question": "신입 사원 연봉 협상은 어떻게 진행되나요?", "gold": [], "type": "unanswerable"},
]


@pytest.fixture()
def qa_file(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in QA) + "\n", encoding="utf-8")
    return path


def test_eval_json_and_per_question_output(sample_index, qa_file, tmp_path, capsys):
    idx, _ = sample_index
    out = tmp_path / "per-question.jsonl"
    code = main(["eval", "--index", idx.location, "--qa", str(qa_file), "--mode", "all", "--json",
                 "--out", str(out), "--today", "2025-12-01", "-q"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 5 and report["answerable"] == 3 and report["unanswerable"] == 2
    assert report["k"] == 10 and set(report["modes"]) == {"bm25", "dense", "hybrid"}
    for mode, m in report["modes"].items():
        assert set(m["overall"]) >= {"questions", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}
        assert m["overall"]["questions"] == 3
        assert all(0.0 <= m["overall"][key] <= 1.0 for key in ("recall@1", "mrr@10", "ndcg@10"))
        assert set(m["types"]) == {"paraphrase", "lexical", "unanswerable"}
        assert m["types"]["paraphrase"]["questions"] == 2 and "recall@1" in m["types"]["paraphrase"]
        assert "recall@1" not in m["types"]["unanswerable"]  # nothing to retrieve there
        assert m["latency_ms"]["p50"] > 0
        a = m["abstention"]
        assert a["unanswerable"] == 2 and a["answerable"] == 3
        assert 0.0 <= a["abstained_on_unanswerable"] <= 1.0 and 0.0 <= a["abstained_on_answerable"] <= 1.0
    # the sample blog is easy: the hybrid ranking finds all three at rank 1
    assert report["modes"]["hybrid"]["overall"]["recall@1"] == 1.0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 15
    first = rows[0]
    assert {"mode", "question", "gold", "hits", "rank", "latency_ms", "abstained"} <= set(first)
    assert first["hits"][0]["source_path"] and first["rank"] == 1
    unans = [r for r in rows if not r["gold"]]
    assert len(unans) == 6 and all("rank" not in r for r in unans)


def test_eval_text_output(sample_index, qa_file, capsys):
    idx, _ = sample_index
    assert main(["eval", "--index", idx.location, "--qa", str(qa_file), "-q"]) == 0
    text = capsys.readouterr().out
    assert "R@1" in text and "MRR@10" in text and "abstain unans." in text and "by type" in text
    assert "hybrid" in text  # the configured default mode


def test_eval_reports_a_bad_qa_line(sample_index, tmp_path, capsys):
    idx, _ = sample_index
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok", "gold": []}\n{"question": "", "gold": []}\n', encoding="utf-8")
    assert main(["eval", "--index", idx.location, "--qa", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{bad}: line 2" in err


def test_eval_needs_an_index(qa_file, capsys):
    assert main(["eval", "--qa", str(qa_file)]) == 2
    assert "--index" in capsys.readouterr().err


def test_answer_scores_and_closed_book_side_by_side(sample_index, qa_file, monkeypatch, capsys):
    """Records with a reference `answer` get token F1 / keyword scores; --closed-book MODEL adds the
    same scores for a model answering alone (stubbed here: no network in tests)."""
    from blogqa.evaluate import closed_book

    asked = []

    def fake(question, model, settings=None):
        asked.append((question, model))
        return "배포 시간은 40분에서 8분으로 줄었습니다." if "배포" in question else "모르겠습니다."

    monkeypatch.setattr(closed_book, "ask_closed_book", fake)
    idx, _ = sample_index
    assert main(["eval", "--index", idx.location, "--qa", str(qa_file), "--json", "-q",
                 "--closed-book", "tiny-model"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert asked == [(QA[0]["question"], "tiny-model")]  # only answerable records with an answer
    cb = report["closed_book"]
    assert cb["model"] == "tiny-model" and cb["scored"] == 1 and cb["token_f1"] == 1.0
    answers = report["modes"]["hybrid"]["answers"]
    assert answers["scored"] == 1 and 0.0 < answers["token_f1"] <= 1.0
    assert main(["eval", "--index", idx.location, "--qa", str(qa_file), "-q", "--closed-book", "tiny-model"]) == 0
    text = capsys.readouterr().out
    assert "closed-book tiny-model" in text and "answer F1" in text

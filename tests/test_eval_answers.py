"""Answer metrics of `blogqa eval` (keyword recall, source hit, misattribution) and the question-set check."""
from __future__ import annotations

import json

import pytest

from blogqa.cli import main
from blogqa.evaluate.answer_checks import comes_from, keywords_found, misattributed, span_in_answer

from conftest import BLOGS

import check_qa

QA = [
    {"question": "배포 시간이 자동화 전후로 몇 분에서 몇 분이 됐나요?", "gold": ["_posts/2022-03-14-deploy-automation.md"],
     "answer": "40분에서 8분으로 줄었다.", "type": "fact", "answer_keywords": ["40분", "8분"], "lang": "ko"},
    {"question": "결제 완료 이벤트가 Kafka로 유실되는 문제는 어떻게 해결했나요?",
     "gold": ["_posts/2023-01-30-kafka-outbox.md"], "type": "howto", "answer_keywords": ["outbox"], "lang": "ko"},
    {"question": "회사 구내식당의 이번 주 점심 메뉴는 무엇인가요?", "gold": [], "type": "unanswerable", "lang": "ko"},
]


def test_keywords_spans_and_where_a_line_comes_from():
    assert keywords_found("기본값은 30 초 입니다", ["30 초", "POOL_TIMEOUT"]) == 1
    assert keywords_found("pool_timeout 은 30초", ["POOL_TIMEOUT", "30초"]) == 2
    assert span_in_answer("세종은 1418년에\n즉위", "1418년에 즉위") and not span_in_answer("세종", "")
    assert comes_from("기본값으로는 30초를 기다립니다.", "풀이 다 차면 일단 기다리게 합니다. 기본값으로는  30초를\n기다립니다.")
    assert not comes_from("Poetry는 여러분의 기여를 기다리고 있습니다.", "기본값으로는 30초를 기다립니다.")


def test_misattributed_counts_wrong_citations_and_lead_lines_naming_another_post():
    bodies = {1: "큐 풀이 차면 기본값으로는 30초를 기다립니다.", 2: "Poetry는 여러분의 기여를 기다리고 있습니다."}
    titles = {1: "SQLAlchemy 풀", 2: "Poetry 소개"}
    right = "블로그 글에서 찾은 내용입니다:\n- 기본값으로는 30초를 기다립니다. [1]\n- Poetry는 여러분의 기여를 기다리고 있습니다. [2]"
    assert misattributed(right, bodies, titles) == 0
    swapped = "- 기본값으로는 30초를 기다립니다. [2]\n- Poetry는 여러분의 기여를 기다리고 있습니다. [2]"
    assert misattributed(swapped, bodies, titles) == 1
    lead = "2019-08-17에 올라온 글 「SQLAlchemy 풀」에 따르면:\n- 기본값으로는 30초를 기다립니다. [1]\n" \
           "- Poetry는 여러분의 기여를 기다리고 있습니다. [2]"
    assert misattributed(lead, bodies, titles) == 1


def test_eval_json_reports_answer_metrics(sample_index, tmp_path, capsys):
    idx, _ = sample_index
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in QA) + "\n", encoding="utf-8")
    assert main(["eval", "--index", idx.location, "--qa", str(qa), "--json", "-q", "--today", "2025-12-01"]) == 0
    answers = json.loads(capsys.readouterr().out)["modes"]["hybrid"]["answers"]
    assert answers["asked"] == 2 and answers["answered"] == 2 and answers["answered_share"] == 1.0
    assert answers["source_hit"] == 1.0 and answers["misattributed"] == 0
    assert answers["chars_p50"] > 0 and answers["ask_ms_p50"] > 0
    assert 0.5 <= answers["keyword_recall"] <= 1.0  # 40분/8분 sit in one sentence of the gold post
    assert all(v is not None for v in answers.values())
    assert main(["eval", "--index", idx.location, "--qa", str(qa), "-q", "--today", "2025-12-01"]) == 0
    assert "kw recall" in capsys.readouterr().out


def test_no_answered_question_gives_zero_not_null(sample_index, tmp_path, capsys):
    idx, _ = sample_index
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"question": "화성 탐사선의 연료 배합 비율은?", "gold": ["_posts/2022-03-14-deploy-automation.md"],
                              "answer_keywords": ["하이드라진"], "lang": "ko"}, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", "--index", idx.location, "--qa", str(qa), "--json", "-q"]) == 0
    answers = json.loads(capsys.readouterr().out)["modes"]["hybrid"]["answers"]
    assert answers["keyword_recall"] == 0.0 and isinstance(answers["source_hit"], float)


@pytest.mark.skipif(not BLOGS.is_dir(), reason="../shared/data/blogs is missing")
def test_every_blog_question_set_passes_the_check(capsys):
    files = check_qa.qa_files()
    assert {f.name for f in files} >= {f"{b}_qa.jsonl" for b in
                                       ("hyperconnect", "spoqa", "socar", "saramin", "zum", "dable")}
    assert check_qa.main([str(f) for f in files] + ["--blogs", str(BLOGS)]) == 0, capsys.readouterr().out


def test_the_check_catches_a_missing_keyword_and_a_recency_question_without_its_date(tmp_path):
    blog = tmp_path / "blogs" / "tiny"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_posts" / "2020-05-01-a.md").write_text("---\ntitle: A\n---\nKafka 를 씁니다.\n", encoding="utf-8")
    qa = tmp_path / "tiny_qa.jsonl"
    rows = [{"question": "무엇을 쓰나요?", "gold": ["_posts/2020-05-01-a.md"], "type": "fact", "lang": "ko",
             "answer_keywords": ["kafka", "RabbitMQ"]},
            {"question": "최근 글은?", "gold": ["_posts/2020-05-01-a.md"], "type": "recency", "lang": "ko",
             "answer_keywords": ["Kafka"]},
            {"question": "언제?", "gold": ["_posts/2020-05-01-a.md"], "type": "date", "lang": "ko",
             "answer_keywords": ["2020-05-01"]}]
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    problems = check_qa.check_file(qa, tmp_path / "blogs")
    assert any("'RabbitMQ' occurs in no gold post" in p for p in problems)
    assert any("recency question needs its post's date (2020-05-01)" in p for p in problems)
    assert not any("tiny_qa.jsonl:3" in p for p in problems)
    assert any("at least 50" in p for p in problems)

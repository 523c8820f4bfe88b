"""Retrieval metrics, QA file reading and the KorQuAD loader: pure functions, no index."""
from __future__ import annotations

import doctest
import json
import math

import pytest

from blogqa.errors import UsageError
from blogqa.evaluate import korquad, metrics, qa, runner
from blogqa.evaluate.metrics import mean_metrics, mrr_at_k, ndcg_at_k, question_metrics, recall_at_k
from blogqa.evaluate.qa import read_qa


@pytest.mark.parametrize("module", [metrics, qa, korquad])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_metrics_on_a_known_ranking():
    ranked = ["x", "y", "g1", "z", "g2"]
    gold = {"g1", "g2"}
    assert recall_at_k(ranked, gold, 1) == 0.0
    assert recall_at_k(ranked, gold, 3) == 1.0
    assert mrr_at_k(ranked, gold, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(ranked, gold, 2) == 0.0
    dcg = 1 / math.log2(4) + 1 / math.log2(6)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, gold, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(ranked, gold, 3) == pytest.approx((1 / math.log2(4)) / idcg)


def test_metrics_edge_cases():
    assert question_metrics([], {"a"}) == {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0,
                                          "mrr@10": 0.0, "ndcg@10": 0.0}
    perfect = question_metrics(["a"], {"a"}, k=3)
    assert perfect == {"recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "mrr@3": 1.0, "ndcg@3": 1.0}
    # a duplicated gold id in the ranking counts once
    assert ndcg_at_k(["a", "a"], {"a"}) == 1.0
    assert mean_metrics([]) == {}
    assert metrics.percentile([], 50) != metrics.percentile([], 50)  # nan


def _write(tmp_path, lines):
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_qa_accepts_the_documented_shape(tmp_path):
    path = _write(tmp_path, [
        json.dumps({"question": "배포는?", "gold": ["_posts/a.md"], "answer": "GitHub Actions", "type": "paraphrase"},
                   ensure_ascii=False),
        "",
        "// a comment",
        json.dumps({"question": "연봉은?", "gold": []}, ensure_ascii=False),
        json.dumps({"question": "q", "gold": "https://x/y/"}),
    ])
    recs = read_qa(path)
    assert [r.line for r in recs] == [1, 4, 5]
    assert recs[0].answer == "GitHub Actions" and recs[0].type == "paraphrase" and recs[0].answerable
    assert not recs[1].answerable and recs[1].type is None
    assert recs[2].gold == ["https://x/y/"]


@pytest.mark.parametrize("line, message", [
    ('{"question": "q", "gold": ["a"]', "bad JSON"),
    ('["q"]', "expected a JSON object"),
    ('{"gold": ["a"]}', '"question" must be a non-empty string'),
    ('{"question": "q"}', '"gold" is missing'),
    ('{"question": "q", "gold": [1]}', '"gold" must be a list'),
    ('{"question": "q", "gold": [], "answer": 3}', '"answer" must be a string'),
])
def test_read_qa_errors_name_file_and_line(tmp_path, line, message):
    path = _write(tmp_path, ['{"question": "ok", "gold": []}', line])
    with pytest.raises(UsageError) as err:
        read_qa(path)
    text = str(err.value)
    assert f"{path}: line 2: " in text and message in text and "\n" not in text


def test_read_qa_missing_or_empty_file(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        read_qa(tmp_path / "nope.jsonl")
    with pytest.raises(UsageError, match="no questions"):
        read_qa(_write(tmp_path, [""]))


def _korquad_file(tmp_path):
    data = {"version": "KorQuAD_v1.0_dev", "data": [
        {"title": "제목_하나", "paragraphs": [
            {"context": "첫 문단.", "qas": [{"question": "q00?", "id": "1", "answers": [{"text": "첫", "answer_start": 0}]}]},
            {"context": "둘째 문단.", "qas": [{"question": "q01?", "id": "2", "answers": [{"text": "둘째", "answer_start": 0}]},
                                             {"question": "q01b?", "id": "3", "answers": []}]}]},
        {"title": "둘", "paragraphs": [
            {"context": "셋째 문단.", "qas": [{"question": "q10?", "id": "4", "answers": [{"text": "셋째", "answer_start": 0}]}]}]},
        {"title": "셋", "paragraphs": [
            {"context": "넷째 문단.", "qas": [{"question": "q20?", "id": "5", "answers": [{"text": "넷째", "answer_start": 0}]}]}]},
    ]}
    path = tmp_path / "kq.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_korquad_loader_and_split(tmp_path):
    path = _korquad_file(tmp_path)
    posts, recs = korquad.load_korquad(path)
    assert [p.id for p in posts] == ["korquad/0/0", "korquad/0/1", "korquad/1/0", "korquad/2/0"]
    assert posts[0].title == "제목 하나" and posts[1].body == "둘째 문단."
    assert [r.question for r in recs] == ["q00?", "q01?", "q01b?", "q10?", "q20?"]
    assert recs[1].gold == ["korquad/0/1"] and recs[1].answer == "둘째" and recs[2].answer is None
    _, even = korquad.load_korquad(path, split="even")
    _, odd = korquad.load_korquad(path, split="odd")
    assert [r.question for r in even] == ["q00?", "q01?", "q01b?", "q20?"]
    assert [r.question for r in odd] == ["q10?"]
    limited, lrecs = korquad.load_korquad(path, limit=1, split="all")
    assert len(limited) == 2 and len(lrecs) == 3
    corpus_odd, _ = korquad.load_korquad(path, split="odd")
    assert len(corpus_odd) == 4  # the corpus never depends on the split
    with pytest.raises(UsageError):
        korquad.load_korquad(path, split="train")
    with pytest.raises(UsageError):
        korquad.load_korquad(tmp_path / "missing.json")


def test_gold_matching_on_id_path_and_url():
    from blogqa.models import Hit, Post

    def hit(pid, path=None, url=None):
        return Hit(Post(id=pid, title="t", body="", source_path=path, url=url), 1.0, "", 0)

    hits = [hit("a", "_posts/a.md"), hit("b", None, "https://blog/x/b/"), hit("c")]
    assert runner.gold_ranks(hits, ["_posts/a.md"])[0] == "_posts/a.md"
    assert runner.gold_ranks(hits, ["https://blog/x/b"])[1] == "https://blog/x/b"
    assert runner.gold_ranks(hits, ["./c"]) == ["post:a", "post:b", "c"]
    assert metrics.first_rank(runner.gold_ranks(hits, ["./c"]), [runner.norm_gold("./c")]) == 3

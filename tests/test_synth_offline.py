"""synth -> split -> export-finetune on a real shared blog (spoqa), with the offline generator."""
from __future__ import annotations

import json

import pytest

from blogqa.cli import main
from blogqa.synth.filters import answer_in_post, copies_title
from blogqa.synth.records import FIELDS, squash


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def spoqa_qa(spoqa_index, tmp_path_factory):
    """Offline QA pairs for every spoqa post, written by the CLI."""
    idx, _ = spoqa_index
    out = tmp_path_factory.mktemp("synth") / "qa.jsonl"
    rc = main(["synth", "--index", idx.location, "--out", str(out), "--per-post", "3", "--seed", "7", "-q"])
    assert rc == 0
    return idx, out, _read(out)


def test_records_are_valid_and_answered_by_their_post(spoqa_qa):
    idx, _, records = spoqa_qa
    posts = {p.id: p for p in idx.posts()}
    assert len(records) >= 150, "about three questions for most of the 109 posts"
    assert len({r["post_id"] for r in records}) >= 90
    for r in records:
        assert list(r) == list(FIELDS)
        assert r["generator"] == "offline"
        assert r["gold"] == [r["post_id"]] and r["post_id"] in posts
        assert r["type"] in ("definition", "section", "fact")
        assert r["question"].strip() and r["answer"].strip() and r["passage"].strip()
        body = posts[r["post_id"]].body
        assert answer_in_post(r["answer"], body), r
        assert squash(r["answer"]) in squash(r["passage"]), "the passage supports (contains) the answer"
        assert squash(r["passage"]) in squash(body), "the passage quotes the post"


def test_no_title_copies_and_no_duplicates(spoqa_qa):
    idx, _, records = spoqa_qa
    titles = {p.id: p.title for p in idx.posts()}
    keys = [squash(r["question"]) for r in records]
    assert len(keys) == len(set(keys))
    for r in records:
        title = titles[r["post_id"]]
        assert not copies_title(r["question"], title), r
        assert squash(title) not in squash(r["question"])


def test_questions_read_as_questions_in_korean(spoqa_qa):
    _, _, records = spoqa_qa
    korean = [r for r in records if any("\uac00" <= ch <= "\ud7a3" for ch in r["question"])]
    assert len(korean) >= 0.8 * len(records)
    assert all(r["question"].rstrip().endswith(("?", ".")) for r in records)


def test_same_seed_same_records_and_limit_samples_posts(spoqa_index, spoqa_qa, tmp_path):
    idx, out, records = spoqa_qa
    again = tmp_path / "again.jsonl"
    assert main(["synth", "--index", idx.location, "--out", str(again), "--per-post", "3", "--seed", "7",
                 "-q"]) == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    limited = tmp_path / "limited.jsonl"
    assert main(["synth", "--index", idx.location, "--out", str(limited), "--limit", "5", "--seed", "3",
                 "--per-post", "2", "-q"]) == 0
    rows = _read(limited)
    assert 1 <= len({r["post_id"] for r in rows}) <= 5
    assert all(len([x for x in rows if x["post_id"] == pid]) <= 2 for pid in {r["post_id"] for r in rows})


def test_offline_note_when_no_llm_and_llm_flag_without_one(spoqa_index, tmp_path, capsys):
    idx, _ = spoqa_index
    assert main(["synth", "--index", idx.location, "--out", str(tmp_path / "a.jsonl"), "--limit", "2"]) == 0
    err = capsys.readouterr().err
    assert "offline generator" in err and "no LLM configured" in err
    assert main(["synth", "--index", idx.location, "--out", str(tmp_path / "b.jsonl"), "--llm"]) == 2
    assert "--llm needs" in capsys.readouterr().err


def test_split_keeps_every_post_on_one_side(spoqa_qa, tmp_path, capsys):
    _, out, records = spoqa_qa
    qa = tmp_path / "qa.jsonl"
    qa.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["split", str(qa), "--test", "0.2", "--seed", "1"]) == 0
    train, test = _read(tmp_path / "qa.train.jsonl"), _read(tmp_path / "qa.test.jsonl")
    assert len(train) + len(test) == len(records)
    train_posts, test_posts = {r["post_id"] for r in train}, {r["post_id"] for r in test}
    assert not train_posts & test_posts
    share = len(test_posts) / (len(train_posts) + len(test_posts))
    assert 0.15 <= share <= 0.25
    assert "train:" in capsys.readouterr().out
    # the same seed gives the same split; another seed another one
    first = (tmp_path / "qa.test.jsonl").read_text(encoding="utf-8")
    assert main(["split", str(qa), "--seed", "1"]) == 0
    assert (tmp_path / "qa.test.jsonl").read_text(encoding="utf-8") == first
    assert main(["split", str(qa), "--seed", "2"]) == 0
    assert (tmp_path / "qa.test.jsonl").read_text(encoding="utf-8") != first


def test_export_finetune_validates_and_summarises(spoqa_qa, tmp_path, capsys):
    _, out, records = spoqa_qa
    ft = tmp_path / "ft.jsonl"
    assert main(["export-finetune", str(out), "--out", str(ft)]) == 0
    examples = _read(ft)
    assert len(examples) == len(records), "one example per record"
    for ex, rec in zip(examples, records):
        assert [m["role"] for m in ex["messages"]] == ["system", "user", "assistant"]
        assert ex["messages"][1]["content"] == rec["question"]
        assert ex["messages"][2]["content"] == rec["answer"]
    summary = capsys.readouterr().out
    assert f"{len(records)} examples" in summary and "tokens" in summary


def test_export_names_bad_records_and_exits_1(spoqa_qa, tmp_path, capsys):
    _, out, records = spoqa_qa
    rows = [dict(r) for r in records[:6]]
    rows[1]["answer"] = "  "                       # line 2: empty answer
    rows[3] = dict(rows[0])                        # line 4: duplicate of line 1
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(4, "{not json")                   # line 5
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ft = tmp_path / "ft.jsonl"
    assert main(["export-finetune", str(bad), "--out", str(ft)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: empty answer" in err
    assert f"{bad}:4: duplicate of line 1" in err
    assert f"{bad}:5: not JSON" in err
    assert "3 bad record(s)" in err
    assert not ft.exists(), "nothing is written when a record is bad"
    # a per-example token limit the examples exceed
    assert main(["export-finetune", str(out), "--out", str(ft), "--max-tokens", "20"]) == 1
    assert "over the limit of 20" in capsys.readouterr().err

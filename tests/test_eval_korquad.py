"""`blogqa eval --korquad` on the first articles of the real KorQuAD dev set."""
from __future__ import annotations

import json

import pytest

from blogqa.cli import main
from blogqa.evaluate.korquad import load_korquad

from conftest import KORQUAD


@pytest.fixture(scope="module")
def korquad_path():
    if not KORQUAD.exists():
        pytest.skip(f"{KORQUAD} is missing")
    return KORQUAD


def test_loader_on_the_real_file(korquad_path):
    posts, records = load_korquad(korquad_path, limit=3, split="all")
    ids = [p.id for p in posts]
    assert ids[0] == "korquad/0/0" and all(i.split("/")[1] in "012" for i in ids)
    assert posts[0].title == "임종석"
    odd = load_korquad(korquad_path, limit=3, split="odd")[1]
    even = load_korquad(korquad_path, limit=3, split="even")[1]
    assert len(odd) + len(even) == len(records)
    assert {r.gold[0].split("/")[1] for r in odd} == {"1"}
    assert {r.gold[0].split("/")[1] for r in even} == {"0", "2"}
    everything = load_korquad(korquad_path)
    assert len(everything[0]) == 964 and len(everything[1]) == 5774


def test_eval_korquad_small(korquad_path, tmp_path, capsys):
    location = tmp_path / "kq"
    args = ["eval", "--korquad", str(korquad_path), "--limit", "3", "--split", "odd", "--index", str(location),
            "--mode", "bm25", "--json", "-q"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    odd = load_korquad(korquad_path, limit=3, split="odd")[1]
    assert report["questions"] == len(odd) and report["unanswerable"] == 0
    bm25 = report["modes"]["bm25"]
    answers = bm25["answers"]  # every question is asked: is the gold span in the answer?
    assert answers["asked"] == len(odd) and 0.0 <= answers["span_recall"] <= 1.0
    assert answers["span_recall"] > 0.3 and answers["chars_p50"] > 0 and answers["misattributed"] == 0
    assert bm25["overall"]["recall@5"] >= 0.9
    assert (location / "CURRENT").is_file()  # --index keeps the built index
    # a second run reuses it (nothing re-ingested) and gives the same numbers
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["modes"]["bm25"]["overall"] == bm25["overall"]

"""Issue 19, item 4: bench/load.py --json, run for real (its own `blogqa serve` on loopback) with
tiny sizes over the sample blog: the object's shape, positive numbers, and that the baseline and
concurrent phases never ask a question twice in the run (warm-up included)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import REPO

BENCH = REPO / "bench" / "load.py"
PHASES = ("baseline", "concurrent", "repeats")
SIZES = ["--clients", "2", "--requests", "6", "--baseline-requests", "4", "--repeat-requests", "12", "--warmup", "2"]


def key(question: str) -> str:
    """bench/load.py's own notion of "the same question"."""
    from load import question_key  # bench/ is on pytest's pythonpath

    return question_key(question)


def run_bench(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH), "--json", *argv], capture_output=True, text=True,
                          timeout=600, cwd=REPO)


@pytest.fixture(scope="module")
def index_dir(sample_index) -> str:
    return sample_index[0].location


def check_phases(result: dict, clients: int = 2) -> None:
    for name, requests in zip(PHASES, (4, 6, 12)):
        phase = result[name]
        assert phase["requests"] == requests and phase["ok"] == requests, phase
        assert phase["errors"] == 0, phase["error_samples"]
        assert phase["clients"] == (1 if name == "baseline" else clients)
        assert phase["throughput_rps"] > 0
        assert 0 < phase["p50_ms"] <= phase["p95_ms"] <= phase["p99_ms"]
        assert len(phase["questions"]) == requests


def test_json_shape_and_distinct_questions(index_dir):
    done = run_bench("--index", index_dir, "--show-questions", *SIZES)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    check_phases(result)

    once = result["warmup_asked"] + result["baseline"]["questions"] + result["concurrent"]["questions"]
    assert len(once) == 2 + 4 + 6
    assert len({key(q) for q in once}) == len(once), "a question was asked twice before the repeats phase"
    assert result["baseline"]["distinct_questions"] == 4 and result["concurrent"]["distinct_questions"] == 6

    # the bench's own list: the shared question sets, then the index's titles
    first = json.loads((REPO / "bench" / "data" / "dable_qa.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert result["warmup_asked"][0] == first["question"]

    repeats = Counter(result["repeats"]["questions"])
    assert result["repeat_pool"] == 200
    assert max(repeats.values()) > 1, "a Zipf mix of 12 draws over 200 questions repeats its head"


def test_questions_file_replaces_the_list(index_dir, tmp_path):
    mine = [f"배포 자동화 질문 {i}번은 무엇인가요?" for i in range(14)]
    path = tmp_path / "questions.txt"
    path.write_text("\n".join(mine + ["", mine[0]]) + "\n", encoding="utf-8")  # a blank line, a repeat
    done = run_bench("--index", index_dir, "--show-questions", "--questions", str(path), *SIZES)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    check_phases(result)
    assert result["warmup_asked"] + result["baseline"]["questions"] + result["concurrent"]["questions"] == mine[:12]
    assert set(result["repeats"]["questions"]) <= set(mine)
    assert result["repeat_pool"] == 14


def test_too_few_questions_is_one_clear_error(index_dir, tmp_path):
    path = tmp_path / "three.txt"
    path.write_text("하나?\n둘?\n셋?\n", encoding="utf-8")
    done = run_bench("--index", index_dir, "--questions", str(path), *SIZES)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (f"--questions {path} has 3 distinct questions; warm-up, baseline and "
                                   "concurrent need 12, each asked once (give more questions or fewer requests)")

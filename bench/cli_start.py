"""Whole-process cost of the `blogqa` command: median wall seconds and peak RSS per command, each
run in a fresh process, with a baseline from the same run.

    .venv/bin/python bench/cli_start.py                          # sample blog, built in a temp folder
    .venv/bin/python bench/cli_start.py --index IDX --runs 5 --json
    .venv/bin/python bench/cli_start.py --against HEAD~3         # the same commands at an older commit

Commands: `blogqa --version`, `blogqa search Q --index IDX`, `blogqa ask Q --index IDX` (extractive),
all as `python -m blogqa`. Baselines, measured in the same run: `python -c "import blogqa"` (the
interpreter and the package, the floor any command pays), the Kiwi tokenizer started and used
once (`KiwiTokenizer().tokens(Q)`, the floor `search` and `ask` pay for a Kiwi index), and with
`--against REF` every command again from a `git worktree` of REF (its src/ first on PYTHONPATH,
same interpreter and index; the two alternate run by run). Peak RSS is the child's own (`os.wait4` rusage), so runs do not mix.
The load average before and after is printed: on a 2-core machine another job moves every time.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, median, table  # noqa: F401  (common puts src/ on sys.path)

QUESTION = "배포 자동화는 어떻게 하나요?"
KIWI_FLOOR = "import sys; from blogqa.text.tokens import KiwiTokenizer; KiwiTokenizer().tokens(sys.argv[1])"


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process; a failing command stops the bench."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err[-1000:]}")
    return wall, usage.ru_maxrss / 1024


def measure(argv: list[str], env: dict, runs: int) -> dict:
    return summary([run_once(argv, env) for _ in range(runs)])


def measure_pair(first: tuple[list[str], dict], second: tuple[list[str], dict], runs: int) -> tuple[dict, dict]:
    """Two (argv, env) commands run in turn, so a load that comes and goes meets both alike."""
    pairs = [(run_once(*first), run_once(*second)) for _ in range(runs)]
    return summary([a for a, _ in pairs]), summary([b for _, b in pairs])


def summary(samples: list[tuple[float, float]]) -> dict:
    return {"wall_s": round(median([s[0] for s in samples]), 3), "worst_wall_s": round(max(s[0] for s in samples), 3),
            "peak_rss_mb": round(max(s[1] for s in samples), 1), "runs": len(samples)}


def commands(index: str, question: str) -> dict[str, list[str]]:
    blogqa = [sys.executable, "-m", "blogqa"]
    return {"blogqa --version": [*blogqa, "--version"],
            "blogqa search Q --index IDX": [*blogqa, "search", question, "--index", index],
            "blogqa ask Q --index IDX": [*blogqa, "ask", question, "--index", index]}


def build_sample_index(folder: Path) -> str:
    location = folder / "idx"
    done = subprocess.run([sys.executable, "-m", "blogqa", "ingest", str(REPO / "examples" / "sample-blog"),
                           "--index", str(location), "-q"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"building the sample index failed: {done.stderr[-1000:]}")
    return str(location)


def worktree(ref: str, folder: Path) -> Path:
    """A checkout of `ref` (its src/ is what the baseline runs)."""
    path = folder / "base"
    done = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), ref],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"--against {ref}: git worktree add failed: {done.stderr.strip()}")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", help="index to query (default: the sample blog, built in a temp folder)")
    p.add_argument("--runs", type=int, default=3, help="fresh processes per command (the median is reported)")
    p.add_argument("--question", default=QUESTION)
    p.add_argument("--against", metavar="REF", help="also run every command from this git commit (a worktree)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")

    env = {**os.environ, "BLOGQA_LLM_BASE_URL": "", "BLOGQA_LLM_GGUF": ""}  # ask stays extractive
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="blogqa-cli-start-") as tmp:
        index = args.index or build_sample_index(Path(tmp))
        cmds = commands(index, args.question)
        base = None
        try:
            if args.against:
                base = worktree(args.against, Path(tmp))
                paths = [str(base / "src"), *filter(None, [env.get("PYTHONPATH")])]
                base_env = {**env, "PYTHONPATH": os.pathsep.join(paths)}
            rows.append({"command": 'python -c "import blogqa"', "at": "this tree",
                         **measure([sys.executable, "-c", "import blogqa"], env, args.runs)})
            rows.append({"command": "KiwiTokenizer().tokens(Q)", "at": "this tree",
                         **measure([sys.executable, "-c", KIWI_FLOOR, args.question], env, args.runs)})
            for name, cmd in cmds.items():
                if base is None:
                    rows.append({"command": name, "at": "this tree", **measure(cmd, env, args.runs)})
                    continue
                before, now = measure_pair((cmd, base_env), (cmd, env), args.runs)
                rows += [{"command": name, "at": args.against, **before}, {"command": name, "at": "this tree", **now}]
        finally:
            if base is not None:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)],
                               capture_output=True)
    result = {"index": args.index or "examples/sample-blog (temp)", "cpus": os.cpu_count(), "runs": args.runs,
              "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], "results": rows}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        before, after = result["load_average"]
        print(f"index: {result['index']}  cpus={os.cpu_count()}  median of {args.runs} fresh processes  "
              f"load average {before} before, {after} after")
        print(table(["command", "at", "wall s", "worst wall s", "peak RSS MB"],
                    [[r["command"], r["at"], r["wall_s"], r["worst_wall_s"], r["peak_rss_mb"]] for r in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

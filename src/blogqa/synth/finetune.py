"""Fine-tuning: export QA records to OpenAI chat format, validate, upload, start a job, follow it.

    {"messages": [{"role": "system", "content": SYSTEM},
                  {"role": "user", "content": question},
                  {"role": "assistant", "content": answer}]}

Tokens are estimated offline with `estimate_tokens` (no tiktoken: it downloads its tables at run
time). The same SYSTEM prompt is used by `evaluate.closed_book`, so a fine-tuned model is asked
the way it was trained.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import LLMError
from ..text.chunk import estimate_tokens
from .records import record_problems, squash

SYSTEM = ("You answer questions about our company blog. Answer briefly and factually, "
          "in the language of the question.")
DEFAULT_MAX_TOKENS = 4096   # per example; OpenAI's limits are higher, but a QA pair never needs this much
MESSAGE_OVERHEAD = 4        # role and separators per message, as OpenAI's cookbook counts them
ROLES = ("system", "user", "assistant")
TERMINAL = ("succeeded", "failed", "cancelled")


def to_example(record: dict, system: str = SYSTEM) -> dict:
    return {"messages": [{"role": "system", "content": system},
                         {"role": "user", "content": str(record.get("question", "")).strip()},
                         {"role": "assistant", "content": str(record.get("answer", "")).strip()}]}


def example_tokens(example: dict) -> int:
    """Estimated tokens of one chat example.

    >>> example_tokens(to_example({"question": "배포는?", "answer": "매일"}, system="s"))
    19
    """
    return sum(MESSAGE_OVERHEAD + estimate_tokens(str(m.get("content", ""))) for m in example.get("messages", [])) + 3


def example_problems(example, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[str]:
    """What is wrong with one fine-tuning example ([] when it is valid).

    >>> example_problems({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": " "}]})
    ['empty assistant content']
    """
    if not isinstance(example, dict) or not isinstance(example.get("messages"), list) or not example["messages"]:
        return ["no messages list"]
    problems = []
    roles = []
    for m in example["messages"]:
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            problems.append(f"unknown role {m.get('role') if isinstance(m, dict) else m!r}")
            continue
        roles.append(m["role"])
        if not isinstance(m.get("content"), str) or not m["content"].strip():
            problems.append(f"empty {m['role']} content")
    if "user" not in roles or "assistant" not in roles:
        problems.append("needs a user and an assistant message")
    elif roles[-1] != "assistant":
        problems.append("the last message must be the assistant's")
    if roles.count("system") > 1 or ("system" in roles and roles[0] != "system"):
        problems.append("the system message must come first, once")
    n = example_tokens(example)
    if n > max_tokens:
        problems.append(f"about {n} tokens, over the limit of {max_tokens}")
    return problems


@dataclass
class Validation:
    examples: list[dict] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)   # (1-based line, problem)
    tokens: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad

    def summary(self, epochs: int = 3) -> str:
        if not self.tokens:
            return "0 examples"
        total = sum(self.tokens)
        return (f"{len(self.examples)} examples, about {total} tokens (per example: min {min(self.tokens)}, "
                f"mean {total // len(self.tokens)}, max {max(self.tokens)}); about {total * epochs} "
                f"training tokens at {epochs} epochs (estimated offline, not billed counts)")


def validate_examples(examples: list, max_tokens: int = DEFAULT_MAX_TOKENS, lines: list[int] | None = None) -> Validation:
    """Check every example (roles, empty fields, token estimate, duplicate user+assistant pairs)."""
    v = Validation()
    seen: dict[str, int] = {}
    for i, ex in enumerate(examples):
        line = lines[i] if lines else i + 1
        problems = [str(ex)] if isinstance(ex, Exception) else example_problems(ex, max_tokens)
        if not problems:
            key = "\x00".join(squash(m["content"]) for m in ex["messages"] if m["role"] != "system")
            if key in seen:
                problems.append(f"duplicate of line {seen[key]}")
            seen.setdefault(key, line)
        v.bad += [(line, p) for p in problems]
        if not problems:
            v.examples.append(ex)
            v.tokens.append(example_tokens(ex))
    return v


def export(records: list, max_tokens: int = DEFAULT_MAX_TOKENS, system: str = SYSTEM,
           lines: list[int] | None = None) -> Validation:
    """One example per QA record; a record that is not a valid QA record (or a `ValueError` in
    its place, for a line that was not JSON) is reported by its line."""
    bad: list[tuple[int, str]] = []
    examples, kept_lines = [], []
    for i, record in enumerate(records):
        n = lines[i] if lines else i + 1
        problems = [str(record)] if isinstance(record, Exception) else record_problems(record)
        if problems:
            bad += [(n, p) for p in problems]
            continue
        examples.append(to_example(record, system))
        kept_lines.append(n)
    v = validate_examples(examples, max_tokens, kept_lines)
    v.bad = sorted(bad + v.bad)
    return v


# ---- the API side ---------------------------------------------------------------------------
def start_job(client, path: str | Path, model: str, suffix: str | None = None):
    """Upload the training file (purpose "fine-tune") and create the job; returns the job."""
    import openai

    try:
        with open(path, "rb") as fh:
            uploaded = client.files.create(file=(Path(path).name, fh), purpose="fine-tune")
        kwargs = {"model": model, "training_file": uploaded.id}
        if suffix:
            kwargs["suffix"] = suffix
        return client.fine_tuning.jobs.create(**kwargs)
    except openai.APIConnectionError as err:
        raise LLMError(f"cannot reach the API at {client.base_url}: {err}") from None
    except openai.APIStatusError as err:
        raise LLMError(f"the API refused the fine-tuning request ({err.status_code}): {api_message(err)}") from None


def follow_job(client, job_id: str, poll: float = 10.0, echo: Callable[[str], None] = print,
               sleep: Callable[[float], None] = time.sleep):
    """Print the job's events as they come until it succeeds, fails or is cancelled.

    Returns the finished job; a failed or cancelled job raises LLMError with the API's reason."""
    seen: set[str] = set()
    while True:
        job = client.fine_tuning.jobs.retrieve(job_id)  # status first: the events then include its last ones
        page = client.fine_tuning.jobs.list_events(job_id, limit=100)
        fresh = [e for e in page.data if e.id not in seen]
        for event in sorted(fresh, key=lambda e: (e.created_at, e.id)):  # the API lists newest first
            seen.add(event.id)
            echo(f"[{time.strftime('%H:%M:%S', time.localtime(event.created_at))}] {event.message}")
        if job.status in TERMINAL:
            break
        sleep(poll)
    if job.status == "failed":
        error = getattr(job, "error", None)
        reason = getattr(error, "message", None) or "no reason given"
        code = getattr(error, "code", None)
        raise LLMError(f"fine-tuning job {job_id} failed: {reason}" + (f" ({code})" if code else ""))
    if job.status == "cancelled":
        raise LLMError(f"fine-tuning job {job_id} was cancelled")
    return job


def api_message(err) -> str:
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(err)

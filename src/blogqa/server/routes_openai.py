"""OpenAI-compatible chat: `POST /v1/chat/completions` (streamed or not) and `GET /v1/models`,
so chat front ends can use blogqa as a model whose answers carry `[n]` citations and links.

Models: `blogqa` answers from every post; `blogqa-public` from public posts only. Without an
LLM configured the answer is extractive. The question is the last user message; with earlier turns
it is rewritten with them first, as `blogqa chat` does (`answer.rewrite.standalone`: by the LLM when
one is configured, else the earlier question's topic words), and the completion's `rewritten` says
what was searched for."""
from __future__ import annotations

import logging
import time

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from ..answer.audience import Audience, for_public
from ..answer.events import Final, Token, answer_as_events
from ..answer.rewrite import standalone
from ..errors import BlogqaError
from ..models import Answer
from .routes_api import base_url, service
from .routing import TextJSONRoute
from .schemas import ChatRequest
from .service import Service, new_answer_id
from .sse import SSE_HEADERS, sse

log = logging.getLogger("blogqa.server")
router = APIRouter(prefix="/v1", tags=["openai"], route_class=TextJSONRoute)
MODELS = {"blogqa": "answers from every post", "blogqa-public": "answers from public posts only"}
CREATED = 1735689600  # 2025-01-01, a fixed "created" for the model list


@router.get("/models", summary="The models blogqa answers as")
def models():
    return {"object": "list", "data": [{"id": m, "object": "model", "created": CREATED, "owned_by": "blogqa",
                                        "description": d} for m, d in MODELS.items()]}


def sources_text(answer: Answer, base: str, audience: Audience) -> str:
    """`\\n\\nSources:\\n[1] [Title](link) (2024-05-08)` lines, Markdown so chat UIs make links."""
    if not answer.sources:
        return ""
    lines = [f"[{s.n}] [{s.title}]({audience.link(base, s.post_id, s.url)})" + (f" ({s.date})" if s.date else "")
             for s in answer.sources]
    return "\n\nSources:\n" + "\n".join(lines)


def _question(body: ChatRequest) -> str:
    if body.model not in MODELS:
        raise HTTPException(404, f"model {body.model!r} does not exist; use one of {', '.join(MODELS)}")
    users = [m.text() for m in body.messages if m.role == "user" and m.text().strip()]
    if not users:
        raise HTTPException(422, "messages: no user message with text")
    if len(users[-1]) > 20_000:
        raise HTTPException(422, "the last user message is over 20000 characters")
    return users[-1]


def _history(body: ChatRequest) -> list[tuple[str, str]]:
    """(question, answer) pairs of the turns before the last user message; each answer without the
    `Sources:` lines this endpoint appends."""
    pairs: list[tuple[str, str]] = []
    messages = [m for m in body.messages if m.role in ("user", "assistant") and m.text().strip()]
    while messages and messages[-1].role != "user":
        messages.pop()
    for m in messages[:-1]:
        if m.role == "user":
            pairs.append((m.text(), ""))
        elif pairs:
            pairs[-1] = (pairs[-1][0], m.text().split("\n\nSources:\n", 1)[0])
    return pairs


def _tokens(text: str) -> int:
    return len(text.split())  # a documented estimate: whitespace words (no tokenizer download)


def _sources_json(answer: Answer, base: str, audience: Audience) -> list[dict]:
    return [{**s.to_json(), "link": audience.link(base, s.post_id, s.url)} for s in answer.sources]


def _blogqa_fields(answer_id: str, answer: Answer, base: str, audience: Audience, rewritten: str | None) -> dict:
    """The fields blogqa adds to a completion, and to a stream's last chunk (docs/server.md);
    `rewritten`, only when the last user message was a follow-up: the question searched for. A
    message that stood alone is never echoed back (a public reply repeats nothing it was sent)."""
    fields = {"answer_id": answer_id, "abstained": answer.abstained, "sources": _sources_json(answer, base, audience)}
    return {**fields, "rewritten": rewritten} if rewritten else fields


@router.post("/chat/completions", summary="OpenAI-compatible chat completion, streamed or not")
def chat_completions(request: Request, body: ChatRequest):
    svc = service(request)
    last = _question(body)
    question = standalone(svc.index, last, _history(body))
    rewritten = question if question != last else None
    audience = for_public(body.model == "blogqa-public")
    base = base_url(request)
    if body.stream:
        include_usage = bool((body.stream_options or {}).get("include_usage"))
        return StreamingResponse(_stream(svc, body.model, question, rewritten, base, audience, include_usage),
                                 media_type="text/event-stream", headers=SSE_HEADERS)
    asked = svc.ask(question, surface="openai", audience=audience)
    answer = asked.answer
    content = answer.text + sources_text(answer, base, audience)
    prompt_tokens = sum(_tokens(m.text()) for m in body.messages)
    return {
        "id": f"chatcmpl-{asked.answer_id}", "object": "chat.completion", "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop",
                     "logprobs": None}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": _tokens(content),
                  "total_tokens": prompt_tokens + _tokens(content)},
        **_blogqa_fields(asked.answer_id, answer, base, audience, rewritten),
    }


def _stream(svc: Service, model: str, question: str, rewritten: str | None, base: str, audience: Audience,
            include_usage: bool):
    answer_id = new_answer_id()
    created = int(time.time())

    def chunk(delta: dict, finish: str | None = None, **extra) -> bytes:
        return sse(None, {"id": f"chatcmpl-{answer_id}", "object": "chat.completion.chunk", "created": created,
                          "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

    yield chunk({"role": "assistant", "content": ""})
    sent = []
    fields: dict = {}  # blogqa's fields, on the finishing chunk and on the usage chunk after it
    try:
        if audience.visibility:
            # the public guard needs the whole answer before a word of it is shown
            answer = svc.ask(question, surface="openai", audience=audience, answer_id=answer_id).answer
            events = answer_as_events(answer)
        else:
            events = svc.ask_events(question, "openai", answer_id, audience=audience)
        for event in events:
            if isinstance(event, Token):
                sent.append(event.text)
                yield chunk({"content": event.text})
            elif isinstance(event, Final):
                answer = event.answer
                tail = sources_text(answer, base, audience)
                if tail:
                    sent.append(tail)
                    yield chunk({"content": tail})
                fields = _blogqa_fields(answer_id, answer, base, audience, rewritten)
                yield chunk({}, "stop", **fields)
    except BlogqaError as err:
        yield sse(None, {"error": {"message": str(err), "type": "server_error", "code": 502}})
    except Exception:
        log.exception("chat stream failed for %s", answer_id)
        yield sse(None, {"error": {"message": "internal server error", "type": "server_error", "code": 500}})
    if include_usage:
        completion = _tokens("".join(sent))
        prompt = _tokens(question)
        # with include_usage this is the last chunk, so it carries blogqa's fields too (docs/server.md)
        yield sse(None, {"id": f"chatcmpl-{answer_id}", "object": "chat.completion.chunk", "created": created,
                         "model": model, "choices": [],
                         "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                   "total_tokens": prompt + completion}, **fields})
    yield sse(None, "[DONE]")

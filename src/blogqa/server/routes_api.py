"""Internal JSON API: search, ask (JSON or SSE), feedback, hand-overs, posts, stats."""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from ..answer.audience import CUSTOMER, INTERNAL, Audience, audience_named
from ..answer.events import Final, Token
from ..errors import BlogqaError
from .routing import TextJSONRoute
from .schemas import AskRequest, AssistRequest, FeedbackRequest, HandoverRequest, HandoverStatus, RowId
from .service import Asked, Service, new_answer_id
from .sse import SSE_HEADERS, sse
from ..answer.email import email_question, questions_in
from .webhook import deliver_handover

log = logging.getLogger("blogqa.server")
router = APIRouter(prefix="/api", tags=["internal"], route_class=TextJSONRoute)


def service(request: Request) -> Service:
    return request.app.state.service


def base_url(request: Request) -> str:
    return str(request.base_url)


@router.get("/search", summary="Find posts (highlight terms and snippets included)")
def search(request: Request, q: str = Query(min_length=1, max_length=2000), k: int | None = Query(None, ge=1, le=50),
           mode: Literal["bm25", "dense", "hybrid"] | None = None, since: dt.date | None = None,
           until: dt.date | None = None, tag: list[str] = Query(default_factory=list, max_length=20),
           visibility: Literal["all", "public"] = "all", today: dt.date | None = None):
    svc = service(request)
    result = svc.search(q, k=k, mode=mode, since=since, until=until, tags=tag,
                        visibility=None if visibility == "all" else "public", today=today)
    out = result.to_json()
    terms = svc.terms(q)
    out["highlight"] = terms
    out["hits"] = [svc.hit_json(h, base_url(request), terms) for h in result.hits]
    return out


def _ask_kwargs(body: AskRequest) -> dict:
    return {"k": body.k, "mode": body.mode, "since": body.since, "until": body.until, "tags": body.tags,
            "visibility": None if body.visibility == "all" else "public", "today": body.today,
            "llm": body.llm, "audience": audience_named(body.tone)}


@router.post("/ask", summary="Answer with sources; `stream: true` answers as Server-Sent Events")
def ask(request: Request, body: AskRequest):
    svc = service(request)
    if body.stream:
        return StreamingResponse(_stream(svc, body, base_url(request)), media_type="text/event-stream",
                                 headers=SSE_HEADERS)
    asked = svc.ask(body.question, surface="api", **_ask_kwargs(body))
    return svc.answer_json(asked, base_url(request), links=_links(body))


def _links(body: AskRequest) -> Audience:
    """Customers' links for a customer's answer, and for one from public posts only."""
    return CUSTOMER if body.visibility == "public" else audience_named(body.tone)


def _stream(svc: Service, body: AskRequest, base: str):
    """Events: `meta` {answer_id}, `token` {text}..., then `answer` (the JSON of a plain /api/ask)
    or `error` {message}."""
    answer_id = new_answer_id()
    start = time.perf_counter()
    yield sse("meta", {"answer_id": answer_id})
    try:
        for event in svc.ask_events(body.question, "api", answer_id, **_ask_kwargs(body)):
            if isinstance(event, Token):
                yield sse("token", {"text": event.text})
            elif isinstance(event, Final):
                asked = Asked(event.answer, answer_id, (time.perf_counter() - start) * 1000)
                yield sse("answer", svc.answer_json(asked, base, links=_links(body)))
    except BlogqaError as err:
        yield sse("error", {"message": str(err)})
    except Exception:
        log.exception("stream failed for answer %s", answer_id)
        yield sse("error", {"message": "internal server error (details are in the server log)"})


@router.post("/assist", summary="Draft material for a reply to a customer's e-mail (public posts only)")
def assist(request: Request, body: AssistRequest):
    """Finds the question(s) in the e-mail, answers them from public posts (tone "customer") and
    returns the /api/ask JSON for all of them together plus `question`, the text that was searched,
    and `parts`: each question found, in order, with its own answer, abstention and sources."""
    svc = service(request)
    question = email_question(body.email)
    asked = svc.ask(question, surface="assist", audience=CUSTOMER, llm=body.llm)
    out = svc.answer_json(asked, base_url(request), links=CUSTOMER)
    out["question"] = question
    found = questions_in(body.email)
    parts = [asked] if len(found) <= 1 else [
        svc.ask(q, surface="assist", audience=CUSTOMER, llm=body.llm) for q in found]
    out["parts"] = [{"question": q, **{k: v for k, v in svc.answer_json(a, base_url(request), links=CUSTOMER).items()
                                       if k in ("answer", "abstained", "sources", "related", "answer_id")}}
                    for q, a in zip(found or [question], parts)]
    return out


@router.post("/feedback", summary="Was an answer helpful? Tied to its answer_id")
def feedback(request: Request, body: FeedbackRequest):
    svc = service(request)
    if svc.events.answer_surface(body.answer_id) is None:
        raise HTTPException(404, "unknown answer_id")
    feedback_id = svc.events.log_feedback(body.answer_id, body.helpful, body.comment, surface="api",
                                          reason=body.reason)
    return {"ok": True, "id": feedback_id}


@router.post("/handover", summary="Leave a contact and a question for a person")
def handover(request: Request, body: HandoverRequest, background: BackgroundTasks):
    svc = service(request)
    record = svc.events.add_handover(contact=body.contact, question=body.question, name=body.name,
                                     answer_id=body.answer_id, surface="api", reason=body.reason)
    if svc.settings.server.handover_webhook:
        background.add_task(deliver_handover, svc.events, svc.settings.server.handover_webhook, record)
    return {"ok": True, "id": record["id"], "status": record["status"]}


@router.get("/handovers", summary="Hand-overs for staff, newest first")
def handovers(request: Request, status: Literal["open", "closed"] | None = None,
              limit: int = Query(100, ge=1, le=1000)):
    return {"handovers": service(request).events.handovers(status, limit)}


@router.post("/handovers/{handover_id}/status", summary="Mark a hand-over open or closed")
def handover_status(request: Request, handover_id: RowId, body: HandoverStatus):
    events = service(request).events
    if not events.set_status(handover_id, body.status):
        raise HTTPException(404, "unknown hand-over")
    return {"ok": True, "id": handover_id, "status": body.status}


@router.get("/posts/{post_id:path}", summary="One post, internal or public")
def get_post(request: Request, post_id: str):
    post = service(request).index.get_post(post_id)
    if post is None:
        raise HTTPException(404, "no such post")
    return post_json(post, INTERNAL.link(base_url(request), post.id, post.url))


@router.get("/stats", summary="What the index holds")
def stats(request: Request):
    return service(request).index.stats()


def post_json(post, link: str) -> dict:
    return {"post_id": post.id, "title": post.title, "date": post.date and post.date.isoformat(),
            "updated": post.updated and post.updated.isoformat(), "tags": list(post.tags),
            "author": post.author, "url": post.url, "link": link, "visibility": post.visibility,
            "body": post.body, "summary": post.summary}

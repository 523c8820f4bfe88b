"""The public surface for the widget: answers, feedback, hand-overs and post pages built from
public posts only. The gate rate-limits `/api/public/*` and applies CORS for allowed origins."""
from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request

from .routes_api import base_url, post_json, service
from .routing import TextJSONRoute
from .schemas import FeedbackRequest, HandoverRequest, PublicAskRequest
from ..answer.audience import CUSTOMER
from .webhook import deliver_handover

router = APIRouter(tags=["public"], route_class=TextJSONRoute)


@router.get("/healthz", summary="Liveness: 200 when the index is readable")
def healthz(request: Request):
    service(request).index.refresh()
    return {"status": "ok"}


@router.post("/api/public/ask", summary="Answer from public posts only")
def public_ask(request: Request, body: PublicAskRequest):
    svc = service(request)
    asked = svc.ask(body.question, surface="public", audience=CUSTOMER, conversation_id=body.conversation_id)
    return svc.answer_json(asked, base_url(request), public=True)


@router.post("/api/public/feedback", summary="Feedback on a public answer")
def public_feedback(request: Request, body: FeedbackRequest):
    svc = service(request)
    if svc.events.answer_surface(body.answer_id) != "public":
        raise HTTPException(404, "unknown answer_id")
    svc.events.log_feedback(body.answer_id, body.helpful, body.comment, surface="public", reason=body.reason)
    return {"ok": True}


@router.post("/api/public/handover", summary="A customer leaves a contact and the question")
def public_handover(request: Request, body: HandoverRequest, background: BackgroundTasks):
    svc = service(request)
    answer_id = body.answer_id if body.answer_id and svc.events.answer_surface(body.answer_id) == "public" else None
    record = svc.events.add_handover(contact=body.contact, question=body.question, name=body.name,
                                     answer_id=answer_id, surface="public", reason=body.reason)
    if svc.settings.server.handover_webhook:
        background.add_task(deliver_handover, svc.events, svc.settings.server.handover_webhook, record)
    return {"ok": True, "id": record["id"]}


@router.get("/api/public/posts/{post_id:path}", summary="A public post (404 for internal ones)")
def public_post(request: Request, post_id: str):
    post = public_post_or_404(request, post_id)
    return post_json(post, CUSTOMER.link(base_url(request), post.id, post.url))


def public_post_or_404(request: Request, post_id: str):
    post = service(request).index.get_post(post_id)
    if post is None or post.visibility != "public":
        raise HTTPException(404, "no such post")  # the same answer for internal posts: no existence leak
    return post

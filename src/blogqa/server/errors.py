"""Every error leaves the server as JSON with a message, never a stack trace:

    {"error": {"message": "question: at most 2000 characters", "type": "invalid_request", "code": 422}}

The shape is OpenAI's, so the `openai` client shows the message as it is."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BlogqaError

log = logging.getLogger("blogqa.server")

TYPES = {400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "request_too_large", 415: "unsupported_media_type",
         422: "invalid_request", 429: "rate_limited", 500: "server_error", 502: "upstream_error",
         503: "unavailable"}


def error_body(code: int, message: str) -> dict:
    return {"error": {"message": message, "type": TYPES.get(code, "error"), "code": code}}


def json_error(code: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=code, headers=headers)


def validation_message(err: RequestValidationError) -> str:
    """`[{"loc": ("body", "question"), "msg": "String should have at most 2000 characters"}]`
    -> `"question: String should have at most 2000 characters"` (the input is never echoed)."""
    parts = []
    for e in err.errors()[:5]:
        if e.get("type") == "json_invalid":  # the position in the body says little; the reason does
            parts.append(f"invalid JSON: {(e.get('ctx') or {}).get('error', 'cannot be parsed')}")
            continue
        loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return json_error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return json_error(422, validation_message(exc))

    @app.exception_handler(BlogqaError)
    async def _blogqa(request: Request, exc: BlogqaError):  # each class carries its status (blogqa.errors)
        return json_error(exc.http_status, str(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return json_error(500, "internal server error (details are in the server log)")

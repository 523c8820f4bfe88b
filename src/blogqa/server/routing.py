"""Request bodies are parsed once, here, as JSON whose strings are text.

JSON lets a string hold a lone UTF-16 surrogate (`"\\ud800"`); Python's `json` accepts it, but it
is not text: SQLite, the tokenizer and the embedder fail on it deep inside a request. Every
router uses `TextJSONRoute`, so such a body is a 422 like any other invalid JSON:

    {"error": {"message": "invalid JSON: a lone surrogate \\\\ud800 is not text", ...}}
"""
from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

# a surrogate can only come from a \\uD800-\\uDFFF escape (the body itself is UTF-8)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(value: Any) -> str | None:
    """The first lone surrogate in a parsed JSON value (keys included), else None:
    `first_surrogate({"a": ["ok", "x\\ud800"]}) == "\\ud800"`; a proper pair was already joined."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                return found.group(0)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def parse_json_text(body: bytes) -> Any:
    """`json.loads`, raising `json.JSONDecodeError` for a body that is not UTF-8 or holds a lone
    surrogate (FastAPI turns that error into a 422)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise json.JSONDecodeError(f"not UTF-8 (byte {err.start})", "", 0) from None
    value = json.loads(text)
    if _SURROGATE_ESCAPE.search(body):
        found = first_surrogate(value)
        if found:
            raise json.JSONDecodeError(f"a lone surrogate \\u{ord(found):04x} is not text", "", 0)
    return value


class TextJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_text(await self.body())
        return self._json


class TextJSONRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request):
            return await handler(TextJSONRequest(request.scope, request.receive))

        return route

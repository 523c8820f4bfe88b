"""Server-Sent Events framing: `sse("token", {"text": "안녕"})` ->
`b'event: token\\ndata: {"text": "안녕"}\\n\\n'` (one JSON object per event, never split)."""
from __future__ import annotations

import json

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse(event: str | None, data) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode("utf-8")

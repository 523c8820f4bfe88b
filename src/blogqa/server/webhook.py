"""Hand-over webhook: POST the record as JSON to `[server] handover_webhook`, after the
response was sent; the outcome is kept on the record (`sent 200` / `failed: ...`)."""
from __future__ import annotations

import logging

import httpx

log = logging.getLogger("blogqa.server")


def deliver_handover(events, url: str, record: dict, timeout: float = 5.0) -> str:
    try:
        response = httpx.post(url, json={"type": "blogqa.handover", **record}, timeout=timeout)
        status = f"sent {response.status_code}"
    except httpx.HTTPError as err:
        status = f"failed: {type(err).__name__}"
    if not status.startswith("sent 2"):
        log.warning("hand-over %s webhook %s", record["id"], status)
    events.set_webhook_status(record["id"], status)
    return status

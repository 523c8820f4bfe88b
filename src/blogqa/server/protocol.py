"""uvicorn's HTTP/1.1 protocol with read deadlines, so slow or idle clients cannot hold connections.

uvicorn closes a connection idle *between* requests (`timeout_keep_alive`), but not one that
opens and sends nothing, or sends a request head or body one byte at a time; a thousand of
those use up the open files. `GuardedH11Protocol` gives each request

- `header_timeout` seconds, from the connection (or the end of the previous response) until its
  head is complete, and
- `body_timeout` seconds from the head until the body is complete,

then answers 408 (as JSON) and closes, logging one line at info level. Errors uvicorn answers itself (a
malformed request: 400) are JSON too. `blogqa serve` passes it to uvicorn as
`http=functools.partial(GuardedH11Protocol, header_timeout=10, body_timeout=30)` (its defaults
live in cli/serve.py).
"""
from __future__ import annotations

import asyncio
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .errors import error_body


def raw_error(status: int, reason: str, message: str) -> bytes:
    """A complete HTTP/1.1 error response that closes the connection, with the JSON error body."""
    body = json.dumps(error_body(status, message)).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    def __init__(self, config, server_state, app_state, _loop=None, *, header_timeout: float, body_timeout: float):
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._waiting_for: str | None = None  # "head" | "body" | None (the request is all here)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._watch()

    def connection_lost(self, exc) -> None:
        self._cancel()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def send_400_response(self, msg: str) -> None:
        self._cancel()
        if not self.transport.is_closing():
            self.transport.write(raw_error(400, "Bad Request", "malformed HTTP request"))
            self.transport.close()

    # ---- deadlines ---------------------------------------------------------------------------
    def _watch(self) -> None:
        """Arm the deadline for what the request still owes: its head, its body, or nothing."""
        state = self.conn.their_state
        waiting = "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if self.transport is None or self.transport.is_closing():
            waiting = None
        if waiting == self._waiting_for:
            return
        self._cancel()
        self._waiting_for = waiting
        if waiting is not None:
            seconds = self.header_timeout if waiting == "head" else self.body_timeout
            self._deadline = self.loop.call_later(seconds, self._expired)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._waiting_for = None

    def _expired(self) -> None:
        waiting, self._deadline, self._waiting_for = self._waiting_for, None, None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        answered = cycle is not None and cycle.response_started and not cycle.response_complete
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app (waiting for the body) sees a disconnect, sends nothing
            cycle.message_event.set()
        idle = waiting == "head" and not self.conn.trailing_data[0]
        seconds = self.header_timeout if waiting == "head" else self.body_timeout
        reason = f"no request in {seconds:g} s" if idle else f"request {waiting} not complete in {seconds:g} s"
        if not answered and not idle:
            self.transport.write(raw_error(408, "Request Timeout", reason))
        prefix = "%s:%d - " % self.client if self.client else ""
        # one line per connection closed (uvicorn's logger, so --log-level governs it)
        self.logger.info("%sconnection closed: %s", prefix, reason)
        self.transport.close()

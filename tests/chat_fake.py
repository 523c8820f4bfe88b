"""An in-process chat backend for unit tests: the one required method of `ChatBackend`, `stream`.

    fake = FakeChat(lambda messages: "배포는 매일 합니다 [1].")
    fake.complete(messages, max_tokens=128)      # `complete` comes from the protocol: the stream joined
    fake.calls[-1]                               # {"messages": [...], "max_tokens": 128, "json": False}

The reply is streamed word by word (spaces kept), so a caller that joins or filters deltas sees
what a real server sends. The loopback server (openai_stub.py) stays for integration tests.
"""
from __future__ import annotations

import re
from typing import Callable, Iterator

from blogqa.answer.backend import ChatBackend


class FakeChat(ChatBackend):
    def __init__(self, reply: Callable[[list[dict]], str], model: str = "fake-model", max_tokens: int | None = None):
        self.reply = reply
        self.model = model
        self.max_tokens = max_tokens
        self.calls: list[dict] = []

    def stream(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> Iterator[str]:
        self.calls.append({"messages": messages, "max_tokens": max_tokens, "json": json})
        yield from re.findall(r"\S+\s*|\s+", self.reply(messages))

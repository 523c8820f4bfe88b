"""Request bodies. Limits live here, so a too-long question is a 422 with a message."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..events import FEEDBACK_REASONS, HANDOVER_REASONS

Mode = Literal["bm25", "dense", "hybrid"]
# a row id in a URL: SQLite integers are signed 64-bit, so a larger one is a 422, not an OverflowError
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
EMAIL_ONLY = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=20_000, description="a question, or a pasted customer e-mail")
    k: int | None = Field(None, ge=1, le=20)
    mode: Mode | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)
    visibility: Literal["all", "public"] = "all"
    tone: Literal["internal", "customer"] = "internal"
    llm: bool | None = Field(None, description="null: use the LLM when configured; false: extractive only")
    today: dt.date | None = None
    stream: bool = Field(False, description="answer as Server-Sent Events (token..., answer)")


class AssistRequest(BaseModel):
    email: str = Field(min_length=1, max_length=20_000, description="a customer's e-mail, pasted whole")
    llm: bool | None = None


class PublicAskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2_000)
    conversation_id: str | None = Field(None, description="the widget's session (1-64 of A-Z a-z 0-9 _ -); "
                                                       "none: the question is its own conversation")

    @field_validator("conversation_id")
    @classmethod
    def _conversation_id(cls, value: str | None) -> str | None:
        if value is not None and not CONVERSATION_ID.match(value):
            raise ValueError("use 1 to 64 letters A-Z a-z, digits, '_' or '-'")
        return value


class FeedbackRequest(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64)
    helpful: bool
    comment: str | None = Field(None, max_length=2_000)
    reason: Literal[FEEDBACK_REASONS] | None = Field(None, description="why an answer did not help")


class HandoverRequest(BaseModel):
    contact: str = Field(min_length=3, max_length=200, description="e-mail address or phone number")
    question: str = Field(min_length=1, max_length=4_000)
    name: str | None = Field(None, max_length=100)
    answer_id: str | None = Field(None, max_length=64)
    reason: Literal[HANDOVER_REASONS] | None = Field(None, description="why the customer wants a person")

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        value = value.strip()
        if not (EMAIL_ONLY.match(value) or PHONE.match(value)):
            raise ValueError("give an e-mail address or a phone number")
        return value


class HandoverStatus(BaseModel):
    status: Literal["open", "closed"]


class ContentPart(BaseModel):
    """`{"type": "text", "text": "..."}`; other parts (images, ...) are accepted and ignored."""
    model_config = ConfigDict(extra="allow")
    type: str = Field(max_length=100)
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(max_length=100)
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p, ... are accepted and ignored
    model: str = Field(max_length=100)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: dict | None = None

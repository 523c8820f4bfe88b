"""Request bodies. Limits live here, so a too-long question is a 422 with a message."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Mode = Literal["bm25", "dense", "hybrid"]
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
EMAIL_ONLY = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


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


class FeedbackRequest(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64)
    helpful: bool
    comment: str | None = Field(None, max_length=2_000)


class HandoverRequest(BaseModel):
    contact: str = Field(min_length=3, max_length=200, description="e-mail address or phone number")
    question: str = Field(min_length=1, max_length=4_000)
    name: str | None = Field(None, max_length=100)
    answer_id: str | None = Field(None, max_length=64)

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        value = value.strip()
        if not (EMAIL_ONLY.match(value) or PHONE.match(value)):
            raise ValueError("give an e-mail address or a phone number")
        return value


class HandoverStatus(BaseModel):
    status: Literal["open", "closed"]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p, ... are accepted and ignored
    model: str = Field(max_length=100)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: dict | None = None

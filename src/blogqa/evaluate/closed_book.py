"""Closed-book answers: ask a model with no retrieval (for example a fine-tuned one).

    text = ask_closed_book("정산 배치는 언제 도나요?", "ft:gpt-4o-mini:acme::abc123", settings)

The model gets the same system prompt as the fine-tuning examples (`synth.finetune.SYSTEM`), so
a fine-tuned model is asked exactly the way it was trained, and the question alone: whatever it
answers comes from its weights. `blogqa eval --closed-book MODEL` scores these answers next to
the retrieval modes.
"""
from __future__ import annotations

import functools

from ..answer.backend import ChatBackend, api_backend
from ..config import LLMSettings, Settings
from ..synth.finetune import SYSTEM


@functools.lru_cache(maxsize=4)
def _backend(llm: LLMSettings, model: str) -> ChatBackend:
    return api_backend(llm, model)


def ask_closed_book(question: str, model: str, settings: Settings | LLMSettings | None = None) -> str:
    """The model's answer to `question` with no sources (LLMError when the server fails,
    UsageError when no OpenAI-compatible server is configured)."""
    llm = getattr(settings, "llm", settings) or LLMSettings()
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]
    return _backend(llm, model).complete(messages).strip()

"""Multi-turn chat: a follow-up ("그럼 가격은?") becomes a standalone question before retrieval.

    chat = Conversation(index)                 # uses the index's LLM settings
    chat.ask("블로그QA 프로에는 어떤 기능이 있나요?")
    answer = chat.ask("그럼 가격은?")            # rewritten with the history, then searched
    answer.notes[0]                            # 'searched for: 블로그QA 프로의 가격은 얼마인가요?'

With an LLM, the rewrite is one extra chat call (history + follow-up -> one question); the first
question of a conversation is never rewritten. Without one, a short or connective follow-up is
joined to the previous question, which is enough for retrieval to find the topic again.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Answer
from .prompt import NO_ANSWER

REWRITE_SYSTEM = """You rewrite the user's LAST message in a conversation about a company blog into ONE standalone search question.
- Use the earlier turns only to resolve what the last message refers to (omitted subjects, "it", "그럼 ...은?", "what about ...").
- Keep the language of the last message. Keep product names and terms exactly as written.
- Do not answer the question. Do not add facts.
- Reply with the standalone question only, on one line. If the last message already stands alone, repeat it unchanged."""

_FOLLOW_UP = re.compile(
    r"^\s*(그럼|그러면|그렇다면|그건|그거|그것|그리고|또|근데|그런데|이건|이거|거기|저건|"
    r"and|so|also|what about|how about|then|and what|what of)\b",
    re.I,
)
_HISTORY_CHARS = 600  # of each earlier answer, for the rewrite prompt


def rewrite_messages(question: str, history: list[tuple[str, str]]) -> list[dict]:
    """The rewrite request: the conversation so far as data, then the last message."""
    lines = ["Conversation so far:"]
    for q, a in history:
        lines.append(f"User: {_one_line(q)}")
        lines.append(f"Assistant: {_clip(_strip_citations(a), _HISTORY_CHARS)}")
    lines += ["", f"Last message: {_one_line(question)}", "", "Standalone question:"]
    return [{"role": "system", "content": REWRITE_SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def clean_rewrite(reply: str, question: str) -> str:
    """The first useful line of the model's reply; the original question when it is unusable.

    >>> clean_rewrite('Standalone question: "블로그QA 프로의 가격은?"\\n', "그럼 가격은?")
    '블로그QA 프로의 가격은?'
    """
    reply = re.sub(r"<think>.*?(</think>|$)", "", reply or "", flags=re.S | re.I)
    for line in reply.splitlines():
        line = re.sub(r"^\s*(standalone question|question|질문|독립\s*질문)\s*[:：]\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'`“”‘’「」*").strip()
        if line:
            if NO_ANSWER in line or len(line) > 300:
                break
            return line
    return question


def heuristic_rewrite(question: str, history: list[tuple[str, str]]) -> str:
    """Offline: a follow-up (connective start, or very short) is joined to the previous question.

    >>> heuristic_rewrite("그럼 가격은?", [("블로그QA 프로에는 어떤 기능이 있나요?", "...")])
    '블로그QA 프로에는 어떤 기능이 있나요? 가격은?'
    """
    if not history:
        return question
    stripped = _FOLLOW_UP.sub("", question).strip(" ,")
    short = len(question.split()) <= 3 or len(question.strip()) <= 12
    if stripped != question.strip() or short:
        return f"{history[-1][0].strip()} {stripped or question.strip()}"
    return question


def rewrite_question(question: str, history: list[tuple[str, str]], backend=None) -> str:
    """Standalone version of `question` given the (question, answer) history; `backend` (an LLM
    chat backend) or the offline heuristic when None."""
    if not history:
        return question
    if backend is None:
        return heuristic_rewrite(question, history)
    reply = backend.complete(rewrite_messages(question, history), max_tokens=128)
    return clean_rewrite(reply, question)


class Conversation:
    """A chat over an Index: history, follow-up rewriting, then `Index.ask` on the rewritten question."""

    def __init__(self, index, llm: bool | None = None, tone: str = "internal", max_turns: int = 4,
                 **ask_kwargs):
        self.index = index
        self.llm = llm
        self.tone = tone
        self.max_turns = max_turns
        self.ask_kwargs = ask_kwargs
        self.history: list[tuple[str, str]] = []

    def reset(self) -> None:
        self.history.clear()

    def _backend(self):
        from .backend import get_backend, use_llm

        settings = self.index.settings.llm
        return get_backend(settings) if use_llm(settings, self.llm) else None

    def rewrite(self, question: str) -> str:
        if not self.history:
            return question
        return rewrite_question(question, self.history, self._backend())

    def ask(self, question: str) -> Answer:
        answer = None
        for event in self.ask_stream(question, stream=False):
            if event["type"] == "answer":
                answer = event["answer"]
        return answer

    def ask_stream(self, question: str, stream: bool = True) -> Iterator[dict]:
        """{"type": "rewrite", "question"} when the question was rewritten, then the events of
        `Index.ask_stream` (token ... answer)."""
        standalone = self.rewrite(question)
        if standalone != question:
            yield {"type": "rewrite", "question": standalone}
        kwargs = dict(self.ask_kwargs, llm=self.llm, tone=self.tone)
        if stream:
            events = self.index.ask_stream(standalone, **kwargs)
        else:
            events = iter([{"type": "answer", "answer": self.index.ask(standalone, **kwargs)}])
        for event in events:
            if event["type"] == "answer":
                answer = event["answer"]
                if standalone != question:
                    answer.notes.insert(0, f"searched for: {standalone}")
                self.history.append((question, answer.text))
                del self.history[: -self.max_turns]
            yield event


def _strip_citations(text: str) -> str:
    return re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _clip(text: str, limit: int) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["Conversation", "rewrite_question", "rewrite_messages", "clean_rewrite", "heuristic_rewrite"]

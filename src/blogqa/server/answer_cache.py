"""Recent answers, so a question many customers ask is answered once per index generation.

Only answers that are a function of their inputs are kept: extractive ones (no LLM configured, or
`llm=False`). The key is the question as a cache should see it (`question_key`: case, spacing and
end punctuation ignored), the surface's options, and the day (time words are read against today).
The server clears the cache whenever the index changes (ingest, sync, another process's write).
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import replace

from ..models import Answer

ANSWER_CACHE_SIZE = 2048  # answers kept; a popular question takes one slot whatever its wording's case


def question_key(question: str) -> str:
    """What makes two questions the same to a cache: case, spacing and end punctuation ignored."""
    return " ".join(question.casefold().replace("?", " ").replace("？", " ").split()).rstrip(".!。 ")


class AnswerCache:
    def __init__(self, size: int = ANSWER_CACHE_SIZE):
        self.size = size
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(question: str, public: bool, options: dict, today: dt.date | None = None) -> tuple:
        return (question_key(question), public, today or dt.date.today(),
                tuple(sorted((name, repr(value)) for name, value in options.items())))

    def get(self, key: tuple, question: str) -> Answer | None:
        """The kept answer for `key`, carrying `question` as this asker wrote it; None if not kept."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            self._answers.move_to_end(key)
        return replace(answer, question=question)

    def put(self, key: tuple, answer: Answer) -> None:
        if self.size <= 0:
            return
        # the hits' lexical tokens served the evidence gate (~15 KB a hit); the answer is kept without
        answer = replace(answer, hits=[replace(h, tokens=None) for h in answer.hits])
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)

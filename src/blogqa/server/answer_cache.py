"""Recent answers, so a question many customers ask is answered once per index generation.

Only answers that are a function of their inputs are kept: extractive ones (no LLM configured, or
`llm=False`). The key is the question as a cache should see it (`question_key`: case, spacing and
end punctuation ignored), the surface's options, and the day (time words are read against today).
The server clears the cache whenever the index changes (ingest, sync, another process's write).

`blogqa serve --workers N` gives its workers one `SharedAnswers` file besides: an answer one worker
wrote is read by the others, so a popular question is answered once per server, not once per
worker (each worker keeps its recent answers in memory in front of it). The file is in a folder
the serving process makes for its workers alone (mode 0700) and removes when it stops; it holds
pickled `Answer`s, which only its own workers read. Its keys carry the index generation, so a
worker never reads an answer from before a change it has seen.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import replace

from ..models import Answer

log = logging.getLogger("blogqa.server")
ANSWER_CACHE_SIZE = 2048  # answers kept; a popular question takes one slot whatever its wording's case
TRIM_EVERY = 64  # writes between trims of the shared file to its size


def question_key(question: str) -> str:
    """What makes two questions the same to a cache: case, spacing and end punctuation ignored."""
    return " ".join(question.casefold().replace("?", " ").replace("？", " ").split()).rstrip(".!。 ")


class SharedAnswers:
    """Answers in one SQLite file that several processes read and write. A cache: any SQLite
    error is logged (once) and read as "not kept", so it never fails a request."""

    def __init__(self, path: str | os.PathLike, size: int = ANSWER_CACHE_SIZE):
        self.path = str(path)
        self.size = size
        self._local = threading.local()  # one connection per thread (sqlite3's rule)
        self._writes = 0
        self._warned = False
        self._run("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer BLOB NOT NULL, used REAL NOT NULL)")

    @staticmethod
    def _id(key: tuple) -> str:
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # lost on a crash is fine: it is a cache
            self._local.db = db
        return db

    def _run(self, sql: str, params: tuple = ()) -> list:
        try:
            return self._db().execute(sql, params).fetchall()
        except sqlite3.Error as err:
            if not self._warned:
                self._warned = True
                log.warning("shared answer cache %s: %s (answers are kept per worker only)", self.path, err)
            return []

    def get(self, key: tuple) -> Answer | None:
        rows = self._run("SELECT answer FROM answers WHERE key = ?", (self._id(key),))
        if not rows:
            return None
        self._run("UPDATE answers SET used = ? WHERE key = ?", (time.time(), self._id(key)))
        try:
            return pickle.loads(rows[0][0])
        except Exception:  # written by a worker of another version mid-upgrade, or cut short
            return None

    def put(self, key: tuple, answer: Answer) -> None:
        self._run("INSERT OR REPLACE INTO answers (key, answer, used) VALUES (?, ?, ?)",
                  (self._id(key), pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL), time.time()))
        self._writes += 1
        if self._writes % TRIM_EVERY == 0:
            self._run("DELETE FROM answers WHERE key NOT IN (SELECT key FROM answers ORDER BY used DESC LIMIT ?)",
                      (self.size,))

    def count(self) -> int:
        """Answers in the file (a method, not `len`: an empty cache is still a cache, not falsy)."""
        rows = self._run("SELECT count(*) FROM answers")
        return rows[0][0] if rows else 0


class AnswerCache:
    """Recent answers in memory, in front of an optional `SharedAnswers` file (workers of one server)."""

    def __init__(self, size: int = ANSWER_CACHE_SIZE, shared: SharedAnswers | None = None):
        self.size = size
        self.shared = shared
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
            if answer is not None:
                self._answers.move_to_end(key)
        if answer is None and self.shared is not None and self.size > 0:
            answer = self.shared.get(key)
            if answer is not None:
                self._keep(key, answer)
        return None if answer is None else replace(answer, question=question)

    def put(self, key: tuple, answer: Answer) -> None:
        if self.size <= 0:
            return
        # the hits' lexical tokens served the evidence gate (~15 KB a hit); the answer is kept without
        answer = replace(answer, hits=[replace(h, tokens=None) for h in answer.hits])
        self._keep(key, answer)
        if self.shared is not None:
            self.shared.put(key, answer)

    def _keep(self, key: tuple, answer: Answer) -> None:
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

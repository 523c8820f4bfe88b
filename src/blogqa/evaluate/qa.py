"""QA question sets: JSON Lines, one record a line.

    {"question": "배포는 어떻게 자동화했나요?", "gold": ["_posts/2020-01-02-deploy.md"], "answer": "...", "type": "paraphrase"}

`gold` lists the posts that answer the question, as post ids, source paths (relative to the
ingested folder) or URLs; an empty list marks a question the blog does not answer. `answer`
(reference answer text), `type` (a label for per-type breakdowns), `today` (the reference date
of a time-aware question), `answer_keywords` (short strings a correct answer must contain) and
`lang` are optional. Any error is
reported on one line naming the file and the line.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError


@dataclass
class QARecord:
    question: str
    gold: list[str] = field(default_factory=list)
    answer: str | None = None
    type: str | None = None
    today: str | None = None  # optional reference date (YYYY-MM-DD) for time-aware questions
    answer_keywords: list[str] = field(default_factory=list)  # what a correct answer must contain
    lang: str | None = None  # the question's language, "ko" or "en"
    line: int = 0
    source: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def parse_record(obj, where: str) -> QARecord:
    """One record from a decoded JSON value; `where` names file and line in errors.

    >>> parse_record({"question": "q?", "gold": "a.md"}, "f: line 1").gold
    ['a.md']
    >>> parse_record({"gold": []}, "f: line 2")
    Traceback (most recent call last):
    ...
    blogqa.errors.UsageError: f: line 2: "question" must be a non-empty string
    """
    if not isinstance(obj, dict):
        raise UsageError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise UsageError(f'{where}: "question" must be a non-empty string')
    gold = obj.get("gold", None)
    if gold is None:
        raise UsageError(f'{where}: "gold" is missing (use [] for a question the blog does not answer)')
    if isinstance(gold, str):
        gold = [gold]
    if not isinstance(gold, list) or not all(isinstance(g, str) and g.strip() for g in gold):
        raise UsageError(f'{where}: "gold" must be a list of post ids, source paths or urls')
    answer = obj.get("answer")
    if answer is not None and not isinstance(answer, str):
        raise UsageError(f'{where}: "answer" must be a string')
    qtype = obj.get("type")
    if qtype is not None and not isinstance(qtype, str):
        raise UsageError(f'{where}: "type" must be a string')
    today = obj.get("today")
    if today is not None and not isinstance(today, str):
        raise UsageError(f'{where}: "today" must be a date string YYYY-MM-DD')
    keywords = obj.get("answer_keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise UsageError(f'{where}: "answer_keywords" must be a list of non-empty strings')
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise UsageError(f'{where}: "lang" must be a string such as "ko" or "en"')
    return QARecord(question.strip(), [g.strip() for g in gold], answer, qtype, today,
                    [k.strip() for k in keywords], lang)


def read_qa(path: str | Path) -> list[QARecord]:
    """Every record of a QA JSONL file; blank lines and lines starting with // or # are skipped."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: QA file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", "#")):
            continue
        where = f"{path}: line {number}"
        try:
            obj = json.loads(stripped)
        except ValueError as err:
            raise UsageError(f"{where}: bad JSON ({str(err).splitlines()[0]})") from None
        rec = parse_record(obj, where)
        rec.line, rec.source = number, str(path)
        records.append(rec)
    if not records:
        raise UsageError(f"{path}: no questions in the file")
    return records

"""The QA record every synth step reads and writes, and the text helpers the steps share.

    >>> QARecord("pip는 무엇인가요?", "pip는 패키지 관리 시스템입니다.", "a.md", "pip는 …").to_json()["gold"]
    ['a.md']
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import UsageError
from ..text.plain import plain

FIELDS = ("question", "gold", "answer", "type", "post_id", "generator", "passage")


@dataclass
class QARecord:
    question: str
    answer: str
    post_id: str
    passage: str
    type: str = "fact"
    generator: str = "offline"
    gold: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.gold:
            self.gold = [self.post_id]

    def to_json(self) -> dict:
        return {"question": self.question, "gold": list(self.gold), "answer": self.answer, "type": self.type,
                "post_id": self.post_id, "generator": self.generator, "passage": self.passage}

    @classmethod
    def from_json(cls, d: dict) -> "QARecord":
        return cls(question=d["question"], answer=d.get("answer", ""), post_id=d.get("post_id") or d["gold"][0],
                   passage=d.get("passage", ""), type=d.get("type", "fact"),
                   generator=d.get("generator", "unknown"), gold=list(d.get("gold") or []))


def record_problems(d) -> list[str]:
    """What is wrong with one JSON record (empty list: valid).

    >>> record_problems({"question": "q", "gold": ["a"], "answer": "", "type": "fact"})
    ['empty answer']
    """
    if not isinstance(d, dict):
        return ["not a JSON object"]
    problems = []
    for key in ("question", "answer"):
        value = d.get(key)
        if not isinstance(value, str):
            problems.append(f"missing {key}")
        elif not value.strip():
            problems.append(f"empty {key}")
    gold = d.get("gold")
    if not isinstance(gold, list) or not gold or not all(isinstance(g, str) and g for g in gold):
        problems.append("gold must be a non-empty list of post ids")
    return problems


def read_jsonl(path: str | Path) -> list[dict]:
    """Records of a JSONL file (blank lines skipped); a line that is not JSON is a usage error."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: file not found")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise UsageError(f"{path}:{n}: not JSON ({err.msg})") from None
    return out


def read_jsonl_lines(path: str | Path) -> list[tuple[int, object]]:
    """(line number, decoded value) for each non-blank line; a line that is not JSON gives a
    `ValueError` as its value, so callers can name every bad line at once."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: file not found")
    out: list[tuple[int, object]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as err:
                out.append((n, ValueError(f"not JSON ({err.msg})")))
    return out


def write_jsonl(path: str | Path, rows: Iterable) -> int:
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row.to_json() if hasattr(row, "to_json") else row, ensure_ascii=False) + "\n")
            n += 1
    return n


# ---- text helpers shared by the generators and the filters --------------------------------
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """Comparison key: plain text, lower-cased, without spaces or punctuation.

    >>> squash("Python 설치 방법은?") == squash("python설치 방법은")
    True
    """
    return _NOT_WORD.sub("", plain(text).lower())

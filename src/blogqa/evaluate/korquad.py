"""KorQuAD 1.0 as a retrieval benchmark: every paragraph is a post, every question a QA record.

    posts, records = load_korquad("KorQuAD_v1.0_dev.json", limit=3, split="odd")

Post ids are `korquad/<article index>/<paragraph index>` (0-based, in file order); the title is
the article title. A question's gold is its own paragraph. The corpus always holds every
paragraph of the (limited) articles; `split` only chooses the questions: "even" = questions of
even-numbered articles (tune on these), "odd" = the others (report on these), "all" = both.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError
from ..models import Post
from .qa import QARecord

SPLITS = ("all", "even", "odd")


def post_id(article: int, paragraph: int) -> str:
    """
    >>> post_id(3, 0)
    'korquad/3/0'
    """
    return f"korquad/{article}/{paragraph}"


def in_split(article: int, split: str) -> bool:
    """
    >>> [in_split(i, "even") for i in range(3)], in_split(5, "odd"), in_split(5, "all")
    ([True, False, True], True, True)
    """
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return split == "all" or (article % 2 == 0) == (split == "even")


def load_korquad(path: str | Path, limit: int | None = None, split: str = "all") -> tuple[list[Post], list[QARecord]]:
    """Posts (all paragraphs of the first `limit` articles) and the questions of `split`."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: KorQuAD file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        articles = data["data"]
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(f"{path}: not a KorQuAD 1.0 JSON file ({err})") from None
    if limit is not None:
        if limit < 1:
            raise UsageError("--limit must be at least 1")
        articles = articles[:limit]
    if split not in SPLITS:
        raise UsageError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    posts: list[Post] = []
    records: list[QARecord] = []
    for a, article in enumerate(articles):
        title = str(article.get("title", "")).replace("_", " ").strip() or f"article {a}"
        for p, para in enumerate(article.get("paragraphs", [])):
            pid = post_id(a, p)
            posts.append(Post(id=pid, title=title, body=para["context"]))
            if not in_split(a, split):
                continue
            for qa in para.get("qas", []):
                answers = qa.get("answers") or []
                records.append(QARecord(question=qa["question"], gold=[pid],
                                        answer=answers[0]["text"] if answers else None, type="korquad",
                                        line=len(records) + 1, source=str(path)))
    return posts, records

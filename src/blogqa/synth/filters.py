"""Filters every generated record passes: no duplicates, no title copies, answer found in the post.

    >>> copies_title("Python 기반의 웹서비스 개발 환경 구축 방법은 어떻게 되나요?", "Python 기반의 웹서비스 개발 환경 구축 방법")
    True
    >>> answer_in_post("pip는 패키지 관리 시스템입니다", "그 다음 [pip](http://x)는 **패키지 관리** 시스템입니다.")
    True
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Callable, Iterable

from ..models import Post
from .records import QARecord, plain, squash

TITLE_SIMILARITY = 0.85  # a question this close to the title (character ratio) restates it
SHORT_TITLE_CHARS = 6    # shorter titles are matched as words: "go" hides inside too many strings

_WORDS = re.compile(r"\w+", re.UNICODE)


def copies_title(question: str, title: str) -> bool:
    """True when the question contains the whole title, or is nearly the title itself.

    Short titles are matched as whole words (a Korean particle may follow), so the title "Go"
    is not found inside "google".

    >>> copies_title("트렐로는 무엇인가요?", "트렐로를 소개합니다."), copies_title("동행을 계획하려면?", "동행")
    (False, True)
    >>> copies_title("google 계정은?", "Go")
    False
    """
    q, t = squash(question), squash(title)
    if not q or not t:
        return False
    if len(t) >= SHORT_TITLE_CHARS:
        return t in q or SequenceMatcher(None, q, t).ratio() >= TITLE_SIMILARITY
    words = _WORDS.findall(plain(title).lower())
    pattern = r"(?<!\w)" + r"\W*".join(map(re.escape, words)) + r"(?:[가-힣]{1,3})?(?!\w)"
    return bool(re.search(pattern, plain(question).lower()))


def answer_in_post(answer: str, body: str, min_support: float | None = None,
                   tokens: Callable[[str], list[str]] | None = None) -> bool:
    """True when the answer is a span of the post (ignoring markup, spaces and punctuation).

    With `min_support`, an answer that is not a span still passes when at least that share of
    its content tokens occur in the post: how a paraphrasing LLM's short answer is judged.

    >>> answer_in_post("정산은 매일 새벽에 돈다", "정산 배치는 매일 새벽 3시에 돈다.", min_support=0.8)
    True
    """
    key = squash(answer)
    if not key:
        return False
    if key in squash(body):
        return True
    if min_support is None:
        return False
    tokens = tokens or (lambda s: _WORDS.findall(s.lower()))
    wanted = set(tokens(answer))
    if not wanted:
        return False
    have = set(tokens(body))
    found = sum(1 for w in wanted if w in have or any(h.startswith(w) or w.startswith(h) for h in have if len(h) >= 2))
    return found / len(wanted) >= min_support


@dataclass
class FilterReport:
    kept: list[QARecord] = field(default_factory=list)
    dropped: list[tuple[QARecord, str]] = field(default_factory=list)

    @property
    def reasons(self) -> Counter:
        return Counter(reason for _, reason in self.dropped)

    def summary(self) -> str:
        if not self.dropped:
            return "nothing dropped"
        return "dropped " + ", ".join(f"{n} {reason}" for reason, n in self.reasons.most_common())


def filter_records(records: Iterable[QARecord], posts: dict[str, Post], min_support: float | None = None,
                   tokens: Callable[[str], list[str]] | None = None) -> FilterReport:
    """Keep the records that are new, do not copy their post's title and are answered by their post.

    Duplicates are judged on the normalised question text across all posts (the first one stays):
    the same question about two posts has no single right post.
    """
    report = FilterReport()
    seen: set[str] = set()
    for record in records:
        post = posts.get(record.post_id)
        key = squash(record.question)
        if post is None:
            reason = "unknown post"
        elif not key or not squash(record.answer):
            reason = "empty question or answer"
        elif key in seen:
            reason = "duplicate"
        elif copies_title(record.question, post.title):
            reason = "title copy"
        elif not answer_in_post(record.answer, post.body, min_support, tokens):
            reason = "answer not in post"
        else:
            reason = ""
        if reason:
            report.dropped.append((record, reason))
        else:
            seen.add(key)
            report.kept.append(record)
    return report

"""Checks of one answer against what a question set says it must contain.

Pure functions over strings, used by the eval runner for `modes.<mode>.answers`:

    >>> keywords_found("기본값으로는 30초를 기다립니다. [1]", ["30초", "pool_timeout"])
    1
    >>> span_in_answer("세종은  1418년에 즉위했다", "1418년")
    True
    >>> cited_lines("- 기본값은 30초입니다. [1]\\n- 풀 크기는 5입니다 [2]")
    [('기본값은 30초입니다.', [1]), ('풀 크기는 5입니다', [2])]
"""
from __future__ import annotations

import re
import unicodedata

_CITE = re.compile(r"\[(\d+)\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_TITLE_QUOTE = re.compile(r"「([^」]+)」|\"([^\"]+)\"")
# a quoted piece shorter than this is too short to tell posts apart
_MIN_SEGMENT = 6


def flat(text: str) -> str:
    """NFC, lower case, whitespace runs as one space: how text is compared.

    >>> flat("Pool  Timeout\\n은")
    'pool timeout 은'
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().lower()


def keywords_found(answer: str, keywords: list[str]) -> int:
    """How many keywords occur in the answer (case-insensitive, whitespace collapsed)."""
    body = flat(answer)
    return sum(1 for kw in keywords if flat(kw) and flat(kw) in body)


def span_in_answer(answer: str, span: str) -> bool:
    """Whether a gold answer span occurs in the answer."""
    return bool(flat(span)) and flat(span) in flat(answer)


def cited_lines(answer: str) -> list[tuple[str, list[int]]]:
    """(text without bullet and markers, cited numbers) of every line that cites a source."""
    out = []
    for line in answer.splitlines():
        numbers = [int(n) for n in _CITE.findall(line)]
        if numbers:
            out.append((_CITE.sub("", _BULLET.sub("", line)).strip(), numbers))
    return out


def comes_from(text: str, body: str) -> bool:
    """Whether a quoted line is taken from `body`: every piece between ellipses of at least a few
    characters occurs in it (whitespace and case aside).

    >>> comes_from("기본값으로는 … 30초를 기다립니다.", "풀이 차면 기본값으로는 30초를 기다립니다.")
    True
    >>> comes_from("Poetry는 기여를 기다립니다.", "풀이 차면 30초를 기다립니다.")
    False
    """
    pieces = [p for p in (flat(_CITE.sub("", s)) for s in _GAP.split(text)) if len(p) >= _MIN_SEGMENT]
    haystack = flat(_CITE.sub("", body))  # a post's own footnote marks ("출시[1]되었지만") may be dropped
    return all(p in haystack or p.rstrip(".:;") in haystack for p in pieces)


def misattributed(answer: str, bodies: dict[int, str], titles: dict[int, str] | None = None) -> int:
    """Lines of an answer that point at a post they do not come from.

    `bodies`/`titles` map a source number to its post's text and title. A cited line counts when
    its text is in none of the posts it cites; a lead line that names one post's title (in 「」 or
    quotes) counts once for every line under it that cites another post.

    >>> misattributed("「풀」에 따르면:\\n- 30초를 기다립니다. [1]\\n- 기여를 기다립니다. [2]",
    ...               {1: "기본 30초를 기다립니다.", 2: "여러분의 기여를 기다립니다."}, {1: "풀", 2: "포에트리"})
    1
    """
    count = 0
    named: int | None = None
    in_code = False
    for line in answer.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:  # "map[10]" in quoted code is not a citation
            continue
        numbers = [int(n) for n in _CITE.findall(line)]
        if not numbers:
            named = _named_source(line, titles or {})
            continue
        text = _CITE.sub("", _BULLET.sub("", line)).strip()
        if text and not any(comes_from(text, bodies.get(n, "")) for n in numbers):
            count += 1
        elif named is not None and named not in numbers:
            count += 1
    return count


def _named_source(line: str, titles: dict[int, str]) -> int | None:
    for match in _TITLE_QUOTE.finditer(line):
        quoted = flat(match.group(1) or match.group(2))
        for n, title in titles.items():
            if quoted and quoted == flat(title):
                return n
    return None

"""Pure helpers for what pages show: highlight terms and snippets.

    snippet("... 배포 시간은 40분에서 8분으로 줄었습니다 ...", ["배포"], width=20)
    -> "…배포 시간은 40분에서 8분으로…"
"""
from __future__ import annotations

import re


def highlight_terms(query: str, tokenizer=None, limit: int = 12) -> list[str]:
    """Words worth marking in a snippet: the tokenizer's morphemes (so `배포는` marks `배포`),
    else the query's words; one-letter terms are dropped (they would mark half the text)."""
    terms: list[str] = []
    if tokenizer is not None:
        try:
            terms = list(tokenizer.tokens(query))
        except Exception:  # a tokenizer problem must not break search
            terms = []
    if not terms:
        terms = re.findall(r"\w+", query)
    out: list[str] = []
    for t in terms:
        t = t.strip().lower()
        if len(t) >= 2 and t not in out:
            out.append(t)
    return out[:limit]


def snippet(text: str, terms: list[str], width: int = 240) -> str:
    """A window of `width` characters around the first term found (the start when none is)."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    low = flat.lower()
    found = [i for i in (low.find(t.lower()) for t in terms if t) if i >= 0]
    start = max(0, min(found) - width // 4) if found else 0
    start = min(start, len(flat) - width)
    piece = flat[start:start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(flat) else "")


from ..answer.email import EMAIL, email_question  # noqa: E402,F401  (the server's names for them)

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


# An address starts where a run of address characters starts: without the look-behind, a
# 20,000-letter question with no "@" is tried from every letter (2 s, quadratic).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SENTENCE_END = re.compile(r"(?<=[.?!。？！])\s+|\n+")
CONTACT = re.compile(EMAIL.pattern + r"|https?://\S+|\+?\d[\d\s().-]{7,}\d")
FILLER = re.compile(
    r"^(안녕하세요|안녕하십니까|수고\s*많으십니다|감사합니다|고맙습니다|hi\b|hello\b|dear\b|thanks\b|thank you\b|"
    r"best\b|regards\b|sincerely\b|cheers\b)|(드림|올림|배상)\.?$|(답변|회신|답장|연락).{0,20}(부탁|주세요|바랍니다)",
    re.IGNORECASE)
ASKING = re.compile(r"(\?|？|나요|까요|가요|습니까|는지요|은지요|는지|궁금합니다|궁금해요|"
                    r"알려\s*주세요|알고\s*싶습니다)[.!]*$")


def email_question(email: str, limit: int = 2000) -> str:
    """The question(s) inside a customer's e-mail, for retrieval: greetings, sign-offs,
    contact details and "please reply" lines go; sentences that ask are kept.

    email_question("안녕하세요.\\n결제 링크는 며칠 동안 쓸 수 있나요?\\n홍길동 드림")
    -> "결제 링크는 며칠 동안 쓸 수 있나요?"
    """
    sentences = [s.strip() for s in SENTENCE_END.split(email) if s and s.strip()]
    kept = [s for s in sentences if not CONTACT.search(s) and not FILLER.search(s)]
    asking = [s for s in kept if ASKING.search(s)]
    chosen = asking or kept or [email.strip()]
    return " ".join(chosen)[:limit]

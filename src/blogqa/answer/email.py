"""The questions inside a customer's or colleague's e-mail (pure functions).

Greetings, sign-offs, contact details and "please reply" lines go; sentences that ask are the
questions, in order. A short question that leans on what came before ("그건 유료인가요?") is
asked with the sentence before it.

    >>> questions_in("안녕하세요.\\n결제 링크는 며칠 동안 쓸 수 있나요? 환불도 되나요?\\n홍길동 드림")
    ['결제 링크는 며칠 동안 쓸 수 있나요?', '환불도 되나요?']
"""
from __future__ import annotations

import re

from ..text.sentences import split_sentences

# An address starts where a run of address characters starts: without the look-behind, a
# 20,000-letter question with no "@" is tried from every letter (2 s, quadratic).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CONTACT = re.compile(EMAIL.pattern + r"|https?://\S+|\+?\d[\d\s().-]{7,}\d")
FILLER = re.compile(
    r"^(안녕하세요|안녕하십니까|수고\s*많으십니다|감사합니다|고맙습니다|hi\b|hello\b|dear\b|thanks\b|thank you\b|"
    r"best\b|regards\b|sincerely\b|cheers\b)|(드림|올림|배상)\.?$|(답변|회신|답장|연락).{0,20}(부탁|주세요|바랍니다)",
    re.IGNORECASE)
ASKING = re.compile(r"(\?|？|나요|까요|가요|습니까|는지요|은지요|는지|궁금합니다|궁금해요|"
                    r"알려\s*주세요|알고\s*싶습니다)[.!]*$")


# a question with fewer words than this is asked together with the sentence before it
SHORT_QUESTION_WORDS = 4


def _kept_sentences(email: str) -> list[str]:
    """The e-mail's sentences without greetings, sign-offs, contact details and "please reply"."""
    sentences = split_sentences(email, fullwidth=True)  # ？ and ！ too: Korean keyboards type them
    return [s for s in sentences if not CONTACT.search(s) and not FILLER.search(s)]


def questions_in(email: str, limit: int = 5) -> list[str]:
    """The e-mail's questions in order (at most `limit`); none when no sentence asks."""
    kept = _kept_sentences(email)
    out = []
    for i, s in enumerate(kept):
        if not ASKING.search(s):
            continue
        before = kept[i - 1] if i > 0 and not ASKING.search(kept[i - 1]) else None
        out.append(f"{before} {s}" if before and len(s.split()) < SHORT_QUESTION_WORDS else s)
    return out[:limit]


def email_question(email: str, limit: int = 2000) -> str:
    """The question(s) inside a customer's e-mail, for retrieval: greetings, sign-offs,
    contact details and "please reply" lines go; sentences that ask are kept.

    email_question("안녕하세요.\\n결제 링크는 며칠 동안 쓸 수 있나요?\\n홍길동 드림")
    -> "결제 링크는 며칠 동안 쓸 수 있나요?"
    """
    kept = _kept_sentences(email)
    asking = [s for s in kept if ASKING.search(s)]
    chosen = asking or kept or [email.strip()]
    return " ".join(chosen)[:limit]

"""What never reaches the question and feedback logs: e-mail addresses and phone numbers.

    redact("kim@example.com 이나 010-1234-5678 로 연락 주세요")
    -> "[email] 이나 [phone] 로 연락 주세요"

Phone numbers are the Korean forms (mobile `010-1234-5678` / `01012345678`, landlines
`02-123-4567`, `(031) 123 4567`, 070/050x/080, the 15xx/16xx/18xx-xxxx company numbers) and international
ones written with `+` and a country code (`+82 10 1234 5678`, `+1 415 555 0100`, 8-15 digits).
Dates, versions, amounts and order numbers stay: `2024-01-15`, `1.2.3`, `#12345`, `20240115`
(a number is only a phone number when it starts like one: `0` + an area or mobile code, `15xx`/`16xx`/`18xx`
with a dash, or `+`).
"""
from __future__ import annotations

import re

from ..answer.email import EMAIL

_SEP = r"[-. ]?"
# 0 + mobile (010, 011, 016-019), Seoul 02, regions 031-064, 070, 050x, 080; then 3-4 and 4 digits
_KOREAN = (r"\(?0(?:1[016789]|2|[3-6][1-5]|70|50\d|80)\)?" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}"
           r"|1(?:5[4-9]|6\d|8\d)\d-\d{4}")
# + country code, then 2-5 groups of digits (the digit count is checked in `_phone`)
_INTERNATIONAL = r"\+\d{1,3}(?:" + _SEP + r"\(?\d{1,4}\)?){2,5}"
# not inside a longer number, Latin word, version or `#order`; Hangul may touch it ("010-1234-5678로")
PHONE = re.compile(r"(?<![A-Za-z0-9_#.+-])(?:" + _INTERNATIONAL + "|" + _KOREAN + r")(?![A-Za-z0-9_-]|[.]\d)")


def _phone(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return "[phone]" if 8 <= digits <= 15 else match.group()


def redact(text: str | None) -> str | None:
    """Replace e-mail addresses with `[email]` and phone numbers with `[phone]`:
    `redact("a kim.j+x@mail.example.com b") == "a [email] b"`, `redact("+1 415 555 0100") == "[phone]"`."""
    if not text:
        return text
    return PHONE.sub(_phone, EMAIL.sub("[email]", text))

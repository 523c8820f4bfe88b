"""Sentence splitting and language detection for answers (pure functions)."""
from __future__ import annotations

import re

_SPLIT = re.compile(r"(?<=[.!?。])\s+|\n+")
_CODE_FENCE = re.compile(r"```.*?```", re.S)


def is_korean(text: str) -> bool:
    """True when Hangul is at least a fifth of the letters.

    >>> is_korean("배포는 어떻게 하나요?"), is_korean("How do we deploy?")
    (True, False)
    """
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    letters = sum(1 for ch in text if ch.isalpha())
    return letters > 0 and hangul / letters >= 0.2


def split_sentences(text: str, min_chars: int = 8, max_chars: int = 400) -> list[str]:
    """Prose sentences of a chunk; code blocks, headings and fragments are left out.

    >>> split_sentences("## 제목\\n첫 문장입니다. 두 번째 문장이에요.\\n```\\ncode\\n```")
    ['첫 문장입니다.', '두 번째 문장이에요.']
    """
    text = _CODE_FENCE.sub("\n", text)
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("#"):
            continue
        for part in _SPLIT.split(line):
            part = part.strip(" -*>\t")
            if not part:
                continue
            if not part.endswith((".", "!", "?", "。")) and re.search(r"[다요죠음함]$", part):
                part += "."
            if min_chars <= len(part) <= max_chars:
                out.append(part)
    return out

"""Sentence splitting, the one place that says where a sentence ends (pure functions).

A sentence ends after `.`, `!`, `?` or `。` followed by white space, and at every line break.
Callers that need more say so: `fullwidth` also ends one at `？`/`！` (e-mails typed on a Korean or
Japanese keyboard), `glued` also after `다.`/`요.` with no space at all (`했다.다음` in scraped
posts; the chunker packs by sentence and must not see one run-on "sentence").

    >>> split_sentences("첫 문장입니다. 둘째!\\n셋째")
    ['첫 문장입니다.', '둘째!', '셋째']
    >>> split_sentences("됐다.다음 문장"), split_sentences("됐다.다음 문장", glued=True)
    (['됐다.다음 문장'], ['됐다.', '다음 문장'])
"""
from __future__ import annotations

import functools
import re

MARKS = ".!?。"
FULLWIDTH_MARKS = "？！"
_GLUED = r"|(?<=다\.)\s*|(?<=요\.)\s*"
_CODE_FENCE = re.compile(r"```.*?```", re.S)


@functools.lru_cache(maxsize=None)
def _breaks(fullwidth: bool, glued: bool) -> re.Pattern:
    marks = re.escape(MARKS + (FULLWIDTH_MARKS if fullwidth else ""))
    return re.compile(rf"(?<=[{marks}])\s+" + (_GLUED if glued else "") + r"|\n+")


def split_sentences(text: str, *, fullwidth: bool = False, glued: bool = False,
                    strip: str | None = None) -> list[str]:
    """The sentences of `text` in order, each stripped (of white space, or of the characters in
    `strip`), empty ones left out."""
    return [part.strip(strip) for part in _breaks(fullwidth, glued).split(text) if part.strip(strip)]


def prose_sentences(text: str, min_chars: int = 8, max_chars: int = 400) -> list[str]:
    """Prose sentences of a chunk; code blocks, headings and fragments are left out, list and quote
    markers stripped; a Korean sentence that ends without a period gets one.

    >>> prose_sentences("## 제목\\n첫 문장입니다. 두 번째 문장이에요.\\n```\\ncode\\n```")
    ['첫 문장입니다.', '두 번째 문장이에요.']
    """
    text = _CODE_FENCE.sub("\n", text)
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("#"):
            continue
        for part in split_sentences(line, strip=" -*>\t"):
            if not part.endswith(tuple(MARKS)) and re.search(r"[다요죠음함]$", part):
                part += "."
            if min_chars <= len(part) <= max_chars:
                out.append(part)
    return out

"""Checking the citations of a generated answer (pure functions).

Every `[n]` must point at a source the model was given. Out-of-range numbers are removed from the
text and reported; valid numbers are never renumbered, so `[3]` in the text is still `sources`
entry n=3. The sources of the answer are the cited posts only, in order of first citation.

    >>> check = check_citations("A [1]. B [4][2]. C [1, 9].", 3)
    >>> check.text, check.cited, check.invalid
    ('A [1]. B [2]. C [1].', [1, 2], [4, 9])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Source

# [1]  [1, 2]  [1,2,3]  [1][2]  (also the full-width ［1］ some models produce)
_CITE = re.compile(r"[\[［]\s*(\d{1,4}(?:\s*[,，、]\s*\d{1,4})*)\s*[\]］]")
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.S)


@dataclass
class CitationCheck:
    text: str                                          # the answer with bad citations removed
    cited: list[int] = field(default_factory=list)     # valid numbers, in order of first use
    invalid: list[int] = field(default_factory=list)   # removed numbers, in order of first use


def find_citations(text: str) -> list[int]:
    """All cited numbers in order of appearance (repeats kept); code spans are not looked at.

    >>> find_citations("x [2] y [1,3] `a[0]`")
    [2, 1, 3]
    """
    out: list[int] = []
    for kind, part in _split_code(text):
        if kind == "text":
            for m in _CITE.finditer(part):
                out += [int(x) for x in re.split(r"[,，、]", m.group(1))]
    return out


def check_citations(text: str, n_sources: int) -> CitationCheck:
    """Remove citations outside 1..n_sources; keep the others exactly as numbered."""
    cited: list[int] = []
    invalid: list[int] = []

    def fix(m: re.Match) -> str:
        numbers = [int(x) for x in re.split(r"[,，、]", m.group(1))]
        good = [n for n in numbers if 1 <= n <= n_sources]
        for n in numbers:
            target = cited if n in good else invalid
            if n not in target:
                target.append(n)
        if not good:
            return "\x00"  # removed; whitespace around it is tidied below
        return "[" + ", ".join(str(n) for n in dict.fromkeys(good)) + "]"

    pieces = []
    for kind, part in _split_code(text):
        pieces.append(_CITE.sub(fix, part) if kind == "text" else part)
    out = "".join(pieces)
    if "\x00" in out:
        out = re.sub(r"[ \t]*\x00(?=[ \t]*[.,;:!?。]|[ \t]*$)", "", out, flags=re.M)  # "claim [9]." -> "claim."
        out = re.sub(r"\x00[ \t]*", "", out)
    return CitationCheck(out, cited, invalid)


def cited_sources(cited: list[int], given: list[Source]) -> list[Source]:
    """The given sources that were cited, in citation order, keeping their numbers."""
    by_n = {s.n: s for s in given}
    return [by_n[n] for n in cited if n in by_n]


def _split_code(text: str) -> list[tuple[str, str]]:
    parts, pos = [], 0
    for m in _CODE.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos:m.start()]))
        parts.append(("code", m.group(0)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts

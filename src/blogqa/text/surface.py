"""Could the tokenizer find one of these tokens in a text? A test on the text's letters, so that an
answer analyses only the sentences that may hold the question's words.

A kept morpheme is spelled in the text it comes from, but for three things: Latin words are
lower-cased, Hangul loanwords map to their Latin token ("도커" -> "docker", text/loanwords.py), and
a verb or adjective stem changes its last syllable when conjugated ("기다리" in "기다립니다",
"어렵" in "어려워", "만들" in "만드는"). That syllable keeps its initial consonant, so a Hangul
token is looked for as its syllables but the last, then any syllable with the last one's initial;
a stem ending in 르 also as its syllables but the last two, the one before 르 with any final
consonant, then a syllable that starts with ㄹ ("다르" in "달라서").

    >>> find = surface_pattern(["기다리", "docker", "다르"])
    >>> [bool(find.search(lowered(t))) for t in ("30초를 기다립니다.", "도커를 씁니다", "서로 달라서", "기대합니다")]
    [True, True, True, False]
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from .hangul import FIRST, is_hangul
from .loanwords import LOANWORDS

_FIRST = ord(FIRST)  # a syllable is _FIRST + (initial * 21 + vowel) * 28 + final
_RIEUL = 5  # ㄹ's index among initials


def lowered(text: str) -> str:
    """What a pattern is matched against: NFC, lower-cased."""
    return unicodedata.normalize("NFC", text).lower()


def _syllables(start: int, size: int) -> str:
    return f"[{chr(start)}-{chr(start + size - 1)}]"


def _with_initial_of(syllable: str) -> str:
    """Any syllable with the initial consonant of `syllable`."""
    initial = (ord(syllable) - _FIRST) // 588
    return _syllables(_FIRST + initial * 588, 588)


def _with_initial_and_vowel_of(syllable: str) -> str:
    """Any syllable that is `syllable` with some final consonant (or none)."""
    return _syllables(_FIRST + (ord(syllable) - _FIRST) // 28 * 28, 28)


@lru_cache(maxsize=4096)
def _spellings(token: str) -> tuple[str, ...]:
    """Regular expressions, one of which a text holding `token` matches."""
    token = lowered(token)
    out = [re.escape(h) for h in _HANGUL_SPELLINGS.get(token, ())]
    if not token or not is_hangul(token[-1]):
        return (re.escape(token), *out)
    out.append(re.escape(token[:-1]) + _with_initial_of(token[-1]))
    if token.endswith("르") and len(token) >= 2 and is_hangul(token[-2]):
        out.append(re.escape(token[:-2]) + _with_initial_and_vowel_of(token[-2])
                   + _syllables(_FIRST + _RIEUL * 588, 588))
    return tuple(out)


def surface_pattern(tokens: Iterable[str]) -> re.Pattern | None:
    """A pattern that finds, in a `lowered` text, each place the tokenizer may read one of
    `tokens`; a text it does not match holds none of them. None when there are no tokens."""
    return _pattern_of(frozenset(tokens))


@lru_cache(maxsize=4096)  # a question's words, and the morphemes snippet marks look for one by one
def _pattern_of(tokens: frozenset[str]) -> re.Pattern | None:
    alternatives = sorted({s for t in tokens for s in _spellings(t)})
    return re.compile("|".join(alternatives)) if alternatives else None


_HANGUL_SPELLINGS: dict[str, list[str]] = {}  # "docker" -> ["도커"]
for _hangul, _latin in LOANWORDS.items():
    _HANGUL_SPELLINGS.setdefault(_latin, []).append(_hangul)

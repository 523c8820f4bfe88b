"""Which of a question's words does a text hold? Told by the text's letters, without the tokenizer.

`surface_pattern` is the wide test: a text it does not match holds none of the tokens (the snippet
marks ask Kiwi only about the words it matches). `topic_words_in` is the offline answer's word
test: the topic words each unit of a post spells, a verb or adjective stem with its endings, any
other word exactly, so an answer reads its candidate passages without Kiwi (docs/benchmarks.md: the same
keyword recall over the six blogs, a tenth of the time).

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


# The vowels a stem's last syllable may take before an ending: its own, or the one it contracts
# to ("바꾸" -> "바꿔", "기다리" -> "기다려", "쓰" -> "써", "하" -> "해", "되" -> "돼")
_A, _AE, _YA, _YAE, _EO, _YEO, _O, _WA, _WAE, _OE, _U, _WO, _EU, _I = 0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 13, 14, 18, 20
_ENDING_VOWELS = {_A: (_AE,), _YA: (_YAE,), _EO: (_AE,), _O: (_WA,), _OE: (_WAE,), _U: (_WO,), _I: (_YEO,),
                  _EU: (_EO, _A)}


def _with_ending(syllable: str) -> str:
    """The syllables a stem's last syllable is spelled as before an ending: the same initial, its
    vowel or the one it contracts to, any final ("립" in "기다립니다", "려" in "어려워")."""
    initial, rest = divmod(ord(syllable) - _FIRST, 588)
    vowel = rest // 28
    starts = [_FIRST + initial * 588 + v * 28 for v in (vowel, *_ENDING_VOWELS.get(vowel, ()))]
    return "[" + "".join(f"{chr(a)}-{chr(a + 27)}" for a in starts) + "]"


@lru_cache(maxsize=4096)
def _stem_spellings(token: str) -> tuple[str, ...]:
    """How a text spells the verb or adjective stem `token` (narrower than `_spellings`)."""
    if not token or not is_hangul(token[-1]):
        return (re.escape(token),)
    out = [re.escape(token[:-1]) + _with_ending(token[-1])]
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


# Kiwi reads a web address as one token of no part of speech, so no word in it counts
_ADDRESS = re.compile(r"https?://\S+|www\.\S+")


@lru_cache(maxsize=8192)
def word_pattern(token: str, stem: bool) -> re.Pattern:
    """Where a `lowered` text spells `token` as the tokenizer would read it: a verb or adjective
    `stem` with its endings (`_stem_spellings`), any other word as itself or its Hangul loanword
    spelling; a Latin word not inside a longer Latin word, a number not inside a longer one (Kiwi
    splits "vue3" and "p1" into a word and a number, but "google" holds no "go").

    >>> [bool(word_pattern(t, s).search(x)) for t, s, x in [("go", False, "google"), ("vue", False, "vue3로"),
    ...     ("1", False, "p1: 꼭"), ("배포", False, "배편"), ("기다리", True, "기다립니다"), ("docker", False, "도커를"),
    ...     ("지우", True, "지워 주세요"), ("지우", True, "지역"), ("따로", False, "따라서")]]
    [False, True, True, False, True, True, True, False, False]
    """
    token = lowered(token)
    if stem:
        spellings = list(_stem_spellings(token))
    else:
        spellings = [re.escape(token), *(re.escape(h) for h in _HANGUL_SPELLINGS.get(token, ()))]
    either = "|".join(spellings)
    if token.isdigit():
        return re.compile(rf"(?<![0-9])(?:{either})(?![0-9])")
    if token.isascii():
        return re.compile(rf"(?<![a-z])(?:{either})(?![a-z])")
    return re.compile(either)


def topic_words_in(texts: list[str], topic: set[str], stems: set[str]) -> list[set[str]]:
    """The words of `topic` each text spells (`word_pattern`; `stems`: those the question's
    analysis read as verb or adjective stems), web addresses left out.

    >>> [sorted(words) for words in topic_words_in(["기본값으로는 30초를 기다립니다.", "Kafka: https://kafka.apache.org"],
    ...                                             {"기다리", "30", "kafka"}, {"기다리"})]
    [['30', '기다리'], ['kafka']]
    """
    patterns = [(t, word_pattern(t, t in stems)) for t in sorted(topic)]
    out = []
    for text in texts:
        plain = _ADDRESS.sub(" ", lowered(text))
        out.append({t for t, pattern in patterns if pattern.search(plain)})
    return out


_HANGUL_SPELLINGS: dict[str, list[str]] = {}  # "docker" -> ["도커"]
for _hangul, _latin in LOANWORDS.items():
    _HANGUL_SPELLINGS.setdefault(_latin, []).append(_hangul)

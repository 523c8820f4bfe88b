"""Hangul: which characters are Korean syllables, and whether a text is Korean (pure functions).

    >>> is_hangul("한"), is_hangul("a"), count_hangul("안녕 world"), is_korean("배포는 어떻게 하나요?")
    (True, False, 2, True)
"""
from __future__ import annotations

import re

FIRST, LAST = "\uac00", "\ud7a3"  # 가 ... 힣: the 11,172 precomposed syllables
HANGUL = re.compile(f"[{FIRST}-{LAST}]")


def is_hangul(ch: str) -> bool:
    """True when `ch` is one Hangul syllable (False for "" and for longer strings)."""
    return len(ch) == 1 and FIRST <= ch <= LAST


def count_hangul(text: str) -> int:
    return sum(1 for ch in text if FIRST <= ch <= LAST)


def has_hangul(text: str) -> bool:
    return HANGUL.search(text) is not None


def is_korean(text: str) -> bool:
    """True when Hangul is at least a fifth of the letters.

    >>> is_korean("배포는 어떻게 하나요?"), is_korean("How do we deploy?")
    (True, False)
    """
    letters = sum(1 for ch in text if ch.isalpha())
    return letters > 0 and count_hangul(text) / letters >= 0.2


def syllable_has_final(syllable: str) -> bool:
    """True when a Hangul syllable ends in a final consonant (받침): "법" yes, "구" no.
    Each initial-medial pair has 28 forms in Unicode, the first of them without a final."""
    return is_hangul(syllable) and (ord(syllable) - ord(FIRST)) % 28 != 0


# Korean particles a word may end with, longest first: what Kiwi sometimes reads as part of an
# unknown noun ("구성은", "스포카의")
PARTICLES = tuple(sorted(set(
    "은 는 이 가 을 를 의 에 로 으로 와 과 도 만 나 란 이나 이란 랑 이랑 에서 에게 한테 께 까지 부터 처럼 보다 라도 이라도 "
    "마다 에서는 에서의 에게서 으로는 이라고".split()), key=lambda p: (-len(p), p)))


def particle_stems(word: str, particles: tuple[str, ...] = PARTICLES, min_stem: int = 2) -> list[str]:
    """`word` without each of `particles` it may end with, in their order (longest first), keeping
    at least `min_stem` syllables.

    >>> particle_stems("클러스터로"), particle_stems("모델에서는"), particle_stems("가로"), particle_stems("kafka")
    (['클러스터'], ['모델', '모델에서'], [], [])
    """
    if not is_hangul(word[-1:]):
        return []
    return [word[:-len(p)] for p in particles if word.endswith(p) and len(word) - len(p) >= min_stem]

"""A question's word with a particle glued on that the index never saw ("구성은", "클러스터로").

Kiwi reads an unknown compound and the particle after it as one noun, so BM25 would miss it and
the evidence gate would count a word the blog uses hundreds of times as absent from it: in the
shared blogs' questions, 7 of the 68 absent words of answerable questions, none of the 100 of the
unanswerable ones (docs/benchmarks.md, stop 29). The word without its particle stands in for it
when the index holds that and not the word as written.

    >>> known = {"구성", "클러스터", "대시보드"}
    >>> repairs_of(["구성은", "클러스터로", "대시보드용", "카프카", "로"], lambda ws: [w for w in ws if w not in known])
    {'구성은': '구성', '클러스터로': '클러스터', '대시보드용': '대시보드'}
"""
from __future__ import annotations

from typing import Callable

from ..text.hangul import PARTICLES, particle_stems

# what may be read off an absent word: the particles, and the noun suffix 용 ("대시보드용"), which
# only here, where the index must hold the rest, is safe to take off ("재사용" is no "재사")
ENDINGS = PARTICLES + ("용",)


def repairs_of(absent_words: list[str], absent: Callable[[list[str]], list[str]]) -> dict[str, str]:
    """For each of `absent_words` (words the index lacks) that ends in a particle: the word without
    it, when `absent` (the index's own lookup) says the index holds that. The longest particle
    that leaves a held word wins."""
    candidates = {w: particle_stems(w, ENDINGS) for w in absent_words}
    stems = sorted({s for options in candidates.values() for s in options})
    if not stems:
        return {}
    missing = set(absent(stems))
    out = {}
    for word, options in candidates.items():
        held = [s for s in options if s not in missing]
        if held:
            out[word] = held[0]
    return out

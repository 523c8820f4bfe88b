"""A question's word with a particle glued on that the index never saw ("구성은", "클러스터로").

Kiwi reads an unknown compound and the particle after it as one noun, so BM25 would miss it and
the evidence gate would count a word the blog uses hundreds of times as absent from it: in the
shared blogs' questions, 7 of the 68 absent words of answerable questions, none of the 100 of the
unanswerable ones (docs/benchmarks.md, stop 29). The word without its particle stands in for it
when the index holds that and not the word as written.

    >>> known = {"구성", "클러스터", "대시보드"}
    >>> particle_stems(["구성은", "클러스터로", "대시보드용", "카프카", "로"], lambda ws: [w for w in ws if w not in known])
    {'구성은': '구성', '클러스터로': '클러스터', '대시보드용': '대시보드'}
"""
from __future__ import annotations

from typing import Callable

from ..text.hangul import has_hangul

# case and auxiliary particles, and the noun suffix 용 ("대시보드용"), longest first
PARTICLES = tuple(sorted(set("은 는 이 가 을 를 로 으로 랑 이랑 와 과 의 에 에서 에게 한테 께 도 만 까지 부터 "
                             "처럼 보다 이나 나 라도 이라도 마다 용".split()), key=len, reverse=True))
MIN_STEM = 2  # syllables left once the particle goes: "로" alone, or "가로" -> "가", is no word


def particle_stems(absent_words: list[str], absent: Callable[[list[str]], list[str]]) -> dict[str, str]:
    """For each of `absent_words` (words the index lacks) that ends in a particle: the word without
    it, when `absent` (the index's own lookup) says the index holds that. The longest particle
    that leaves a held word wins."""
    candidates = {w: [w[:-len(p)] for p in PARTICLES if w.endswith(p) and len(w) - len(p) >= MIN_STEM]
                  for w in absent_words if has_hangul(w)}
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

"""Pure helpers for what pages show: highlight terms, snippets and their marked parts.

    terms = highlight_terms("스포카는 어떤 회사인가요?", tokenizer)   # ["스포카", "회사"]
    s = snippet(post_text, terms, width=240)                      # a window around the best match
    snippet_parts(s, terms, tokenizer)  # [{"text": "…", "mark": False}, {"text": "스포카", "mark": True}, ...]

Marks cover whole words: a word (eojeol) is marked when its morphemes meet the query's, and the
mark spans the word without its particles ("스포카는" -> "스포카" marked, "는" not), never a
piece of it ("스포" of "스포카"). Text is tokenized whole, as the index does (kiwi reads "주기는"
alone as the verb 주다, in "정산 주기는" as the noun 주기), and the morphemes are matched back
to the words they came from.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..text.hangul import PARTICLES
from ..text.surface import lowered, surface_pattern

_EDGE = re.compile(r"^\W*(.*?)\W*$", re.S)
LOOKAHEAD = 6  # words a morpheme is looked for in, from the word the last one was found in


@dataclass
class Word:
    """A whitespace word of a text: `start:end` is its core (no edge punctuation, particles or
    endings; empty for a word without content morphemes), `forms` its morphemes, `topic` whether
    one of them names a topic (a noun or a foreign word)."""
    start: int
    end: int
    forms: list[str]
    topic: bool


def _tagged(text: str, tokenizer) -> list[tuple[str, bool]] | None:
    """The tokenizer's (form, is topic) for `text`; None when there is no tokenizer or it fails."""
    if tokenizer is None:
        return None
    try:
        return [(form.lower(), bool(topic)) for form, topic in tokenizer.tagged_tokens(text)]
    except AttributeError:  # a tokenizer that cannot tell topics: every morpheme counts
        pass
    except Exception:  # a tokenizer problem must not break search
        return None
    try:
        return [(form.lower(), True) for form in tokenizer.tokens(text)]
    except Exception:
        return None


def words(text: str, tokenizer=None) -> list[Word]:
    """The words of `text` with their cores and morphemes (one tokenizer call for the text).

        words("(스포카는 회사", kiwi) -> [Word(1, 4, ["스포", "카"], True), Word(6, 8, ["회사"], True)]
        words("도커를", kiwi) -> [Word(0, 2, ["docker"], True)]   # a loanword, found by its Hangul
    """
    spans = []
    for m in re.finditer(r"\S+", text):
        inner = _EDGE.match(m.group())
        spans.append((m.start() + inner.start(1), m.start() + inner.end(1)))
    tagged = _tagged(text, tokenizer)
    if tagged is None:
        return [Word(a, b, [text[a:b].lower()] if b > a else [], b > a) for a, b in spans]
    found: list[list[tuple[str, bool, int]]] = [[] for _ in spans]  # (form, topic, where it ends)
    low = text.lower()
    at, pos = 0, 0  # the word being read, and where in it
    for form, topic in tagged:
        place = _find_form(low, form, spans, at, pos)
        if place is None:  # not found as written: no word is sure to be its, so none gets it
            continue
        at, end = place
        pos = end - spans[at][0]
        found[at].append((form, topic, end))
    return [Word(a, max((stop for _, _, stop in forms), default=a), [f for f, _, _ in forms],
                 any(t for _, t, _ in forms)) for (a, _), forms in zip(spans, found)]


def _find_form(low: str, form: str, spans: list[tuple[int, int]], at: int, pos: int) -> tuple[int, int] | None:
    """(word index, end) of morpheme `form` in the nearest of the words from `at` (from `pos` in
    it) that holds it: written as itself, or as a loanword's Hangul or a conjugated stem is written
    (text/surface.py: "docker" in "도커를", "기다리" in "기다립니다"; not for a one-syllable form,
    whose pattern would match any syllable with its initial). Words without content may come
    between: up to `LOOKAHEAD` words, a one-letter form this word or the next two. None when none
    holds it."""
    pattern = surface_pattern([form]) if len(form) > 1 else None
    for j in range(at, min(len(spans), at + (LOOKAHEAD if len(form) > 1 else 3))):
        a, b = spans[j]
        start = a + (pos if j == at else 0)
        hit = low.find(form, start, b)
        if hit >= 0:
            return j, hit + len(form)
        m = pattern.search(low, start, b) if pattern is not None else None
        if m:
            return j, m.end()
    return None


def highlight_terms(query: str, tokenizer=None, limit: int = 12) -> list[str]:
    """Words worth finding in a snippet: each query word that names a topic, as it is written
    without particles ("스포카는" -> "스포카", "배포는" -> "배포"; not "어떻게"), then its topic
    morphemes; one-letter terms are dropped (they would mark half the text)."""
    found = [w for w in words(query, tokenizer) if w.topic]
    terms: list[str] = []
    for t in [query[w.start:w.end].lower() for w in found] + [f for w in found for f in w.forms]:
        t = t.strip()
        if len(t) >= 2 and t not in terms:
            terms.append(t)
    return terms[:limit]


def _best_centre(low: str, terms: list[str], width: int) -> int | None:
    """The middle of the window holding the most distinct terms (longer terms count more; the
    earliest such window wins a tie); None when no term occurs."""
    hits = sorted((i, t) for t in terms for i in _occurrences(low, t))
    if not hits:
        return None
    best, best_score = None, -1
    for i, t in hits:
        lo, hi = i + len(t) // 2 - width // 2, i + len(t) // 2 + width // 2
        inside = {u for j, u in hits if lo <= j and j + len(u) <= hi}
        score = sum(len(u) for u in inside)
        if score > best_score:
            best, best_score = i + len(t) // 2, score
    return best


def _occurrences(low: str, term: str, most: int = 50) -> list[int]:
    found, at = [], low.find(term)
    while at >= 0 and len(found) < most:
        found.append(at)
        at = low.find(term, at + 1)
    return found


def snippet(text: str, terms: list[str], width: int = 240) -> str:
    """A window of about `width` characters centred on the best match (the start when no term
    occurs), cut at spaces where one is near.

    >>> snippet("가 " * 200 + "배포 시간은 8분으로 줄었습니다 " + "나 " * 200, ["배포"], width=40)
    '…가 가 가 가 가 가 가 가 가 배포 시간은 8분으로 줄었습니다 나…'
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    centre = _best_centre(flat.lower(), [t.lower() for t in terms if t], width)
    start = 0 if centre is None else min(max(0, centre - width // 2), len(flat) - width)
    end = start + width
    if start > 0:  # begin at a word, if one begins near
        space = flat.find(" ", start, start + 12)
        start = space + 1 if space >= 0 else start
    if end < len(flat):
        space = flat.rfind(" ", end - 12, end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")


def _near_terms(text: str, wanted: set[str], tokenizer) -> list[Word]:
    """`words(text, tokenizer)` for the words whose letters may hold a term, each read by the
    tokenizer with the word before and after it (text/surface.py); other words get no morphemes.
    A snippet's few matching words cost a fraction of reading all of it."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    find = surface_pattern(wanted)
    low = lowered(text)
    if find is None:
        near = []
    elif len(low) == len(text):  # one scan of the text; a match never crosses a space
        starts = [a for a, _ in spans]
        near = sorted({bisect_right(starts, m.start()) - 1 for m in find.finditer(low)})
    else:  # lower-casing moved the offsets: word by word
        near = [j for j, (a, b) in enumerate(spans) if find.search(lowered(text[a:b]))]
    out = [Word(a, a, [], False) for a, _ in spans]
    runs: list[list[int]] = []
    for j in near:
        lo, hi = max(0, j - 1), min(len(spans) - 1, j + 1)
        if runs and lo <= runs[-1][1] + 1:
            runs[-1][1] = hi
        else:
            runs.append([lo, hi])
    for lo, hi in runs:
        start = spans[lo][0]
        for j, w in zip(range(lo, hi + 1), words(text[start:spans[hi][1]], tokenizer)):
            out[j] = Word(w.start + start, w.end + start, w.forms, w.topic)
    return out


def snippet_parts(text: str, terms: list[str], tokenizer=None) -> list[dict]:
    """`text` as parts `{"text", "mark"}`: a word is marked when its morphemes include a term, or
    its core is one (or one and a particle); the mark spans the word's core. The tokenizer reads
    the words near a term's letters, not the whole snippet (`_near_terms`)."""
    wanted = {t.lower() for t in terms if len(t) >= 2}
    parts: list[dict] = []

    def add(piece: str, mark: bool) -> None:
        if not piece:
            return
        if parts and parts[-1]["mark"] == mark:
            parts[-1]["text"] += piece
        else:
            parts.append({"text": piece, "mark": mark})

    last = 0
    for word in _near_terms(text, wanted, tokenizer) if tokenizer is not None else words(text):
        core, end = text[word.start:word.end].lower(), word.end
        hit = bool(core) and (core in wanted or bool(wanted & set(word.forms)))
        for particle in () if hit or not core else PARTICLES:  # kiwi may read "스포카의" as one name
            if core.endswith(particle) and core[:-len(particle)] in wanted:
                hit, end = True, word.end - len(particle)
                break
        if hit:
            add(text[last:word.start], False)
            add(text[word.start:end], True)
            last = end
    add(text[last:], False)
    return parts


from ..answer.email import EMAIL, email_question  # noqa: E402,F401  (the server's names for them)

"""Pure helpers for what pages show: highlight terms, snippets and their marked parts.

    terms = highlight_terms("스포카는 어떤 회사인가요?", tokenizer)   # ["스포카", "회사", "스포"]
    s = snippet(post_text, terms, width=240)                      # a window around the best match
    snippet_parts(s, terms, tokenizer)  # [{"text": "…", "mark": False}, {"text": "스포카", "mark": True}, ...]

Marks cover whole words: a word (eojeol) is marked when its morphemes meet the query's, and the
mark spans the word without its particles ("스포카는" -> "스포카" marked, "는" not), never a
piece of it ("스포" of "스포카").
"""
from __future__ import annotations

import re

# Particles a Korean word may end with, longest first: the fallback when the tokenizer's forms
# do not spell the word (a loanword mapped to Latin, "도커를" -> "docker").
_PARTICLES = ("에서는", "에게서", "으로는", "이라고", "에서", "에게", "으로", "까지", "부터", "처럼", "보다",
              "이나", "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "나")
_EDGE = re.compile(r"^\W*(.*?)\W*$", re.S)


def _forms(word: str, tokenizer) -> list[str]:
    if tokenizer is None:
        return [word.lower()]
    try:
        return [f.lower() for f in tokenizer.tokens(word)]
    except Exception:  # a tokenizer problem must not break search
        return [word.lower()]


def word_core(word: str, tokenizer=None) -> tuple[int, int, list[str]]:
    """(start, end, forms): the span of `word` its morphemes spell, without edge punctuation and
    trailing particles or endings, and the tokenizer's forms of it.

        word_core("(스포카는", kiwi) -> (1, 4, ["스포", "카"])   # "스포카"
        word_core("도커를", kiwi) -> (0, 2, ["docker"])        # "도커": a mapped loanword
    """
    inner = _EDGE.match(word)
    start, end = inner.start(1), inner.end(1)
    core = word[start:end]
    forms = _forms(core, tokenizer) if core else []
    low, at = core.lower(), 0
    for form in forms:  # the forms in order, as far as they are spelled out in the word
        found = low.find(form, at)
        if found < 0 or (found > at and at > 0):
            break
        at = found + len(form)
    if core and not forms:  # no content morpheme at all ("어떤", "?")
        return start, start, forms
    if at == 0 and core:  # nothing spelled (a mapped loanword): drop a trailing particle
        at = len(core)
        for particle in _PARTICLES:
            if low.endswith(particle) and len(low) > len(particle) + 1:
                at = len(core) - len(particle)
                break
    return start, start + at, forms


def _topics(word: str, tokenizer) -> list[str] | None:
    """The word's topic morphemes (nouns, foreign words); None when the tokenizer cannot tell."""
    try:
        return [form.lower() for form, topic in tokenizer.tagged_tokens(word) if topic]
    except Exception:
        return None


def highlight_terms(query: str, tokenizer=None, limit: int = 12) -> list[str]:
    """Words worth finding in a snippet: each query word that names a topic, as it is written
    without particles ("스포카는" -> "스포카", "배포는" -> "배포"; not "어떻게"), then the tokenizer's
    topic morphemes; one-letter terms are dropped (they would mark half the text)."""
    out: list[str] = []
    morphemes: list[str] = []
    for word in query.split():
        start, end, forms = word_core(word, tokenizer)
        topics = None if tokenizer is None else _topics(word[start:end], tokenizer)
        if topics == []:
            continue
        out.append(word[start:end].lower())
        morphemes.extend(forms if topics is None else topics)
    terms: list[str] = []
    for t in out + morphemes:
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


def snippet_parts(text: str, terms: list[str], tokenizer=None) -> list[dict]:
    """`text` as parts `{"text", "mark"}`: a word is marked when its morphemes include a term or
    its core is one; the mark spans the word's core."""
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
    for word in re.finditer(r"\S+", text):
        start, end, forms = word_core(word.group(), tokenizer)
        core = word.group()[start:end].lower()
        hit = bool(core) and (core in wanted or bool(wanted & set(forms)))
        if not hit:
            continue
        add(text[last:word.start() + start], False)
        add(text[word.start() + start:word.start() + end], True)
        last = word.start() + end
    add(text[last:], False)
    return parts


from ..answer.email import EMAIL, email_question  # noqa: E402,F401  (the server's names for them)

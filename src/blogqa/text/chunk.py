"""Heading-aware chunking bounded in tokens.

A post body (clean text with Markdown heading lines) is cut at headings first; a section longer
than `max_tokens` is packed paragraph by paragraph (then sentence by sentence) into pieces, each
starting with the last sentence of the previous piece as a small overlap.

    >>> [c.heading for c in chunk_post(post_with("## A\\nx\\n## B\\ny"), max_tokens=50)]
    ['A', 'B']
"""
from __future__ import annotations

import re
from typing import Callable

from ..models import Chunk, Post
from .hangul import count_hangul
from .sentences import split_sentences

SUMMARY_HEADING = "요약"  # the heading of the chunk that holds a post's summary
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def estimate_tokens(text: str) -> int:
    """Offline estimate of subword tokens: Hangul ~1 token per 1.6 syllables, Latin ~1 per 4 chars.

    >>> estimate_tokens("안녕하세요 world")
    6
    """
    hangul = count_hangul(text)
    other = len(text) - hangul
    return max(1, round(hangul / 1.6 + other / 4))


def sections(body: str) -> list[tuple[str, str]]:
    """Split a body into (heading path, text) pairs; text before the first heading has heading ''.

    Headings nest: '## A' then '### B' gives 'A > B'. Lines inside ``` fences are never headings.
    """
    out: list[tuple[str, list[str]]] = [("", [])]
    path: list[tuple[int, str]] = []
    in_code = False
    for line in body.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        m = None if in_code else HEADING.match(line)
        if m:
            level = len(m.group(1))
            path = [(lv, t) for lv, t in path if lv < level] + [(level, m.group(2))]
            out.append((" > ".join(t for _, t in path), []))
        else:
            out[-1][1].append(line)
    return [(h, "\n".join(lines).strip()) for h, lines in out if "\n".join(lines).strip() or h]


def _units(text: str, max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Paragraphs, with any paragraph over the budget cut into sentences (and hard-cut if still too long)."""
    units: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if count(para) <= max_tokens:
            units.append(para)
            continue
        for sent in split_sentences(para, glued=True):  # glued: 했다.다음 is two sentences here
            while sent and count(sent) > max_tokens:
                cut = max(1, int(len(sent) * max_tokens / count(sent)))
                units.append(sent[:cut])
                sent = sent[cut:].strip()
            if sent:
                units.append(sent)
    return units


def _last_sentence(text: str, limit: int, count: Callable[[str], int]) -> str:
    parts = split_sentences(text, glued=True)
    tail = parts[-1] if parts else ""
    return tail if tail and count(tail) <= limit else ""


def pack(text: str, max_tokens: int, count: Callable[[str], int] = estimate_tokens,
         overlap_tokens: int = 40) -> list[str]:
    """Pack paragraphs into pieces of at most `max_tokens`, overlapping by one short sentence."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for unit in _units(text, max_tokens, count):
        n = count(unit)
        if current and size + n > max_tokens:
            pieces.append("\n\n".join(current))
            tail = _last_sentence(current[-1], overlap_tokens, count)
            current, size = ([tail], count(tail)) if tail and count(tail) + n <= max_tokens else ([], 0)
        current.append(unit)
        size += n
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk_post(post: Post, max_tokens: int = 300, min_tokens: int = 40,
               count: Callable[[str], int] = estimate_tokens) -> list[Chunk]:
    """Chunks of a post; each chunk's `indexed_text` carries the post's title and date.
    A post's `summary`, when it has one, comes last, as chunks headed `SUMMARY_HEADING`.

    Sections shorter than `min_tokens` are merged into the next one so a lone heading with one
    line does not become its own chunk.
    """
    merged: list[tuple[str, str]] = []
    carry_heading, carry_text = "", ""
    for heading, text in sections(post.body):
        if carry_text:
            text = f"{carry_text}\n\n{text}".strip()
            heading = carry_heading or heading
        if count(text) < min_tokens:
            carry_heading, carry_text = heading, (f"{heading}\n{text}".strip() if heading and not carry_text else text)
            continue
        merged.append((heading, text))
        carry_heading, carry_text = "", ""
    if carry_text:
        if merged:
            h, t = merged[-1]
            merged[-1] = (h, f"{t}\n\n{carry_text}")
        else:
            merged.append((carry_heading, carry_text))
    if not merged:
        merged = [("", post.title)]

    if post.summary and post.summary.strip():
        merged.append((SUMMARY_HEADING, post.summary.strip()))

    date = post.date.isoformat() if post.date else ""
    chunks: list[Chunk] = []
    for heading, text in merged:
        for piece in pack(text, max_tokens, count):
            header = "\n".join(x for x in (post.title, date, heading) if x)
            chunks.append(Chunk(post.id, len(chunks), heading, piece, f"{header}\n{piece}"))
    return chunks

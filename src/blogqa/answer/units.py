"""A chunk's text as quotable units: sentences, list items, table rows, code blocks, headings.

Hard-wrapped lines of one paragraph are joined first, so a sentence is never a fragment; a prose
block a post boxes in a code fence is read as prose (`is_prose`); a short line with no sentence end
before more text, or a heading path the chunker wrote ("A > B"), is a heading. The passage an
answer quotes is chosen among these units (answer/passage.py).

    >>> [u.kind for u in units("첫 문장입니다. 둘째\\n줄이 이어집니다.\\n\\n- 항목\\n```\\nls -al\\n```")]
    ['sentence', 'sentence', 'item', 'code']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.hangul import count_hangul

_FENCE = re.compile(r"^\s*(```|~~~)")
PROSE_HANGUL = 0.6
PROSE_CODE = 0.03
_CODE_PUNCTUATION = re.compile(r"[{}\[\]();=<>$\\|`]")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+(?=\S)")
_LABEL = re.compile(r"^\s*[^.!?。:,]{1,30}\s*$")
ENDS_SENTENCE = re.compile(r"[.!?。:]$|[다요죠]$")


@dataclass(frozen=True)
class Unit:
    kind: str      # sentence | item | row | code | heading
    text: str
    section: int   # units of one section share the number; windows never cross sections
    block: int     # units of one paragraph/list/table share the number
    follows: bool = False  # from the post's chunk after the hit's: read on into, never a window


def is_prose(block: str) -> bool:
    """A fenced block that holds sentences, not code: Korean blogs box a greeting, a summary or an
    FAQ answer in a code fence (saramin's 17 posts with ```STATA boxes, socar's "쏘모임, 동호회 …").
    Mostly Hangul (at least `PROSE_HANGUL` of its non-space characters) and hardly any code
    punctuation (at most `PROSE_CODE`).

    >>> is_prose("안녕하세요. 서비스인프라개발팀 박동형입니다.\\n구조개선 경험을 공유하고자 합니다")
    True
    >>> is_prose("# 설치합니다\\npip install -e '.[server]'"), is_prose("x = {'키': 1}")
    (False, False)
    """
    chars = re.sub(r"\s", "", block)
    if not chars:
        return False
    return (count_hangul(chars) >= PROSE_HANGUL * len(chars)
            and len(_CODE_PUNCTUATION.findall(chars)) <= PROSE_CODE * len(chars))


def _unfence_prose(lines: list[str]) -> list[str]:
    """The lines of a text with the fences of its prose blocks (`is_prose`) gone: their lines are
    read as any other paragraph."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _FENCE.match(lines[i]):
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])), None)
            if end is None:
                out.extend(lines[i:])
                break
            inner = lines[i + 1:end]
            out.extend(["", *inner, ""] if is_prose("\n".join(inner)) else lines[i:end + 1])
            i = end + 1
        else:
            out.append(lines[i])
            i += 1
    return out


def units(text: str) -> list[Unit]:
    """The quotable units of a chunk's text, in order (a prose block in a code fence is read as
    prose: `is_prose`)."""
    out: list[Unit] = []
    section = block = 0
    paragraph: list[str] = []
    code: list[str] | None = None
    last_line = ""  # "item", "row" or "" — a list or table ends where another kind of line starts

    def structural(kind: str) -> None:
        nonlocal block, last_line
        if last_line != kind:
            block += 1
        last_line = kind

    def flush_paragraph():
        nonlocal block
        if paragraph:
            joined = " ".join(s.strip() for s in paragraph)
            for sentence in _SENTENCE_END.split(joined):
                if sentence.strip():
                    out.append(Unit("sentence", sentence.strip(), section, block))
            paragraph.clear()
            block += 1

    for line in _unfence_prose(text.split("\n")):
        if code is not None:
            if _FENCE.match(line):
                body = "\n".join(code).strip("\n")
                if body.strip():
                    out.append(Unit("code", "```\n" + body + "\n```", section, block))
                block += 1
                code = None
            else:
                code.append(line)
            continue
        if _FENCE.match(line):
            flush_paragraph()
            code = []
        elif not line.strip():
            flush_paragraph()
        elif _HEADING.match(line) or _is_heading_path(line):
            flush_paragraph()
            section += 1
            out.append(Unit("heading", _HEADING.sub("", line).strip(), section, block))
            block += 1
        elif _ROW.match(line):
            flush_paragraph()
            structural("row")
            if not _RULE.match(line):
                out.append(Unit("row", line.strip(), section, block))
        elif _ITEM.match(line):
            flush_paragraph()
            structural("item")
            out.append(Unit("item", line.strip(), section, block))
        elif out and out[-1].kind == "item" and not paragraph and line.startswith((" ", "\t")):
            last = out.pop()  # an item's continuation line
            out.append(Unit("item", f"{last.text} {line.strip()}", last.section, last.block))
        else:
            if last_line:
                structural("")
            if len(paragraph) == 1 and _LABEL.match(paragraph[0]):
                # a short line with no sentence end, then more text: a heading written as a line
                label = paragraph.pop()
                section += 1
                out.append(Unit("heading", label.strip(), section, block))
                block += 1
            paragraph.append(line)
    flush_paragraph()
    if code:
        out.append(Unit("code", "```\n" + "\n".join(code).strip("\n") + "\n```", section, block))
    return out


def _is_heading_path(line: str) -> bool:
    """A heading path the chunker wrote into a chunk's text ("A > B > C", where a short section
    was merged into the next): a heading, not a line of the post.

    >>> _is_heading_path("4. 기술적 고민 > 4.1 재민 님의 고민"), _is_heading_path("성능은 A > B 입니다.")
    (True, False)
    """
    parts = line.strip().split(" > ")
    return len(parts) >= 2 and len(line) <= 200 and all(
        0 < len(p) <= 60 and not ENDS_SENTENCE.search(p) for p in parts)


def join_units(parts: list[Unit]) -> str:
    """Sentences of one paragraph on one line; items, rows and code each on their own lines."""
    lines: list[str] = []
    prev: Unit | None = None
    for u in parts:
        if prev is not None and u.kind == "sentence" and prev.kind == "sentence" and u.block == prev.block:
            lines[-1] += " " + u.text
        else:
            lines.append(u.text)
        prev = u
    return "\n".join(lines)

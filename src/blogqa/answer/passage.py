"""The passage an answer quotes: consecutive units of one post that best cover the question.

A post's matching chunks are cut into units — sentences, list items, table rows, code blocks
(answer/units.py). Every window of consecutive units in one section, up to `MAX_CHARS` (a code block may
run to `MAX_CODE_CHARS`), is scored by the question's topic words it covers — the words its letters
spell (text/surface.py `topic_words_in`: no tokenizer runs over a post's units at question time) —
each weighted by how rare it is among the candidate units (`weights`), plus a little for the specific things it names
that the question does not (`specific_terms`: Latin-script names and numbers — the tool, the
setting, the value an answer to a technical question gives); the best window then reads on (`Limits`):
through the next sentences and paragraphs up to the next heading, into the post's next chunk,
while the passage stays within `READ_ON` characters. The sentences that match a question are
often the ones that restate it — the problem — and the answer follows them: "…일단 기다리게
합니다." -> "기본값으로는 30초를 기다립니다."; "OutOfMemory 에러가 발생했습니다" -> the next chunk's
"gson … InputStream". Code blocks are candidates only for how-to questions (which command, which
setting, how to).

`question_passages` is the whole choice for a search's hits — the question's topic words, how-to
and answer shape, weights over all the hits' units — so the generated answer's prompt is built
around the same window the offline answer quotes (answer/prompt.py), grown within its paragraph
(`IN_PARAGRAPH`) and then by the prompt's own budget instead of reading on.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..text.surface import topic_words_in
from .evidence import topic_tokens
from .units import ENDS_SENTENCE, Unit, join_units, units

MAX_CHARS = 500
MAX_CODE_CHARS = 900
MIN_CHARS = 160
MAX_UNITS = 5
READ_ON = 550  # chosen leave-one-blog-out by bench/passages.py: every fold picks it (docs/benchmarks.md)
# what the specific terms a window names earn, as a share of an average topic word's weight per
# log(1 + distinct terms); chosen leave-one-blog-out by bench/passages.py with KorQuAD's answers held
# to the 400-character p50 (docs/benchmarks.md)
SPECIFIC = 0.1

# a Latin-script name (SimpleDateFormat, log.retention.hours, setLenient) or a number (48, 2.7)
_SPECIFIC = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|\d+(?:[.,]\d+)?")
# sentences about the post rather than its subject ("이번 글에서는 …을 소개하고자 합니다")
META = re.compile(r"(소개|공유|정리|설명|이야기|살펴보|알아보|다루|적어 보|써 보)[^.!?]{0,12}"
                  r"(겠습니다|려고 합니다|고자 합니다|보려 합니다|볼까요|보겠습니다)|이번 (글|포스트|포스팅)에서는|"
                  r"\b(in this post|this post (will|describes|introduces))\b", re.I)
DATE_LIKE = re.compile(r"\d{4}\s*년|\d{1,2}\s*월\s*\d{1,2}\s*일|\b\d{4}-\d{1,2}(-\d{1,2})?\b|"
                       r"\b(19|20)\d{2}\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
NUMBER_LIKE = re.compile(r"\d")
ASKS_WHEN = re.compile(r"언제|몇\s*년|몇\s*월|며칠|날짜|시기|\bwhen\b|\bwhat year\b|\bwhat date\b", re.I)
ASKS_NUMBER = re.compile(r"몇|얼마|크기|횟수|비율|퍼센트|%|\bhow (many|much|long|big|fast)\b|\bwhat (percentage|size)\b",
                         re.I)
HOWTO = re.compile(r"어떻게|방법|명령|커맨드|설정|옵션|옵션값|파라미터|스크립트|코드|설치|구성|적용|"
                   r"\bhow (do|can|to|should)\b|\bcommand|\bsetting|\boption|\bconfig|\bflag|\binstall", re.I)


@dataclass(frozen=True)
class Limits:
    """How a passage is chosen and how far it grows past its window (at most `MAX_UNITS` units
    and `MAX_CHARS` characters, `MAX_CODE_CHARS` with a code block). With `read_on` 0, within its
    paragraph while shorter than `MIN_CHARS` or while its last sentence is unfinished; with
    `read_on` N, on through the next paragraphs up to the next heading (into the post's next chunk
    when `read_next`) while the passage as quoted stays within N characters. `specific` is what the
    window's specific terms earn in choosing it (`SPECIFIC`; 0: the question's words alone)."""

    read_on: int = READ_ON
    read_next: bool = True
    specific: float = SPECIFIC


LIMITS = Limits()
# the window grown within its paragraph: the growth before reading on, and what the generated
# answer's prompt takes (it reads around it as far as its own token budget allows, prompt.py)
IN_PARAGRAPH = Limits(read_on=0, read_next=False)


def weights(topic: set[str], unit_tokens: list[set[str]]) -> dict[str, float]:
    """Inverse unit frequency of each topic word over the candidate units: rare words decide.

    >>> w = weights({"풀", "초"}, [{"풀"}, {"풀", "초"}, {"풀"}])
    >>> w["초"] > w["풀"]
    True
    """
    n = max(1, len(unit_tokens))
    out = {}
    for t in topic:
        df = sum(1 for toks in unit_tokens if t in toks)
        out[t] = math.log(1 + (n + 1) / (df + 0.5)) if df else 0.0
    return out


@dataclass
class Passage:
    text: str
    score: float     # the covered topic weight
    coverage: float  # the covered share of the question's topic weight (0..1)
    words: int = 0   # how many topic words it covers
    start: int = 0   # its first and last unit among the units it was chosen from
    end: int = 0


def answer_shape(question: str) -> re.Pattern | None:
    """What the answer's text should contain besides the topic words: a date for "when", a number
    for "how many / how long".

    >>> answer_shape("언제 열렸나요?") is DATE_LIKE, answer_shape("몇 초를 기다리나요?") is NUMBER_LIKE
    (True, True)
    """
    if ASKS_WHEN.search(question):
        return DATE_LIKE
    if ASKS_NUMBER.search(question):
        return NUMBER_LIKE
    return None


def best_passage(parts: list[Unit], tokens: list[set[str]], topic: set[str], w: dict[str, float],
                 howto: bool, shape: re.Pattern | None = None, limits: Limits = LIMITS) -> Passage | None:
    """The best window of consecutive units of one section (see the module docstring). A window
    whose text has the answer's `shape` earns as much as one more topic word of average weight, and
    one that names specific terms the question does not, `limits.specific` of that weight per
    log(1 + how many) — counted in its first paragraph (list, table) only, so that a window does not
    grow by an unrelated paragraph for the names in it; a window may not start with a sentence
    about the post itself."""
    quotable = [i for i, u in enumerate(parts) if u.kind != "heading" and (howto or u.kind != "code")
                and not u.follows]
    if not quotable and not howto:  # the matching chunk is code alone: then the code is the passage
        return best_passage(parts, tokens, topic, w, True, shape, limits)
    starts = [i for i in quotable if not META.search(parts[i].text)] or quotable
    total = sum(w.values()) or 1.0
    average = total / len(w) if w else 0.0
    bonus = average if shape is not None else 0.0
    named = specific_terms(parts, topic) if limits.specific else [set()] * len(parts)
    best: tuple[float, int, int] | None = None
    for start in starts:
        shaped = False
        covered: set[str] = set()
        specific: set[str] = set()
        size = 0
        for end in range(start, min(len(parts), start + MAX_UNITS)):
            unit = parts[end]
            if unit.section != parts[start].section or unit.kind == "heading" or unit.follows:
                break
            if unit.kind == "code" and not howto:
                break
            size += len(unit.text)
            if size > (MAX_CODE_CHARS if unit.kind == "code" else MAX_CHARS) and end > start:
                break
            covered |= tokens[end] & topic
            if unit.block == parts[start].block:  # names count in the window's first paragraph (list, table)
                specific |= named[end]
            shaped = shaped or (bonus > 0 and bool(shape.search(unit.text)))
            gained = sum(w[t] for t in covered)
            if gained:
                gained += bonus * shaped + limits.specific * average * math.log1p(len(specific))
            # a longer window must earn its length: a small cost per unit keeps ties short
            score = gained - 0.05 * (end - start)
            if gained and (best is None or score > best[0] + 1e-9):
                best = (score, start, end)
    if best is None:  # no topic word anywhere (e.g. "가장 최근 글은?"): the post's opening
        if not quotable:
            return None
        best = (0.0, quotable[0], quotable[0])
    _, start, end = best
    if limits.read_on:  # read on while the text as quoted (separators counted) stays within read_on
        size = len(join_units(parts[start:end + 1]))
        while end + 1 < len(parts) and _reads_on(parts[end], parts[end + 1], size + 1, howto, limits):
            end += 1
            size += 1 + len(parts[end].text)
    else:
        # grow forward within the paragraph (or list) while short, or while the last unit does not
        # end a sentence: the sentence after the one that matched often holds the value asked for
        size = sum(len(parts[i].text) for i in range(start, end + 1))
        while end + 1 < len(parts) and _continues(parts[end], parts[end + 1], size, howto, limits):
            end += 1
            size += len(parts[end].text)
    covered = set().union(*(tokens[i] & topic for i in range(start, end + 1)))
    score = sum(w[t] for t in covered)
    return Passage(join_units(parts[start:end + 1]), score, score / total, len(covered), start, end)


def specific_terms(parts: list[Unit], topic: set[str]) -> list[set[str]]:
    """Each unit's specific terms (`_SPECIFIC`, lower-cased) that are no part of a topic word.

    >>> [sorted(t) for t in specific_terms(units("log.retention.hours: 48 로 Kafka 보관 기간을 정했습니다."), {"kafka", "보관"})]
    [['48', 'log.retention.hours']]
    """
    asked = " ".join(topic)
    return [{m for m in map(str.lower, _SPECIFIC.findall(u.text)) if m not in asked} for u in parts]


def _continues(last: Unit, nxt: Unit, size: int, howto: bool, limits: Limits = LIMITS) -> bool:
    if nxt.kind == "heading" or nxt.section != last.section:
        return False
    if nxt.kind == "code":  # the command right after the explanation completes a how-to
        return howto and last.kind != "code" and size + len(nxt.text) <= MAX_CODE_CHARS
    if size + len(nxt.text) > MAX_CHARS:
        return False
    unfinished = not ENDS_SENTENCE.search(last.text)
    return nxt.block == last.block and (size < MIN_CHARS or unfinished)


def _reads_on(last: Unit, nxt: Unit, size: int, howto: bool, limits: Limits) -> bool:
    """Read on while the passage stays within `limits.read_on` characters: an answer often follows
    the sentences that restate the question (the problem, then the fix)."""
    if nxt.follows and not last.follows and not limits.read_next:
        return False
    if nxt.kind == "heading":
        return False
    if nxt.kind == "code":
        return howto and last.kind != "code" and size + len(nxt.text) <= MAX_CODE_CHARS
    return size + len(nxt.text) <= limits.read_on


def chunk_units(hit, limits: Limits = LIMITS) -> list[list[Unit]]:
    """The units of each of a hit's chunks (its best chunk, then `more_chunks`), sections numbered
    on across chunks, so that a window never spans two chunks. The best chunk's list ends with the
    units of the post's next chunk (`Hit.next_text`, its overlap with the best chunk left out),
    marked `follows`, when `limits.read_next`."""
    out: list[list[Unit]] = []
    base = block_base = 0  # numbered on, so that no two chunks share a section or a paragraph
    for n, text in enumerate([hit.text, *hit.more_chunks]):
        mine = [replace(u, section=u.section + base, block=u.block + block_base) for u in units(text)]
        if mine:
            base, block_base = mine[-1].section + 1, mine[-1].block + 1
        following = hit.next_text if n == 0 and limits.read_next else ""
        if following and following not in hit.more_chunks:
            after = units(following)
            while after and mine and after[0].text == mine[-1].text:  # the chunker's one-sentence overlap
                after.pop(0)
            after = [replace(u, section=u.section + base, block=u.block + block_base, follows=True) for u in after]
            if after:
                base, block_base = after[-1].section + 1, after[-1].block + 1
            mine += after
        out.append(mine)
    return out


def hit_units(hit, limits: Limits = LIMITS) -> list[Unit]:
    """All of a hit's units, chunk after chunk; `Passage.start/end` index this list."""
    return [u for chunk in chunk_units(hit, limits) for u in chunk]


def hit_passages(hits: list, topic: set[str], stems: set[str], howto: bool,
                 shape: re.Pattern | None = None, limits: Limits = LIMITS) -> list[Passage | None]:
    """Each hit's best passage, with topic words weighted over the units of all the hits. A unit
    holds the topic words its letters spell (text/surface.py: `topic_words_in`; `stems`: the topic
    words the question's analysis read as verb or adjective stems)."""
    parts = [hit_units(h, limits) for h in hits]
    flat = [u.text for p in parts for u in p]
    token_sets = topic_words_in(flat, topic, stems)
    w = weights(topic, token_sets)
    out, at = [], 0
    for p in parts:
        mine = token_sets[at:at + len(p)]
        at += len(p)
        out.append(best_passage(p, mine, topic, w, howto, shape, limits))
    return out


def question_passages(question: str, hits: list, tokenizer, focus: str | None = None,
                      limits: Limits = IN_PARAGRAPH) -> list[Passage | None]:
    """Each hit's best passage for `question`, chosen as the offline answerer chooses it: topic
    words from `focus` (the search's cleaned question, when there is one), how-to and answer shape
    from the question as asked; grown as `limits` say (by default as the prompt wants it)."""
    text = focus or question
    topic = set(topic_tokens(tokenizer.tokens(text)))
    return hit_passages(hits, topic, tokenizer.stems(text), howto=bool(HOWTO.search(question)), shape=answer_shape(question),
                        limits=limits)

"""The offline answerer: a passage of the best post that answers the question, cited [n].

`ExtractiveAnswerer` is the Answerer the pipeline (answer/pipeline.py) runs when no LLM is used,
once the evidence gate is open. The top post's best passage (answer/passage.py) is the answer. A
further post is quoted only when its own passage covers the question as well; the other matching
posts become `related`. A question about time (newest, oldest, a period, "언제") states its
post's date.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..models import Answer, Hit, Related, Source
from .audience import Audience
from .events import Event, Final, Token
from .evidence import topic_tokens
from .gate import Gate
from .passage import HOWTO, LIMITS, Limits, Passage, answer_shape, hit_passages
from .pipeline import abstention
from ..text.hangul import has_hangul, is_korean

# a further post is quoted when its passage covers this share of the question's topic weight (and
# at least two topic words: one shared word says little), nearly as much as the first, and the
# post itself ranked close to the first
SECOND_COVERAGE = 0.8
SECOND_RATIO = 0.9
SECOND_SCORE = 0.85
MAX_RELATED = 3
FOOTNOTE = re.compile(r"\[\d{1,3}\]")
WHEN = re.compile(r"언제|몇\s*년|몇\s*월|날짜|시기|\bwhen\b|\bwhat year\b|\bdate\b", re.I)


class ExtractiveAnswerer:
    """The offline Answerer (answer/pipeline.py): no model, no network, no tokenizer (the gate read
    the question; passages are read by their letters); streams line by line."""

    def __init__(self, max_posts: int = 3, limits: Limits = LIMITS):
        self.max_posts = max_posts
        self.limits = limits  # how long each quoted passage may be (answer/passage.py)

    def answer(self, question: str, result, gate: Gate, audience: Audience, stream: bool = False) -> Iterator[Event]:
        answer = extractive_answer(question, result, gate, audience, self.max_posts, self.limits)
        if stream:
            for line in answer.text.splitlines(keepends=True):
                yield Token(line)
        yield Final(answer)


def extractive_answer(question: str, result, gate: Gate, audience: Audience,
                      max_posts: int = 3, limits: Limits = LIMITS) -> Answer:
    """Answer from `result` (a SearchResult) whose evidence `gate` is open; abstain when no post
    has a passage for the question."""
    hits: list[Hit] = result.hits
    topic = set(topic_tokens(gate.question_tokens))
    passages = hit_passages(hits[:max_posts], topic, gate.stems, howto=bool(HOWTO.search(question)),
                            shape=answer_shape(question), limits=limits)
    quoted: list[tuple[Hit, Passage]] = []
    first = passages[0]
    if first is not None:
        quoted.append((hits[0], first))
    timed = gate.ordered or result.intent is not None or bool(WHEN.search(question))
    if first is not None and not timed:
        for hit, passage in zip(hits[1:max_posts], passages[1:]):
            if passage and passage.words >= 2 and passage.coverage >= SECOND_COVERAGE \
                    and passage.coverage >= SECOND_RATIO * first.coverage and hit.score >= SECOND_SCORE * hits[0].score:
                quoted.append((hit, passage))
    if not quoted:
        return abstention(question, result, audience, gate)
    sources = [Source.from_post(n, hit.post) for n, (hit, _) in enumerate(quoted, start=1)]
    shown = {hit.post.id for hit, _ in quoted}
    related = [Related.from_post(h.post) for h in hits if h.post.id not in shown][:MAX_RELATED]
    text = _compose(question, quoted, timed)
    return Answer(question, text, False, sources, gate.evidence.confidence, list(result.notes), hits, gate.evidence,
                  related)


def _compose(question: str, quoted: list[tuple[Hit, Passage]], timed: bool) -> str:
    korean = is_korean(question)
    blocks = [_cite(passage.text, n) for n, (_, passage) in enumerate(quoted, start=1)]
    lead = None
    post = quoted[0][0].post
    if timed and post.date:
        lead = (f"{post.date.isoformat()}에 올라온 글 「{post.title}」에 따르면:" if korean
                else f"According to the post \"{post.title}\" from {post.date.isoformat()}:")
    elif not korean and has_hangul(quoted[0][1].text):
        lead = "The blog post is in Korean; it says:"
    body = "\n\n".join(blocks)
    if lead is None:
        return body
    return lead + ("\n\n" if len(blocks) > 1 else "\n") + body


def _cite(text: str, n: int) -> str:
    """The marker after the passage's last line (on a line of its own after a code block). The
    post's own footnote marks ("출시[1]되었지만") go, so that [n] only ever means a source."""
    text = _without_footnotes(text)
    return f"{text}\n[{n}]" if text.endswith("```") else f"{text} [{n}]"


def _without_footnotes(text: str) -> str:
    """
    >>> _without_footnotes("EKS가 정식 출시[1]되었지만\n```\nmap[10] = 1\n```")
    'EKS가 정식 출시되었지만\n```\nmap[10] = 1\n```'
    """
    pieces = re.split(r"(```.*?```)", text, flags=re.S)
    return "".join(p if p.startswith("```") else FOOTNOTE.sub("", p) for p in pieces)

"""The evidence gate both answerers run first: is a search's top post evidence enough to answer?

The question's tokens (the search's cleaned question, when there is one) are judged against the
top post's title and matching chunks (answer/evidence.py), as the index tokenized them at ingest
(`Hit.tokens`; tokenized now for a store that does not read them). A newest/oldest question passes
whatever its confidence: the date decides, not the wording. The offline answerer abstains when
the gate is shut; the generated answerer then does not ask the model at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.hangul import is_korean
from .evidence import MIN_CONFIDENCE, Evidence, judge


@dataclass(frozen=True)
class Gate:
    question_tokens: list[str]  # what the evidence was judged on; the answer's topic words come from it
    evidence: Evidence
    ordered: bool               # a newest/oldest question
    stems: frozenset[str] = frozenset()  # the question tokens read as verb or adjective stems

    def passes(self, min_confidence: float = MIN_CONFIDENCE) -> bool:
        return self.ordered or self.evidence.confidence >= min_confidence


def evidence_gate(question: str, result, tokenizer) -> Gate | None:
    """The gate for `result` (a SearchResult); None when it has no hits (nothing to judge)."""
    if not result.hits:
        return None
    text = getattr(result.intent, "cleaned", None) or question
    repairs = getattr(result, "repairs", None) or {}  # a word read without its particle, as the search read it
    q_tokens = [repairs.get(t, t) for t in tokenizer.tokens(text)]
    top = result.hits[0]
    top_tokens = top.tokens  # as ingest tokenized the chunks; else tokenized now
    if top_tokens is None:
        top_tokens = set(tokenizer.tokens(f"{top.post.title}\n{top.text}\n" + "\n".join(top.more_chunks)))
    evidence = judge(q_tokens, top_tokens, result.best_dense, result.best_lexical, result=result,
                     korean=is_korean(question))
    ordered = result.intent is not None and bool(getattr(result.intent, "order", None))
    return Gate(q_tokens, evidence, ordered, frozenset(tokenizer.stems(text)))

"""Suggested titles for content gaps: offline from the words a group's questions share (kiwi's
topic words), or by an LLM when `blogqa insights --llm-titles` asks for it (falling back to the
offline title whenever the LLM fails)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from ..errors import BlogqaError
from ..text.hangul import has_hangul

_LATIN = re.compile(r"^[a-z0-9][a-z0-9.+#-]*$")
STOPWORDS = frozenset("""a an the and or but is are was were be been do does did how what when where why which who
    can could should would will i we you my our your it its to of in on for with at by from about any there this
    that have has had get got use used using please know tell me us if not no yes hi hello thanks long much many
    take 며칠 얼마 무엇 뭐 어디 언제 누구 정도 문의 궁금""".split())


def topic_words(tokenizer, text: str) -> list[str]:
    """The nouns and foreign words of `text` (what a title is made of)."""
    return [t for t, topic in tokenizer.tagged_tokens(text) if topic]


def title_words(tokens: list[list[str]], central: list[str]) -> list[str]:
    """Words at least half the group's questions share (all of them for two), in the central
    question's order; one-letter tokens, question words and English function words left out:
    `title_words([["포인트", "환불"], ["포인트", "환불", "현금"]], ["포인트", "현금", "환불"])
    == ["포인트", "환불"]`."""
    seen = Counter(t for toks in tokens for t in set(toks))
    need = max(2, (len(tokens) + 1) // 2) if len(tokens) > 1 else 1
    words = []
    for t in central:
        if t in words or t in STOPWORDS or seen[t] < need:
            continue
        if len(t) < 2:  # "v" of "v2", "D" of "D+1", one-syllable stems
            continue
        words.append(t)
    return words[:5]


def suggested_title(central_text: str, words: list[str], titler: Callable[[list[str]], str] | None = None,
                    examples: list[str] | None = None) -> str:
    """A working title for the post to write: `"도도 포인트 환불 안내"`, `"About Kafka click logs"`."""
    if titler is not None:
        try:
            title = titler(examples or [central_text])
        except BlogqaError:
            title = ""
        if title:
            return title
    if not words:
        return central_text.strip()[:80]
    shown = []
    for w in words:  # Latin words as the question spelled them ("kafka" -> "Kafka")
        found = re.search(re.escape(w), central_text, re.IGNORECASE) if _LATIN.match(w) else None
        shown.append(found.group(0) if found else w)
    text = " ".join(shown)
    return f"{text} 안내" if has_hangul(central_text) else f"About {text}"


TITLE_PROMPT = ("You name blog posts for a company's support team. Given customer questions the blog does not "
                "answer yet, reply with one short title (at most 12 words) for the post that would answer them, "
                "in the questions' language, with no quotes and nothing else.")


def llm_titler(llm_settings) -> Callable[[list[str]], str]:
    """`titler(questions) -> title` over the configured chat LLM (blogqa.answer.backend). After one
    failure it gives up for the rest of the report (raising at once), so a down server costs one
    timeout, not one per group."""
    from ..answer.backend import get_backend
    from ..errors import LLMError

    backend = get_backend(llm_settings)
    failed: list[BlogqaError] = []

    def titler(questions: list[str]) -> str:
        if failed:
            raise failed[0]
        try:
            text = backend.complete([{"role": "system", "content": TITLE_PROMPT},
                                     {"role": "user", "content": "\n".join(f"- {q}" for q in questions)}],
                                    max_tokens=40)
        except LLMError as err:
            failed.append(err)
            raise
        lines = [line.strip().strip('"\'“”「」#*').strip() for line in text.splitlines() if line.strip()]
        return lines[0][:100] if lines else ""

    return titler

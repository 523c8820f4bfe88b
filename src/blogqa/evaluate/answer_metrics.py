"""Answer metrics against a reference answer: token-level F1 and keyword match.

Both compare content tokens from the index's kiwi tokenizer (Korean content morphemes, Latin words
lower-cased), so particles and endings do not count: "배포는" and "배포를" are the same word.

    >>> round(token_f1("정산은 매일 새벽에 돈다", "정산 배치는 매일 새벽 3시에 돈다"), 2)
    0.8
    >>> keyword_match("Jenkins로 배포합니다", "배포는 Jenkins 파이프라인으로 합니다")
    0.6667
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..text.hangul import has_hangul

# Single-syllable Korean content tokens are mostly verb stems (하, 되, 있): not keywords.
_MIN_KO_KEYWORD_CHARS = 2
_WORD = re.compile(r"\w+", re.UNICODE)
# English function words kiwi keeps as foreign words (SL); SQuAD's normalisation drops a/an/the too.
_EN_STOP = frozenset("a an the is are was were be been to of in on at for and or it its this that with as by".split())


def _tokens(text: str) -> list[str]:
    """Content tokens of a text: kiwi morphemes when available, else lower-cased words."""
    text = unicodedata.normalize("NFC", text or "")
    if not text.strip():
        return []
    try:
        from ..text.tokens import get_tokenizer

        tokens = get_tokenizer("kiwi").tokens(text)
    except ImportError:  # kiwipiepy missing: plain words still give a usable score
        tokens = _WORD.findall(text.lower())
    return [t for t in tokens if t not in _EN_STOP]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 over content tokens (bag overlap); 1.0 when both are empty.

    >>> token_f1("", ""), token_f1("아무 말", ""), token_f1("Kafka outbox", "kafka Outbox")
    (1.0, 0.0, 1.0)
    """
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def keywords(reference: str) -> list[str]:
    """The reference's key content tokens: Latin words, numbers and Korean words of 2+ syllables.

    >>> keywords("배포는 Jenkins 파이프라인으로 합니다")
    ['배포', 'jenkins', '파이프라인']
    """
    out: list[str] = []
    for tok in _tokens(reference):
        if (not has_hangul(tok) or len(tok) >= _MIN_KO_KEYWORD_CHARS) and tok not in out:
            out.append(tok)
    return out


def keyword_match(prediction: str, reference: str) -> float:
    """Share of the reference's keywords found in the prediction (as a token, or inside its text,
    so a compound like "배포자동화" still contains "배포"). Rounded to 4 places.

    >>> keyword_match("", "배포는 Jenkins로 합니다"), keyword_match("무엇이든", "")
    (0.0, 1.0)
    """
    keys = keywords(reference)
    if not keys:
        return 1.0  # nothing to look for
    found_tokens = set(_tokens(prediction))
    text = unicodedata.normalize("NFC", prediction or "").lower()
    hits = sum(1 for k in keys if k in found_tokens or k in text)
    return round(hits / len(keys), 4)

"""Tiny Korean helpers for question templates: particles (조사) that agree with the last syllable.

    >>> josa("설치 방법", "은", "는"), josa("Docker", "은", "는"), josa("Git", "은", "는")
    ('설치 방법은', 'Docker는', 'Git은')
"""
from __future__ import annotations

from ..text.hangul import is_hangul, syllable_has_final

# Latin words are read aloud in Korean; these final letters/digits usually leave a final consonant.
_LATIN_FINAL = set("lmnkptbg")          # ...l (엘/ㄹ), ...m, ...n, ...k, ...t, ...b, ...g (e.g. Git -> 깃)
_ACRONYM_FINAL = set("LMN")              # 엘, 엠, 엔
_DIGIT_FINAL = set("013678")             # 영 일 삼 육 칠 팔


def has_final_consonant(word: str) -> bool:
    """True when the word's last sound has a final consonant (받침).

    >>> has_final_consonant("방법"), has_final_consonant("도구"), has_final_consonant("AWS")
    (True, False, False)
    """
    word = word.rstrip(" )]}\"'.,:;!?")
    if not word:
        return False
    ch = word[-1]
    if is_hangul(ch):
        return syllable_has_final(ch)
    if ch.isdigit():
        return ch in _DIGIT_FINAL
    if ch.isupper() and len(word) >= 2 and word[-2:].isupper():
        return ch in _ACRONYM_FINAL
    return ch.lower() in _LATIN_FINAL


def josa(word: str, with_final: str, without_final: str) -> str:
    """`word` followed by the right form of a particle pair: 은/는, 이/가, 을/를, 과/와, 이란/란."""
    return word + (with_final if has_final_consonant(word) else without_final)


# ---- morphemes with parts of speech ---------------------------------------------------------
_own: dict = {}


def tag_batch(texts: list[str]) -> list[list[tuple[str, str, int]]]:
    """(form, tag, start) morphemes of each text, through the index's shared kiwi instance.

    Loading kiwi costs about half a gigabyte, so this borrows the one `get_tokenizer("kiwi")`
    already holds (and its lock) rather than loading a second one.
    """
    import threading
    import unicodedata

    from ..text.tokens import get_tokenizer

    tok = get_tokenizer("kiwi")
    kiwi, lock = getattr(tok, "_kiwi", None), getattr(tok, "_lock", None)
    if kiwi is None:  # the tokenizer changed shape: fall back to a private instance
        if "kiwi" not in _own:
            from kiwipiepy import Kiwi

            _own["kiwi"], _own["lock"] = Kiwi(), threading.Lock()
        kiwi, lock = _own["kiwi"], _own["lock"]
    texts = [unicodedata.normalize("NFC", t) for t in texts]
    if not texts:
        return []
    with lock:
        results = kiwi.tokenize(texts)
    return [[(t.form, t.tag.split("-")[0], t.start) for t in r] for r in results]

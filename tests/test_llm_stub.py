"""Generated answers end to end: a real index, the real `openai` client, a loopback stub server."""
from __future__ import annotations

import json
import re
import socket
import time
from dataclasses import replace

import pytest

from blogqa.answer import backend
from blogqa.answer.pipeline import NO_LLM_NOTE
from blogqa.answer.prompt import system_prompt
from blogqa.cli import main
from blogqa.config import LLMSettings, Settings, load_settings
from blogqa.errors import LLMError
from blogqa.text.chunk import estimate_tokens
from blogqa.answer.events import Final, Token, final_answer
from openai_stub import INJECTION, Reply, tiny_blog_index

BLOCK = re.compile(r"<<<SOURCE (\d+)>>>\n(.*?)\n<<<END SOURCE \1>>>", re.S)
DEPLOY_Q = "배포는 어떻게 자동화했나요?"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(backend, "BACKOFF_BASE", 0.02)
    backend.get_backend.cache_clear()
    yield
    backend.get_backend.cache_clear()


@pytest.fixture
def idx(tiny, stub):
    """The tiny index answering through the stub (default settings otherwise)."""
    stub.reset()
    return tiny.with_settings(Settings(llm=LLMSettings(base_url=stub.url, model=stub.model, timeout=10)))


def use(idx, **llm_changes):
    return idx.with_settings(replace(idx.settings, llm=replace(idx.settings.llm, **llm_changes)))


def sent(stub, i=-1) -> tuple[str, str]:
    messages = stub.chat_requests[i]["json"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    return messages[0]["content"], messages[1]["content"]


def source_blocks(user: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in BLOCK.finditer(user)}


def titles_in_order(user: str) -> list[str]:
    return re.findall(r"<<<SOURCE \d+>>>\ntitle: (.*)", user)


# ---- what blogqa sends -------------------------------------------------------------------------

def test_one_call_with_numbered_sources_in_rank_order(idx, stub):
    stub.push(Reply.of("GitHub Actions로 배포를 자동화했습니다 [1]."))
    answer = idx.ask(DEPLOY_Q)
    assert len(stub.chat_requests) == 1
    body = stub.chat_requests[0]["json"]
    assert body["model"] == stub.model and body.get("stream") in (None, False)
    assert body["temperature"] == pytest.approx(0.2)
    system, user = sent(stub)
    assert system == system_prompt("internal")
    assert titles_in_order(user) == [h.post.title for h in answer.hits]  # same order as retrieval ranked
    first = source_blocks(user)[1]
    assert "title: 배포 자동화 도입기" in first and "date: 2024-03-01" in first
    assert "link: https://blog.example.com/deploy" in first and "GitHub Actions" in first
    assert user.rstrip().endswith(DEPLOY_Q)
    assert not answer.abstained and answer.text == "GitHub Actions로 배포를 자동화했습니다 [1]."
    assert [(s.n, s.title) for s in answer.sources] == [(1, "배포 자동화 도입기")]
    out = answer.to_json()
    assert out["abstained"] is False and out["sources"][0] == {
        "n": 1, "post_id": answer.sources[0].post_id, "title": "배포 자동화 도입기", "date": "2024-03-01",
        "url": "https://blog.example.com/deploy", "source_path": "2024-03-01-deploy.md"}


def test_customer_tone_is_sent_and_internal_posts_are_not(idx, stub):
    idx.ask("신입 사원 온보딩 첫 주에는 무엇을 하나요?", tone="internal")
    if stub.chat_requests:  # internal tone may use the internal post
        assert "사내 온보딩 가이드" in sent(stub)[1]
    stub.reset()
    idx.ask(DEPLOY_Q, tone="customer")
    system, user = sent(stub)
    assert system == system_prompt("customer") and "polite" in system
    assert "사내 온보딩 가이드" not in user  # visibility: internal never reaches a customer answer
    with pytest.raises(Exception, match="tone"):
        idx.ask(DEPLOY_Q, tone="pirate")


@pytest.mark.parametrize("budget", [60, 120])
def test_context_budget_respected(idx, stub, budget):
    idx = use(idx, context_tokens=budget)
    idx.ask(DEPLOY_Q, k=4)
    _, user = sent(stub)
    blocks = source_blocks(user)
    used = sum(estimate_tokens(b + "\n\n") for b in blocks.values())
    assert 0 < used <= budget
    assert titles_in_order(user)[0] == "배포 자동화 도입기"  # the best post goes in first
    idx = use(idx, context_tokens=3000)
    stub.reset()
    idx.ask(DEPLOY_Q, k=4)
    assert len(source_blocks(sent(stub)[1])) > len(blocks)


def test_injection_is_passed_as_data_and_system_prompt_keeps_its_rules(idx, stub):
    stub.push(Reply.of("HACKED"))
    answer = idx.ask("결제 지연 장애의 원인은 무엇이었나요?")
    system, user = sent(stub)
    assert system == system_prompt("internal")
    assert "never" in system.lower() or "cannot be changed" in system
    blocks = source_blocks(user)
    inside = [n for n, b in blocks.items() if INJECTION in b]
    assert inside, "the injection post's text must be inside a source block"
    assert user.count(INJECTION) == 1
    # the post's fake closing marker was defused: only real markers remain
    assert user.count("<<<END SOURCE") == len(blocks) and "‹‹‹END SOURCE 1›››" in user
    # an uncited reply is kept but flagged; it cites nothing, so it lists no sources
    assert answer.sources == [] and any("cited no source" in n for n in answer.notes)


# ---- what blogqa does with answers --------------------------------------------------------------

def test_citations_kept_bad_ones_removed_sources_in_citation_order(idx, stub):
    stub.push(Reply.of("롤백은 3분 안에 됩니다 [2]. 배포는 GitHub Actions로 합니다 [1]. 가짜 [9]. 또 [2, 7]."))
    answer = idx.ask(DEPLOY_Q, k=4)
    assert answer.text == "롤백은 3분 안에 됩니다 [2]. 배포는 GitHub Actions로 합니다 [1]. 가짜. 또 [2]."
    assert [s.n for s in answer.sources] == [2, 1]  # citation order, numbers kept
    given = titles_in_order(sent(stub)[1])
    assert [s.title for s in answer.sources] == [given[1], given[0]]
    assert any("[9]" in n and "[7]" in n for n in answer.notes)


@pytest.mark.parametrize("reply", ["NO_ANSWER", "모르겠습니다.", "I don't know."])
def test_model_saying_it_does_not_know_abstains(idx, stub, reply):
    stub.push(Reply.of(reply))
    answer = idx.ask(DEPLOY_Q)
    assert len(stub.chat_requests) == 1
    assert answer.abstained and answer.to_json()["abstained"] is True and answer.sources == []


def test_weak_retrieval_evidence_abstains_without_asking_the_model(idx, stub):
    answer = idx.ask("화성 탐사선 발사 일정은 언제인가요?")
    assert answer.abstained and stub.chat_requests == []


# ---- faults -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 500, 503])
def test_retryable_status_then_success(idx, stub, status):
    stub.push(Reply.error(status), Reply.of("GitHub Actions입니다 [1]."))
    answer = idx.ask(DEPLOY_Q)
    assert len(stub.chat_requests) == 2 and answer.text == "GitHub Actions입니다 [1]."
    gap = stub.chat_requests[1]["time"] - stub.chat_requests[0]["time"]
    assert gap >= 0.01  # backed off before retrying


def test_retry_after_header_is_honoured(idx, stub):
    stub.push(Reply.error(429, headers={"Retry-After": "0.5"}), Reply.of("네 [1]."))
    idx.ask(DEPLOY_Q)
    assert stub.chat_requests[1]["time"] - stub.chat_requests[0]["time"] >= 0.45


def test_persistent_5xx_gives_a_clear_error(idx, stub):
    idx = use(idx, max_retries=2)
    stub.push(*[Reply.error(500, "boom")] * 3)
    with pytest.raises(LLMError, match=r"failed \(500\) after 3 attempts: boom"):
        idx.ask(DEPLOY_Q)
    assert len(stub.chat_requests) == 3


def test_client_errors_are_not_retried(idx, stub):
    stub.push(Reply.error(400, "bad request body"))
    with pytest.raises(LLMError, match="400.*bad request body"):
        idx.ask(DEPLOY_Q)
    assert len(stub.chat_requests) == 1


def test_hanging_server_times_out_within_the_configured_timeout(idx, stub):
    idx = use(idx, timeout=1.5)
    stub.default = Reply.hang()
    with pytest.raises(LLMError, match=r"did not answer within 1\.5s"):
        idx.ask(DEPLOY_Q)
    waited = time.monotonic() - stub.chat_requests[0]["time"]  # from the request, not the search
    assert 1.3 < waited < 1.5 + 0.5 and len(stub.chat_requests) == 1


def test_server_down_is_a_clear_error(idx):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    idx = use(idx, base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)
    with pytest.raises(LLMError, match=rf"cannot connect to the LLM server at http://127.0.0.1:{port}/v1"):
        idx.ask(DEPLOY_Q)


def test_wrong_model_name_lists_the_available_ones(idx, stub):
    idx = use(idx, model="gpt-nope")
    with pytest.raises(LLMError, match=r"model 'gpt-nope' is not available .*stub-model"):
        idx.ask(DEPLOY_Q)


# ---- streaming ----------------------------------------------------------------------------------

def test_stream_tokens_arrive_in_order_then_the_answer(idx, stub):
    pieces = ["배포는 ", "GitHub ", "Actions로 ", "자동화했습니다 ", "[1]."]
    stub.push(Reply.of("".join(pieces), pieces=pieces, delay=0.15))
    start = time.monotonic()
    events, times = [], []
    for event in idx.ask_stream(DEPLOY_Q):
        events.append(event)
        times.append(time.monotonic() - start)
    assert stub.chat_requests[0]["json"]["stream"] is True and len(stub.chat_requests) == 1
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert tokens == pieces
    assert times[0] < times[-1] - 0.4  # the first token came well before the end: real streaming
    assert isinstance(events[-1], Final)
    answer = events[-1].answer
    assert answer.text == "".join(pieces) and [s.title for s in answer.sources] == ["배포 자동화 도입기"]


def test_stream_hides_the_sentinel_and_abstains(idx, stub):
    stub.push(Reply.of("NO_ANSWER", pieces=["NO", "_ANS", "WER"]))
    events = list(idx.ask_stream(DEPLOY_Q))
    assert not [e for e in events if isinstance(e, Token) and "NO" in e.text]
    assert final_answer(events).abstained


def test_stream_retries_before_the_first_token(idx, stub):
    stub.push(Reply.error(429), Reply.of("네 [1]."))
    events = list(idx.ask_stream(DEPLOY_Q))
    assert len(stub.chat_requests) == 2 and final_answer(events).text == "네 [1]."


# ---- choosing the answerer ----------------------------------------------------------------------

def test_the_gates_evidence_is_kept_on_a_generated_answer_and_a_shut_gate_asks_no_model(idx, stub):
    stub.push(Reply.of("GitHub Actions로 배포를 자동화했습니다 [1]."))
    answer = idx.ask(DEPLOY_Q, audience="customer")
    assert not answer.abstained and len(stub.chat_requests) == 1
    assert sent(stub)[0] == system_prompt("customer")
    assert answer.evidence is not None and answer.evidence.confidence == answer.confidence >= 0.45
    question = "How do you configure Karpenter node pools on EKS?"
    shut = idx.ask(question, audience="customer")
    assert shut.abstained and len(stub.chat_requests) == 1  # the model was not asked
    assert shut.text == "Sorry, our public posts do not answer this. Would you like a person to contact you?"
    assert shut.evidence is not None and shut.evidence.confidence == shut.confidence < 0.45



def test_no_llm_configured_gives_extractive_answer_with_a_note(tiny, stub):
    stub.reset()
    tiny = tiny.with_settings(Settings())
    answer = tiny.ask(DEPLOY_Q)
    assert NO_LLM_NOTE in answer.notes and not answer.abstained and stub.chat_requests == []
    assert NO_LLM_NOTE not in tiny.ask(DEPLOY_Q, llm=False).notes
    with pytest.raises(LLMError, match="no LLM configured"):
        tiny.ask(DEPLOY_Q, llm=True)


def test_llm_false_never_calls_the_model(idx, stub):
    answer = idx.ask(DEPLOY_Q, llm=False)
    assert stub.chat_requests == [] and answer.sources and NO_LLM_NOTE not in answer.notes


def test_environment_alone_configures_the_llm(stub):
    env = {"BLOGQA_LLM_BASE_URL": stub.url, "BLOGQA_LLM_MODEL": stub.model}
    assert load_settings(env=env).llm.configured
    s = load_settings(env={"OPENAI_BASE_URL": stub.url, "OPENAI_API_KEY": "sk-test", "BLOGQA_LLM_MODEL": "m"})
    assert (s.llm.base_url, s.llm.api_key) == (stub.url, "sk-test")


def test_api_key_is_sent_as_bearer_token(idx, stub):
    idx = use(idx, api_key="sk-test-123")
    idx.ask(DEPLOY_Q)
    headers = {k.lower(): v for k, v in stub.chat_requests[0]["headers"].items()}
    assert headers["authorization"] == "Bearer sk-test-123"


def test_gguf_without_file_is_a_clear_error(idx, tmp_path):
    idx = use(idx, gguf=str(tmp_path / "missing.gguf"))
    with pytest.raises(LLMError, match="GGUF model file not found"):
        idx.ask(DEPLOY_Q)


# ---- the CLI ------------------------------------------------------------------------------------

def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_ask_uses_the_llm_from_the_environment_by_default(stub, monkeypatch, capsys):
    stub.reset()
    stub.push(Reply.of("GitHub Actions입니다 [1]. 없는 출처 [5]."))
    monkeypatch.setenv("BLOGQA_LLM_BASE_URL", stub.url)
    monkeypatch.setenv("BLOGQA_LLM_MODEL", stub.model)
    code, out, _ = run_cli(capsys, "ask", DEPLOY_Q, "--index", str(tiny_blog_index() / "idx"), "--json")
    assert code == 0 and len(stub.chat_requests) == 1
    data = json.loads(out)
    assert {"question", "answer", "abstained", "sources"} <= set(data)
    assert data["answer"] == "GitHub Actions입니다 [1]. 없는 출처." and data["abstained"] is False
    assert set(data["sources"][0]) >= {"n", "post_id", "title", "date", "url", "source_path"}


def test_cli_flags_base_url_model_tone_and_stream(stub, monkeypatch, capsys):
    stub.reset()
    index = str(tiny_blog_index() / "idx")
    stub.push(Reply.of("배포는 자동화되어 있습니다 [1].", pieces=["배포는 ", "자동화되어 ", "있습니다 [1]."]))
    code, out, _ = run_cli(capsys, "ask", DEPLOY_Q, "--index", index, "--llm", "--base-url", stub.url,
                           "--model", stub.model, "--tone", "customer", "--stream")
    assert code == 0
    assert out.startswith("배포는 자동화되어 있습니다 [1].\n")
    assert "[1] 배포 자동화 도입기 (2024-03-01) https://blog.example.com/deploy" in out
    assert stub.chat_requests[0]["json"]["messages"][0]["content"] == system_prompt("customer")
    assert stub.chat_requests[0]["json"]["stream"] is True

    stub.reset()
    code, out, _ = run_cli(capsys, "ask", DEPLOY_Q, "--index", index, "--base-url", stub.url,
                           "--model", stub.model, "--stream", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and lines[0]["type"] == "token" and lines[-1]["type"] == "answer"
    assert "".join(e["text"] for e in lines if e["type"] == "token") == lines[-1]["answer"]


def test_cli_extractive_and_llm_without_configuration(stub, monkeypatch, capsys):
    stub.reset()
    index = str(tiny_blog_index() / "idx")
    monkeypatch.setenv("BLOGQA_LLM_BASE_URL", stub.url)
    monkeypatch.setenv("BLOGQA_LLM_MODEL", stub.model)
    code, out, _ = run_cli(capsys, "ask", DEPLOY_Q, "--index", index, "--extractive", "--json")
    assert code == 0 and stub.chat_requests == [] and json.loads(out)["sources"]
    monkeypatch.delenv("BLOGQA_LLM_BASE_URL")
    monkeypatch.delenv("BLOGQA_LLM_MODEL")
    code, out, err = run_cli(capsys, "ask", DEPLOY_Q, "--index", index, "--llm")
    assert code == 1 and "no LLM configured" in err and out == ""
    code, out, _ = run_cli(capsys, "ask", DEPLOY_Q, "--index", index, "--json")
    assert code == 0 and NO_LLM_NOTE in json.loads(out)["notes"]
    with pytest.raises(SystemExit) as exc:
        main(["ask", DEPLOY_Q, "--index", index, "--llm", "--extractive"])
    assert exc.value.code == 2


def test_cli_reports_llm_errors_in_one_line(stub, capsys):
    stub.reset()
    code, out, err = run_cli(capsys, "ask", DEPLOY_Q, "--index", str(tiny_blog_index() / "idx"),
                             "--base-url", stub.url, "--model", "nope")
    assert code == 1 and err.startswith("blogqa: error: model 'nope' is not available") and err.count("\n") == 1


def test_answer_length_is_capped_and_max_completion_tokens_is_used_when_asked(idx, stub):
    idx.ask(DEPLOY_Q)
    assert stub.chat_requests[0]["json"]["max_tokens"] == backend.ANSWER_MAX_TOKENS
    stub.reset()
    stub.push(Reply.error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                               "Use 'max_completion_tokens' instead."), Reply.of("네 [1]."))
    assert idx.ask(DEPLOY_Q).text == "네 [1]."
    second = stub.chat_requests[1]["json"]
    assert second["max_completion_tokens"] == backend.ANSWER_MAX_TOKENS and "max_tokens" not in second

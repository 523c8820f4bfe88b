"""synth with an LLM, fine-tuning and closed-book answers, against the loopback OpenAI-compatible stub
(tests/openai_finetune_stub.py) through the real `openai` client."""
from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from blogqa.text.sentences import prose_sentences
from blogqa.api import Index
from blogqa.cli import main
from blogqa.evaluate.closed_book import ask_closed_book
from blogqa.synth import finetune
from blogqa.synth.records import plain, squash
from blogqa.synth.summaries import FILE_NAME, load_summaries, summaries_path
from openai_finetune_stub import FAILURE, FineTuneStub

MODEL = "stub-model"


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _letters(text: str) -> str:
    """A made-up Latin word unique to `text` (a-p only, so the tokenizer keeps it whole)."""
    return "summ" + "".join(chr(97 + int(c, 16)) for c in hashlib.sha1(text.encode()).hexdigest()[:8])


def fake_llm(body: dict) -> str:
    """Questions made from the prompt, as a model would: one good, one paraphrased with an invented
    passage, one copying the title, one unsupported, one duplicate. Summaries for summary prompts."""
    system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
    title = re.search(r"^Title: (.+)$", user, re.M).group(1)
    if system.startswith("You summarise"):
        title = title.split(" (part")[0]
        return f"요약: {title}의 핵심 내용. 표지 {_letters(title)}."
    post = user.split("<<<POST>>>\n", 1)[1].split("\n<<<END POST>>>", 1)[0]
    sentences = [plain(s) for s in prose_sentences(post) if 25 <= len(plain(s)) <= 200 and "?" not in s]
    if not sentences:
        return '{"questions": []}'
    first, second = sentences[0], sentences[-1]
    words = second.rstrip(".").split()
    good = {"question": f"{first[:12]} 관련해서 글에서는 뭐라고 하나요?", "answer": first, "passage": first,
            "type": "factoid"}
    return json.dumps({"questions": [
        good,
        {"question": f"{second[:12]} 부분은 어떻게 설명되나요?", "answer": " ".join(reversed(words)),
         "passage": "모델이 지어낸 구절입니다.", "type": "paraphrase"},
        {"question": f"{title}", "answer": first, "passage": first, "type": "factoid"},
        {"question": f"{first[:12]} 화성 이야기는?", "answer": "화성 식민지에서 감자를 재배하는 방법을 설명합니다.",
         "passage": "", "type": "why"},
        dict(good),
    ]}, ensure_ascii=False)


@pytest.fixture
def stub(monkeypatch):
    with FineTuneStub(chat=fake_llm) as s:
        monkeypatch.setenv("BLOGQA_LLM_BASE_URL", s.base_url)
        monkeypatch.setenv("BLOGQA_LLM_API_KEY", "test-key")
        monkeypatch.setenv("BLOGQA_LLM_MODEL", MODEL)
        yield s


def test_synth_prompts_carry_the_post_and_filters_apply(spoqa_index, stub, tmp_path, capsys):
    idx, _ = spoqa_index
    out = tmp_path / "qa.jsonl"
    assert main(["synth", "--index", idx.location, "--out", str(out), "--llm", "--limit", "3", "--seed", "2",
                 "--per-post", "3"]) == 0
    calls = stub.calls("POST", "/v1/chat/completions")
    assert len(calls) == 3
    posts = {p.id: p for p in idx.posts()}
    prompted = []
    for call in calls:
        body = call.json
        assert body["model"] == MODEL
        assert call.headers.get("authorization") == "Bearer test-key"
        user = body["messages"][-1]["content"]
        post = next(p for p in posts.values() if f"Title: {p.title}\n" in user)
        prompted.append(post.id)
        assert f"Date: {post.date.isoformat()}" in user
        assert post.body[:300] in user, "the post's text is in the prompt"
        assert "Write 3 questions in Korean" in user
    records = _read(out)
    assert {r["post_id"] for r in records} == set(prompted)
    assert len(records) == 2 * 3, "per post: the good one and the paraphrase survive"
    for r in records:
        body = posts[r["post_id"]].body
        assert r["generator"] == f"llm:{MODEL}" and r["gold"] == [r["post_id"]]
        assert squash(r["passage"]) in squash(body), "an invented passage is replaced by the post's own"
        assert r["type"] in ("factoid", "paraphrase")
    err = capsys.readouterr().err
    assert "3 duplicate" in err and "3 title copy" in err and "3 answer not in post" in err


def test_long_posts_are_cut_and_summaries_stored_and_indexed(spoqa_index, stub, tmp_path, capsys):
    shared, _ = spoqa_index
    location = tmp_path / "idx"
    shutil.copytree(shared.location, location)  # the summaries change the index: work on a copy
    store = tmp_path / "summaries.jsonl"
    args = ["synth", "--index", str(location), "--out", str(tmp_path / "qa.jsonl"), "--limit", "2", "--seed", "5",
            "--budget", "300", "--summaries", "--summaries-out", str(store)]
    assert main(args) == 0
    rows = load_summaries(store)
    assert len(rows) == 2 and all(r["model"] == MODEL and r["summary"].startswith("요약:") for r in rows.values())
    assert "summaries indexed: 2 posts updated" in capsys.readouterr().err
    idx = Index(str(location))
    for pid, row in rows.items():
        assert idx.store.get_post(pid).summary == row["summary"]
        marker = row["summary"].split("표지 ")[1].rstrip(".")
        hit = idx.search(marker, k=1, mode="bm25").hits[0]
        assert hit.post.id == pid and row["summary"] in hit.text, "the summary is searchable as part of its post"
    assert not Index(shared.location).search(marker, k=1, mode="bm25").hits, "the shared index is untouched"
    question_calls = [c for c in stub.calls("POST", "/v1/chat/completions")
                      if not c.json["messages"][0]["content"].startswith("You summarise")]
    assert len(question_calls) == 2
    for call in question_calls:
        user = call.json["messages"][-1]["content"]
        assert "Summary of the whole post: 요약:" in user
        assert "The post was cut to fit" in user
    # unchanged posts: the second run reuses the stored summaries (no summary calls)
    before = len(stub.requests)
    assert main(args) == 0
    assert all(not r.json["messages"][0]["content"].startswith("You summarise") for r in stub.requests[before:])
    assert "(0 new)" in capsys.readouterr().err


def test_summaries_live_next_to_the_index_by_default(tmp_path):
    assert summaries_path(str(tmp_path / "idx")) == tmp_path / "idx" / FILE_NAME
    with pytest.raises(Exception, match="--summaries-out"):
        summaries_path("postgresql://u@h/db")


def _ft_file(tmp_path, n=3):
    rows = [{"question": f"질문 {i}?", "gold": [f"p{i}"], "answer": f"답 {i}입니다.", "type": "fact"} for i in range(n)]
    qa = tmp_path / "train.jsonl"
    qa.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    ft = tmp_path / "ft.jsonl"
    assert main(["export-finetune", str(qa), "--out", str(ft)]) == 0
    return ft


def test_finetune_uploads_creates_job_and_follows_events(stub, tmp_path, capsys):
    ft = _ft_file(tmp_path)
    capsys.readouterr()
    assert main(["finetune", str(ft), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "blog", "--poll", "0"]) == 0
    upload, = stub.calls("POST", "/v1/files")
    assert upload.form["purpose"] == "fine-tune"
    assert upload.form["file"] == ("ft.jsonl", ft.read_bytes())
    create, = stub.calls("POST", "/v1/fine_tuning/jobs")
    assert create.json == {"model": "gpt-4o-mini-2024-07-18", "training_file": "file-1", "suffix": "blog"}
    assert stub.calls("GET", "/v1/fine_tuning/jobs/ftjob-1/events")
    out = capsys.readouterr().out
    messages = [m for m in ("Validating training file", "Fine-tuning job queued", "Fine-tuning job started",
                            "Step 1/2", "Step 2/2", "The job has successfully completed")]
    positions = [out.index(m) for m in messages]
    assert positions == sorted(positions), "events are printed once each, oldest first"
    assert all(out.count(m) == 1 for m in messages)
    assert "fine-tuned model ft:gpt-4o-mini:blogqa:test:abc123" in out
    assert "3 examples" in out


@pytest.mark.parametrize("outcome, expected", [("failed", f"failed: {FAILURE['message']} (invalid_training_file)"),
                                               ("cancelled", "was cancelled")])
def test_a_failed_job_is_reported_clearly(monkeypatch, tmp_path, capsys, outcome, expected):
    ft = _ft_file(tmp_path)
    with FineTuneStub(outcome=outcome) as s:
        monkeypatch.setenv("BLOGQA_LLM_BASE_URL", s.base_url)
        monkeypatch.setenv("BLOGQA_LLM_API_KEY", "k")
        assert main(["finetune", str(ft), "--model", "gpt-4o-mini", "--poll", "0"]) == 1
    captured = capsys.readouterr()
    assert f"blogqa: error: fine-tuning job ftjob-1 {expected}" in captured.err
    assert "succeeded" not in captured.out


def test_no_follow_and_invalid_file(stub, tmp_path, capsys):
    ft = _ft_file(tmp_path)
    assert main(["finetune", str(ft), "--model", "gpt-4o-mini", "--no-follow"]) == 0
    assert not stub.calls("GET", "/v1/fine_tuning/jobs")
    assert "blogqa finetune --job ftjob-1" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text(ft.read_text(encoding="utf-8") + json.dumps({"messages": [
        {"role": "user", "content": "q"}, {"role": "bot", "content": "a"}]}) + "\n", encoding="utf-8")
    before = len(stub.requests)
    assert main(["finetune", str(bad), "--model", "gpt-4o-mini"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4: unknown role 'bot'" in err and "nothing uploaded" in err
    assert len(stub.requests) == before, "an invalid file is never uploaded"


def test_upload_refused_by_the_api_is_an_error(stub, tmp_path, capsys):
    ft = _ft_file(tmp_path)
    stub.files["bogus"] = {}
    original = stub.handle

    def refuse(req):
        if req.path.startswith("/v1/fine_tuning/jobs") and req.method == "POST":
            return 400, {"error": {"message": "model gpt-unknown is not available for fine-tuning",
                                   "type": "invalid_request_error", "param": "model", "code": None}}
        return original(req)

    stub.handle = refuse
    assert main(["finetune", str(ft), "--model", "gpt-unknown"]) == 1
    assert "not available for fine-tuning" in capsys.readouterr().err


def test_closed_book_asks_the_model_alone(stub):
    stub.chat = lambda body: "정산 배치는 매일 새벽 3시에 돕니다."
    from blogqa.config import load_settings

    text = ask_closed_book("정산 배치는 언제 도나요?", "ft:gpt-4o-mini:acme::x", load_settings())
    assert text == "정산 배치는 매일 새벽 3시에 돕니다."
    call = stub.calls("POST", "/v1/chat/completions")[-1].json
    assert call["model"] == "ft:gpt-4o-mini:acme::x"
    assert call["messages"] == [{"role": "system", "content": finetune.SYSTEM},
                                {"role": "user", "content": "정산 배치는 언제 도나요?"}]


def test_follow_an_existing_job_and_an_unknown_one(stub, tmp_path, capsys):
    ft = _ft_file(tmp_path)
    assert main(["finetune", str(ft), "--model", "gpt-4o-mini", "--no-follow"]) == 0
    capsys.readouterr()
    assert main(["finetune", "--job", "ftjob-1", "--poll", "0"]) == 0
    assert "The job has successfully completed" in capsys.readouterr().out
    assert main(["finetune", "--job", "ftjob-404"]) == 1
    assert "answered 404" in capsys.readouterr().err

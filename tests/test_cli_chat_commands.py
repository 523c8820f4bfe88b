"""Issue 17: in `blogqa chat` a line starting with `/` is a command, never a question —
`/help` lists the commands, `/quit` and `/exit` end the chat, an unknown one gets a one-line
hint. The real command in a subprocess, fed on stdin (not a terminal, as in a script)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

QUESTION = "배포 시간은 얼마나 줄었나요?"


@pytest.fixture(scope="module")
def index_dir(sample_index) -> str:
    return sample_index[0].location


def chat(index_dir: str, lines: list[str], *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "blogqa", "chat", "--index", index_dir, *flags],
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True, timeout=300)


def test_help_and_unknown_commands_are_not_questions(index_dir):
    done = chat(index_dir, ["/help", "/foo bar", "/reset"])
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout.splitlines()
    for command in ("/help", "/reset", "/quit"):
        assert any(line.startswith(command) for line in out), done.stdout
    hints = [line for line in out if "/foo" in line]
    assert len(hints) == 1 and "unknown command" in hints[0] and "/help" in hints[0]
    assert "(searching for" not in done.stdout and "[1]" not in done.stdout  # nothing was asked


@pytest.mark.parametrize("quit_command", ["/quit", "/exit", "/QUIT"])
def test_quit_ends_the_chat_and_questions_still_work(index_dir, quit_command):
    done = chat(index_dir, ["/help", "/nope", QUESTION, quit_command, "이 질문은 읽히지 않습니다"], "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    turns = [json.loads(line) for line in done.stdout.splitlines()]
    assert [t["question"] for t in turns] == [QUESTION]  # one answer: not /help, /nope, nor after quit
    assert "8분" in turns[0]["answer"]
    assert "/reset" in done.stderr and "unknown command /nope" in done.stderr  # --json: stdout is only JSON


def test_sources_repeats_the_last_answers_sources(index_dir):
    done = chat(index_dir, ["/sources", QUESTION, "/sources"], "--no-stream")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "(no answer yet: ask a question first)"
    blank = lines.index("")  # the answer ends with a blank line; /sources prints after it
    answer, repeated = lines[1:blank], lines[blank + 1:]
    assert "8분" in answer[0]
    cited = [line for line in answer if line.startswith("[1] ")]
    assert len(cited) == 1 and "deploy-automation" in cited[0]
    assert repeated[0] == cited[0]  # the same source line, with its link
    assert not any("8분" in line for line in repeated)  # the sources, not the answer again


def test_sources_after_an_abstention_says_no_posts(index_dir):
    done = chat(index_dir, ["회사 주차장은 몇 층에 있나요?", "/sources"], "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    (turn,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert turn["abstained"] is True
    expected = "(the last answer used no posts)" if not turn["related"] else "관련 글 / Related posts:"
    assert expected in done.stderr  # --json: what commands print goes to stderr

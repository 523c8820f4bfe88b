"""Issue 17: `blogqa mcp --index IDX [--public]`, driven by the official MCP Python SDK's own
client (stdio_client + ClientSession) against the real command in a subprocess, over a tiny
index of three short posts (one internal). The tools return what `blogqa search --json` and
`blogqa ask --json` print. `blogqa serve --mcp` serves the same tools over streamable HTTP at
/mcp, an internal endpoint behind the gate."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time

import httpx

import pytest

pytest.importorskip("mcp", reason="the MCP tests need the mcp extra (pip install -e '.[mcp]')")
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

try:  # the SDK's streamable HTTP client: its 2.x name, then its 1.x name
    from mcp.client.streamable_http import streamable_http_client  # noqa: E402
except ImportError:
    from mcp.client.streamable_http import streamablehttp_client as streamable_http_client  # noqa: E402

POSTS = {
    "public/_posts/2024-03-01-deploy.md": """---
title: "배포 파이프라인을 바꿨습니다"
date: 2024-03-01
tags: deploy
---
배포 파이프라인을 새로 만들어 배포 시간이 30분에서 8분으로 줄었습니다.
""",
    "public/_posts/2025-06-10-refund.md": """---
title: "환불 정책 안내"
date: 2025-06-10
tags: policy
---
결제 후 14일 안에 요청하면 전액 환불해 드립니다.
""",
    "internal/_posts/2025-09-01-whale.md": """---
title: "청록색고래작전 예산 초안 (사내용)"
date: 2025-09-01
---
청록색고래작전의 예산은 3억 원으로 정했습니다.
""",
}
SECRET = "청록색고래작전"
INTERNAL_ID = "_posts/2025-09-01-whale.md"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> str:
    from blogqa.api import Index

    root = tmp_path_factory.mktemp("mcp-blog")
    for rel, text in POSTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    idx = Index(str(root / "idx"), create=True)
    idx.ingest(str(root / "public"), progress=False)
    idx.ingest(str(root / "internal"), progress=False, visibility="internal")
    idx.close()
    return str(root / "idx")


def session_calls(index_dir: str, *flags: str, calls: list[tuple[str, dict]]) -> tuple[list, list]:
    """Start `blogqa mcp`, list its tools and make `calls`; (tools, results) as plain dicts."""

    async def run():
        params = StdioServerParameters(command=sys.executable, args=["-m", "blogqa", "mcp", "--index", index_dir, *flags],
                                       env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = (await session.list_tools()).tools
                results = [await session.call_tool(name, args) for name, args in calls]
        return ([t.model_dump(by_alias=True, mode="json") for t in tools],
                [r.model_dump(by_alias=True, mode="json") for r in results])

    return asyncio.run(asyncio.wait_for(run(), timeout=240))


def text_json(result: dict):
    assert result["isError"] is False, result
    (content,) = result["content"]
    assert content["type"] == "text"
    return json.loads(content["text"])


def cli_json(index_dir: str, *args: str):
    done = subprocess.run([sys.executable, "-m", "blogqa", *args, "--index", index_dir, "--json"],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_tools_search_and_ask_return_the_cli_json(index_dir):
    tools, (search, dated, ask, empty) = session_calls(index_dir, calls=[
        ("search", {"query": "배포 시간", "k": 2}),
        ("search", {"query": "정책", "since": "2025-01-01", "until": "2025-08-31"}),
        ("ask", {"question": "배포 시간은 얼마나 줄었나요?"}),
        ("ask", {"question": "   "}),
    ])
    by_name = {t["name"]: t for t in tools}
    assert set(by_name) == {"search", "ask"}
    assert by_name["search"]["inputSchema"]["required"] == ["query"]
    assert {"query", "k", "since", "until"} <= set(by_name["search"]["inputSchema"]["properties"])
    assert by_name["ask"]["inputSchema"]["required"] == ["question"]

    found = text_json(search)
    assert found == cli_json(index_dir, "search", "배포 시간", "-k", "2")
    assert found["hits"][0]["title"] == "배포 파이프라인을 바꿨습니다" and len(found["hits"]) <= 2
    assert [h["date"] for h in text_json(dated)["hits"]] == ["2025-06-10"]  # since/until filter

    answer = text_json(ask)
    assert answer == cli_json(index_dir, "ask", "배포 시간은 얼마나 줄었나요?")
    assert answer["abstained"] is False and "8분" in answer["answer"] and "[1]" in answer["answer"]
    assert answer["sources"][0]["title"] == "배포 파이프라인을 바꿨습니다"
    assert empty["isError"] is True and "질문이 비어 있습니다" in empty["content"][0]["text"]  # refused, not answered


def test_public_hides_the_internal_post(index_dir):
    calls = [("search", {"query": SECRET}), ("ask", {"question": f"{SECRET} 예산은 얼마인가요?"})]
    _, (search, ask) = session_calls(index_dir, calls=calls)
    assert INTERNAL_ID in [h["post_id"] for h in text_json(search)["hits"]]  # it is there without --public
    assert "3억" in text_json(ask)["answer"]

    _, (search, ask) = session_calls(index_dir, "--public", calls=calls)
    hits = text_json(search)["hits"]
    assert INTERNAL_ID not in [h["post_id"] for h in hits] and all(SECRET not in h["text"] for h in hits)
    answer = text_json(ask)
    assert "3억" not in answer["answer"] and INTERNAL_ID not in [s["post_id"] for s in answer["sources"]]


def test_bad_date_is_a_tool_error_naming_the_argument(index_dir):
    _, (bad,) = session_calls(index_dir, calls=[("search", {"query": "배포", "since": "yesterday"})])
    assert bad["isError"] is True
    assert "since: not a date (YYYY-MM-DD): 'yesterday'" in bad["content"][0]["text"]


def test_missing_index_is_one_line_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "blogqa", "mcp", "--index", str(tmp_path / "nope")],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("blogqa: error:") and "nope" in done.stderr


@pytest.fixture(scope="module")
def served(index_dir, tmp_path_factory):
    """`blogqa serve --mcp` on the tiny index (no API keys: loopback clients only)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("serve-mcp") / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "blogqa", "serve", "--index", index_dir, "--port", str(port), "--mcp"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_mcp_answers_over_streamable_http(served, index_dir):
    async def run():
        async with streamable_http_client(served + "/mcp") as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                tools = [t.name for t in (await session.list_tools()).tools]
                asked = await session.call_tool("ask", {"question": "환불은 언제까지 요청할 수 있나요?"})
        return tools, asked.model_dump(by_alias=True, mode="json")

    tools, asked = asyncio.run(asyncio.wait_for(run(), timeout=120))
    assert sorted(tools) == ["ask", "search"]
    answer = text_json(asked)
    assert answer == cli_json(index_dir, "ask", "환불은 언제까지 요청할 수 있나요?") and "14일" in answer["answer"]


def test_serve_mcp_is_an_internal_endpoint(served):
    # the gate guards /mcp like every internal endpoint: no keys configured, so loopback only
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    remote = httpx.post(served + "/mcp", json=body, headers={**headers, "X-Forwarded-For": "203.0.113.5"}, timeout=30)
    assert remote.status_code == 403 and "loopback clients only" in remote.json()["error"]["message"]
    rebinding = httpx.post(served + "/mcp", json=body, headers={**headers, "Host": "evil.example"}, timeout=30)
    assert rebinding.status_code == 403 and "Host" in rebinding.json()["error"]["message"]

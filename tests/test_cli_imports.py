"""Issue 19, item 3: the CLI starts light. `import blogqa.cli`, parsing a command line and
`blogqa search --help` must not load the server, LLM, crawler or MCP libraries; those load only
in the commands that use them (`serve`, `ask --llm`, `ingest URL`, `mcp`, ...).

Each check runs in a fresh interpreter and reads its `sys.modules`, so an import moved back to
module level anywhere on the CLI's path fails here."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("fastapi", "uvicorn", "openai", "trafilatura", "llama_cpp", "mcp", "pyarrow")

# Runs `body`, then prints which of HEAVY were imported, as JSON on the last stdout line.
PROBE = """
import json, sys
heavy = {heavy!r}
try:
{body}
except SystemExit:
    pass
print()
print(json.dumps(sorted(name for name in heavy if name in sys.modules)))
"""


def loaded_heavy(body: str) -> tuple[list[str], subprocess.CompletedProcess]:
    code = PROBE.format(heavy=HEAVY, body="\n".join("    " + line for line in body.splitlines()))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done


def test_the_probe_sees_an_imported_library():
    """The check itself can fail: a heavy library imported on purpose is reported."""
    importable = [name for name in ("fastapi", "openai", "trafilatura") if _importable(name)]
    if not importable:
        pytest.skip("none of the heavy libraries is installed")
    loaded, _ = loaded_heavy(f"import {importable[0]}")
    assert importable[0] in loaded


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_import_blogqa_cli_loads_no_heavy_library():
    loaded, _ = loaded_heavy("import blogqa.cli")
    assert loaded == []


def test_building_the_parser_loads_no_heavy_library():
    """Every command module registers its parser; none may import its libraries to do so."""
    loaded, _ = loaded_heavy("import blogqa.cli\nblogqa.cli.build_parser()")
    assert loaded == []


@pytest.mark.parametrize("command", ["search", "ask", "ingest", "serve", "mcp"])
def test_command_help_loads_no_heavy_library(command):
    loaded, done = loaded_heavy(f"from blogqa.cli import main\nmain([{command!r}, '--help'])")
    assert f"usage: blogqa {command}" in done.stdout
    assert loaded == []


def test_ingest_search_and_ask_load_no_heavy_library(tmp_path):
    """The real commands over a one-post Markdown blog: loading, retrieval, extractive answers."""
    blog = tmp_path / "blog" / "_posts"
    blog.mkdir(parents=True)
    (blog / "2024-01-02-deploy.md").write_text(
        "---\ntitle: 배포 자동화\ndate: 2024-01-02\n---\n배포는 GitHub Actions로 10분 만에 끝납니다.\n",
        encoding="utf-8")
    index = str(tmp_path / "idx")
    # a folder of Markdown posts is read without the crawler's HTML extraction (trafilatura)
    loaded, done = loaded_heavy(f"from blogqa.cli import main\nmain(['ingest', {str(blog.parent)!r}, '--index', {index!r}, '-q'])")
    assert "1 added" in done.stdout + done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    assert loaded == [], "ingest"
    for command in ("search", "ask"):
        loaded, done = loaded_heavy(f"from blogqa.cli import main\nmain([{command!r}, '배포', '--index', {index!r}])")
        assert "배포 자동화" in done.stdout, done.stdout[-2000:]
        assert loaded == [], command

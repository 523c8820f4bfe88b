"""Helpers for the server tests: a test corpus, one index per session, real uvicorn on loopback.

The index is built once per test session (embedding is the slow part) from examples/sample-blog
plus a few posts written here: an internal post with a unique phrase (the leak test) and a
public post whose title and body carry `<script>` / `<img onerror>` (the XSS tests).
The `corpus` and `live` fixtures around them are in tests/shared_fixtures.py.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from index_util import make_index

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BLOG = ROOT / "examples" / "sample-blog"

SECRET_PHRASE = "보라색펭귄작전"
SECRET_TITLE = "보라색펭귄작전 보상 정책 초안 (대외비)"
SECRET_SENTENCE = "보라색펭귄작전 참여자의 성과급은 기본급의 17퍼센트로 정했습니다."
ONCALL_TITLE = "온콜 대응 가이드 (사내용)"  # the sample blog's own internal post
ONCALL_SENTENCE = "사내 전용 대시보드 주소는 grafana.internal.example 입니다."
XSS_TITLE = '보안 점검 안내 <script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
XSS_BODY_MARK = "<img src=x onerror=window.__xss=3>"

POSTS = {
    "public/_posts/2024-07-01-security-check.md": f"""---
title: '{XSS_TITLE}'
date: 2024-07-01
tags: security
---
정기 보안 점검 결과를 공유합니다. 모든 입력값은 서버에서 검증합니다.

`{XSS_BODY_MARK}` 같은 문자열은 화면에 글자 그대로 보여야 합니다.
""",
    "internal/_posts/2025-09-01-compensation-draft.md": f"""---
title: "{SECRET_TITLE}"
date: 2025-09-01
tags: hr compensation
---
{SECRET_SENTENCE}
이 문서는 인사팀 검토 전 초안이며 외부에 공유하면 안 됩니다.
""",
}


@dataclass
class Corpus:
    index: Path
    root: Path

    @property
    def events(self) -> Path:
        return self.index.parent / "events.sqlite"


def build_corpus(root: Path) -> Corpus:
    for rel, text in POSTS.items():
        path = root / "extra" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    index_dir = root / "idx"
    extra = root / "extra"
    make_index(index_dir, SAMPLE_BLOG, extra / "public", (extra / "internal", "internal"))[0].close()
    return Corpus(index_dir, root)


class LiveServer:
    """uvicorn serving `app` on 127.0.0.1:<free port> in a thread. Proxy headers are trusted
    from loopback (as `blogqa serve` does), so tests can pose as other clients with
    `X-Forwarded-For`."""

    def __init__(self, app):
        import uvicorn

        self.app = app
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self, timeout: float = 120.0) -> "LiveServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=15)
        self._sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve(index: Path, warm: bool = False, events: Path | None = None, **server_settings) -> LiveServer:
    """Start a server on `index` with ServerSettings overrides (api_keys=..., public_rate_limit=...)."""
    from blogqa.config import ServerSettings, Settings
    from blogqa.server import create_app

    settings = Settings(server=replace(ServerSettings(), **server_settings))
    return LiveServer(create_app(str(index), settings, events_path=events, warm=warm)).start()

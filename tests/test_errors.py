"""Each error class carries its CLI exit code and HTTP status (README "Exit codes"); the CLI and
the server read them in one place each. Subclasses elsewhere inherit their parent's numbers."""
from __future__ import annotations

import pytest

from blogqa.errors import (BlogqaError, IndexBusyError, IndexError_, ListenError, LLMError, LLMTransientError,
                           SourceError, UsageError)
from blogqa.sources import NoPostsError

# README: 0 ok, 1 an operation failed, 2 usage error or a missing/unreadable index, 3 the index is busy.
CONTRACT = [
    (BlogqaError, 1, 500, False),
    (UsageError, 2, 400, False),
    (SourceError, 1, 500, False),
    (NoPostsError, 1, 500, False),
    (IndexError_, 2, 503, False),
    (IndexBusyError, 3, 503, True),
    (LLMError, 1, 502, False),
    (LLMTransientError, 1, 502, True),
    (ListenError, 1, 500, False),
]


@pytest.mark.parametrize("cls,exit_code,http_status,retryable", CONTRACT, ids=lambda v: getattr(v, "__name__", None))
def test_each_class_carries_its_exit_code_status_and_retryability(cls, exit_code, http_status, retryable):
    assert (cls.exit_code, cls.http_status, cls.retryable) == (exit_code, http_status, retryable)


def test_the_cli_exits_with_the_code_the_class_carries(capsys, tmp_path):
    from blogqa.cli import main

    assert main(["search", "x", "--index", str(tmp_path / "missing")]) == 2  # IndexError_
    assert "blogqa: error:" in capsys.readouterr().err
    assert main(["search", "--index", str(tmp_path)]) == 2  # UsageError
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "either a QUERY or --queries" in err[0]


def test_the_server_answers_with_the_status_the_class_carries():
    pytest.importorskip("fastapi", reason="the server extra is not installed")
    import httpx
    from fastapi import FastAPI

    from blogqa.server.errors import install
    from server_util import LiveServer

    contract = [row for row in CONTRACT if row[0] is not NoPostsError]  # that one needs a LoadReport
    classes = {cls.__name__: cls for cls, *_ in contract}
    app = FastAPI()
    install(app)

    @app.get("/raise/{name}")
    def _raise(name: str):
        raise classes[name](f"{name} went wrong")

    with LiveServer(app) as server:
        for cls, _, http_status, _ in contract:
            reply = httpx.get(f"{server.url}/raise/{cls.__name__}", timeout=10)
            assert reply.status_code == http_status, cls.__name__
            assert reply.json()["error"]["message"] == f"{cls.__name__} went wrong"
            assert reply.json()["error"]["code"] == http_status

"""A loopback OpenAI-compatible server for the synth and fine-tuning tests; it records every request.

    with FineTuneStub(chat=lambda body: '{"questions": []}', outcome="succeeded") as stub:
        client = openai.OpenAI(base_url=stub.base_url, api_key="test")
        ...
        stub.requests[-1].json          # what the client sent

Endpoints:
    POST /v1/chat/completions              reply = chat(request JSON) (a string, or a dict to send as-is)
    POST /v1/files                         multipart upload; the file's bytes and form fields are kept
    POST /v1/fine_tuning/jobs              creates job "ftjob-1" on the uploaded file
    GET  /v1/fine_tuning/jobs/{id}         the job; every GET moves its script one step on
    GET  /v1/fine_tuning/jobs/{id}/events  the events so far, newest first (as OpenAI lists them)

The job follows a script of (status, event message) steps ending in `outcome`: "succeeded",
"failed" (with an `error` object like OpenAI's) or "cancelled".
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

FAILURE = {"code": "invalid_training_file", "param": "training_file",
           "message": "The job failed due to an invalid training file: expected at least 10 examples."}


@dataclass
class Request:
    method: str
    path: str
    headers: dict                                # lower-cased names
    body: bytes
    json: dict | None = None
    form: dict = field(default_factory=dict)    # multipart fields: name -> str, or (filename, bytes)


def script_for(outcome: str) -> list[tuple[str, str]]:
    steps = [("validating_files", "Validating training file: file-1"), ("queued", "Fine-tuning job queued")]
    if outcome == "failed":
        return steps + [("failed", f"Fine-tuning job failed: {FAILURE['message']}")]
    if outcome == "cancelled":
        return steps + [("cancelled", "Fine-tuning job cancelled")]
    return steps + [("running", "Fine-tuning job started"), ("running", "Step 1/2: training loss=1.23"),
                    ("running", "Step 2/2: training loss=0.45"),
                    ("succeeded", "The job has successfully completed")]


class FineTuneStub:
    def __init__(self, chat: Callable[[dict], str | dict] | None = None, outcome: str = "succeeded",
                 model_name: str = "ft:gpt-4o-mini:blogqa:test:abc123"):
        self.chat = chat or (lambda body: '{"questions": []}')
        self.outcome = outcome
        self.model_name = model_name
        self.requests: list[Request] = []
        self.files: dict[str, dict] = {}
        self.jobs: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> "FineTuneStub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, method: str, path_prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # ---- the API ------------------------------------------------------------------------
    def handle(self, req: Request) -> tuple[int, dict]:
        path = req.path.split("?")[0].rstrip("/")
        if req.method == "POST" and path == "/v1/chat/completions":
            reply = self.chat(req.json or {})
            if isinstance(reply, dict):
                return 200, reply
            return 200, {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                         "model": (req.json or {}).get("model", "stub"),
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": reply}}],
                         "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        if req.method == "POST" and path == "/v1/files":
            filename, content = req.form.get("file", ("", b""))
            fid = f"file-{len(self.files) + 1}"
            self.files[fid] = {"id": fid, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                               "filename": filename, "purpose": req.form.get("purpose", ""), "status": "processed",
                               "content": content}
            return 200, {k: v for k, v in self.files[fid].items() if k != "content"}
        if req.method == "POST" and path == "/v1/fine_tuning/jobs":
            body = req.json or {}
            if body.get("training_file") not in self.files:
                return 400, {"error": {"message": f"invalid training_file: {body.get('training_file')}",
                                       "type": "invalid_request_error", "param": "training_file", "code": None}}
            jid = f"ftjob-{len(self.jobs) + 1}"
            self.jobs[jid] = {"body": body, "step": 0, "script": script_for(self.outcome), "created": int(time.time())}
            return 200, self._job(jid)
        parts = path.split("/")
        if req.method == "GET" and path.startswith("/v1/fine_tuning/jobs/") and parts[4] in self.jobs:
            jid = parts[4]
            if len(parts) == 6 and parts[5] == "events":
                return 200, {"object": "list", "data": self._events(jid), "has_more": False}
            if len(parts) == 5:
                job = self.jobs[jid]
                job["step"] = min(job["step"] + 1, len(job["script"]) - 1)
                return 200, self._job(jid)
        return 404, {"error": {"message": f"no route {req.method} {path}", "type": "invalid_request_error",
                               "param": None, "code": "not_found"}}

    def _job(self, jid: str) -> dict:
        job = self.jobs[jid]
        status = job["script"][job["step"]][0]
        body = job["body"]
        return {"id": jid, "object": "fine_tuning.job", "created_at": job["created"], "model": body["model"],
                "training_file": body["training_file"], "validation_file": None, "status": status,
                "fine_tuned_model": self.model_name if status == "succeeded" else None,
                "finished_at": int(time.time()) if status in ("succeeded", "failed", "cancelled") else None,
                "error": FAILURE if status == "failed" else None, "hyperparameters": {"n_epochs": 3},
                "organization_id": "org-stub", "result_files": [], "seed": 42, "trained_tokens": None,
                "user_provided_suffix": body.get("suffix")}

    def _events(self, jid: str) -> list[dict]:
        job = self.jobs[jid]
        events = [{"id": f"ftevent-{i + 1}", "object": "fine_tuning.job.event", "created_at": job["created"] + i,
                   "level": "error" if status == "failed" else "info", "message": message, "type": "message"}
                  for i, (status, message) in enumerate(job["script"][: job["step"] + 1])]
        return list(reversed(events))

    # ---- HTTP plumbing --------------------------------------------------------------------
    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                ctype = self.headers.get("Content-Type", "")
                if ctype.startswith("application/json") and body:
                    req.json = json.loads(body)
                elif ctype.startswith("multipart/form-data"):
                    req.form = _multipart(ctype, body)
                with stub._lock:
                    stub.requests.append(req)
                    status, payload = stub.handle(req)
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _serve

        return Handler


def _multipart(ctype: str, body: bytes) -> dict:
    message = BytesParser(policy=email_policy).parsebytes(
        f"Content-Type: {ctype}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body)
    out = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        out[name] = (filename, payload) if filename is not None else payload.decode("utf-8")
    return out

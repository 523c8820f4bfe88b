"""Load test for `POST /api/ask` (extractive answers): N concurrent clients, a fixed number of
requests, with one client alone as the baseline in the same run.

    python bench/load.py                       # sample blog, its own server, 8 clients x 200 requests
    python bench/load.py --clients 16 --requests 400 --workers 2
    python bench/load.py --url http://127.0.0.1:8000 --key KEY   # a server that is already running

Prints throughput, p50/p95/p99 latency and errors for each phase; exits 1 when any request
failed (errors must be 0)."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import percentile  # bench/common.py: blogqa.evaluate.metrics.percentile

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "배포 시간은 얼마나 줄었나요?",
    "정산 주기는 어떻게 되나요?",
    "결제 링크의 유효 기간은 며칠인가요?",
    "환불 API v3에서 바뀐 필드는?",
    "이벤트 유실은 어떻게 막았나요?",
    "How do new engineers get onboarded?",
    "정산 알림을 카카오 알림톡으로 받을 수 있나요?",
    "롤백은 얼마나 걸리나요?",
]


def run_phase(url: str, clients: int, requests: int, headers: dict) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))
    lock = threading.Lock()

    def worker():
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                body = {"question": QUESTIONS[i % len(QUESTIONS)], "llm": False}
                start = time.perf_counter()
                try:
                    r = client.post("/api/ask", json=body)
                    ok = r.status_code == 200 and "answer_id" in r.json()
                    problem = None if ok else f"HTTP {r.status_code}: {r.text[:120]}"
                except httpx.HTTPError as err:
                    problem = f"{type(err).__name__}: {err}"
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    (errors.append(problem) if problem else latencies.append(elapsed))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"clients": clients, "requests": requests, "ok": len(latencies), "errors": len(errors),
            "error_samples": errors[:3], "seconds": round(wall, 2),
            "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None}


def start_server(index: str, workers: int, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "blogqa.cli", "serve", "--index", index, "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    env = {**os.environ, "BLOGQA_API_KEYS": ""}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start in 180 s")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_sample_index(folder: Path) -> str:
    from blogqa.api import Index
    from blogqa.config import Settings

    idx = Index(str(folder / "idx"), Settings(), create=True)
    idx.ingest(str(ROOT / "examples" / "sample-blog"), progress=False)
    idx.close()
    return str(folder / "idx")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running server (else one is started on --index)")
    p.add_argument("--index", help="index to serve (default: the sample blog, built in a temp folder)")
    p.add_argument("--key", help="API key for a server that has keys configured")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=200, help="requests in the concurrent phase")
    p.add_argument("--baseline-requests", type=int, default=40, help="requests in the single-client phase")
    p.add_argument("--workers", type=int, default=1, help="server worker processes (when started here)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)

    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    proc = None
    with tempfile.TemporaryDirectory(prefix="blogqa-load-") as tmp:
        url = args.url
        if not url:
            index = args.index or build_sample_index(Path(tmp))
            port = free_port()
            proc = start_server(index, args.workers, port)
            url = f"http://127.0.0.1:{port}"
        try:
            run_phase(url, 1, len(QUESTIONS), headers)  # warm-up: every question once
            baseline = run_phase(url, 1, args.baseline_requests, headers)
            loaded = run_phase(url, args.clients, args.requests, headers)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    result = {"url": url, "workers": args.workers if proc else None, "cpus": os.cpu_count(),
              "baseline": baseline, "concurrent": loaded}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"POST /api/ask (extractive) on {url}  cpus={os.cpu_count()}  server workers={result['workers']}")
        print(f"{'phase':<22}{'ok':>6}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for name, r in (("1 client (baseline)", baseline), (f"{args.clients} clients", loaded)):
            print(f"{name:<22}{r['ok']:>6}{r['errors']:>8}{r['throughput_rps']:>9}{r['p50_ms']!s:>9}"
                  f"{r['p95_ms']!s:>9}{r['p99_ms']!s:>9}")
        if baseline["p50_ms"] and loaded["p50_ms"]:
            print(f"throughput x{loaded['throughput_rps'] / baseline['throughput_rps']:.2f} of one client; "
                  f"p50 latency x{loaded['p50_ms'] / baseline['p50_ms']:.2f}")
        for sample in loaded["error_samples"] + baseline["error_samples"]:
            print(f"error: {sample}")
    return 1 if baseline["errors"] or loaded["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Load test for `POST /api/ask` (extractive answers): one client alone as the baseline, N concurrent
clients, and N clients over a repeat mix, all in the same run.

    python bench/load.py                       # sample blog, its own server, 8 clients x 200 requests
    python bench/load.py --clients 16 --requests 400 --workers 2
    python bench/load.py --url http://127.0.0.1:8000 --key KEY   # a server that is already running
    python bench/load.py --questions my-questions.txt             # one question a line, instead of ours

Phases (`--json`: one object with `baseline`, `concurrent`, `repeats`):
- `baseline`: 1 client, `concurrent`: N clients. Every request in these two (and the warm-up) asks a
  question not asked before in the run, so no answer cache can help; the questions are the shared
  blogs' question sets (bench/data/*_qa.jsonl) and the index's post titles, or `--questions FILE`.
- `repeats`: N clients over a realistic repeat mix: Zipf (s=1) over 200 of those questions.
Each phase reports throughput_rps, p50_ms, p95_ms, p99_ms and errors; `--show-questions` adds the
questions each phase asked. Exits 1 when any request failed (errors must be 0)."""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import percentile  # bench/common.py: blogqa.evaluate.metrics.percentile

from blogqa.server.answer_cache import question_key  # what the server's answer cache treats as one question

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
REPEAT_POOL = 200  # distinct questions behind the repeat mix
ZIPF_S = 1.0


def distinct(questions) -> list[str]:
    seen, out = set(), []
    for q in questions:
        q = q.strip()
        if q and question_key(q) not in seen:
            seen.add(question_key(q))
            out.append(q)
    return out


def own_questions(index: str | None) -> list[str]:
    """The shared blogs' hand-written questions, then the index's post titles (when it is local)."""
    questions = []
    for path in sorted(DATA.glob("*_qa.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    if index:
        from blogqa.api import Index

        idx = Index(index)
        try:
            questions += [post.title for post in idx.posts() if post.title]
        finally:
            idx.close()
    return distinct(questions)


def questions_file(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SystemExit(f"--questions {path}: cannot read ({getattr(err, 'strerror', None) or err})")
    questions = distinct(text.splitlines())
    if not questions:
        raise SystemExit(f"--questions {path}: no questions (one a line)")
    return questions


def zipf_mix(questions: list[str], requests: int, seed: int) -> list[str]:
    """`requests` draws from `questions`, the k-th most asked with weight 1/k**ZIPF_S."""
    weights = [1 / rank ** ZIPF_S for rank in range(1, len(questions) + 1)]
    return random.Random(seed).choices(questions, weights=weights, k=requests)


def run_phase(url: str, clients: int, questions: list[str], headers: dict) -> dict:
    """`clients` threads sharing the requests; the i-th request asks questions[i]."""
    requests = len(questions)
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
                body = {"question": questions[i], "llm": False}
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
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "distinct_questions": len({question_key(q) for q in questions})}


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
    p.add_argument("--repeat-requests", type=int, help="requests in the repeats phase (default: --requests)")
    p.add_argument("--warmup", type=int, default=8, help="requests before the phases (distinct questions too)")
    p.add_argument("--questions", metavar="FILE", help="one question a line, instead of the bench's own list")
    p.add_argument("--seed", type=int, default=0, help="seed of the repeat mix")
    p.add_argument("--workers", type=int, default=1, help="server worker processes (when started here)")
    p.add_argument("--show-questions", action="store_true", help="with --json: the questions each phase asked")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    repeat_requests = args.requests if args.repeat_requests is None else args.repeat_requests
    for name in ("clients", "requests", "baseline_requests"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0 or repeat_requests < 1:
        p.error("--warmup must be 0 or more and --repeat-requests at least 1")
    pool = questions_file(args.questions) if args.questions else None

    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    proc = None
    with tempfile.TemporaryDirectory(prefix="blogqa-load-") as tmp:
        url = args.url
        index = args.index or (None if url else build_sample_index(Path(tmp)))
        if pool is None:
            pool = own_questions(index)
        needed = args.warmup + args.baseline_requests + args.requests
        if len(pool) < needed:
            source = f"--questions {args.questions}" if args.questions else "the bench's question list"
            raise SystemExit(f"{source} has {len(pool)} distinct questions; warm-up, baseline and concurrent "
                             f"need {needed}, each asked once (give more questions or fewer requests)")
        warmup, rest = pool[:args.warmup], pool[args.warmup:]
        asked = {"baseline": rest[:args.baseline_requests],
                 "concurrent": rest[args.baseline_requests:args.baseline_requests + args.requests],
                 "repeats": zipf_mix(pool[:REPEAT_POOL], repeat_requests, args.seed)}
        if not url:
            port = free_port()
            proc = start_server(index, args.workers, port)
            url = f"http://127.0.0.1:{port}"
        try:
            if warmup:
                run_phase(url, 1, warmup, headers)
            phases = {"baseline": run_phase(url, 1, asked["baseline"], headers),
                      "concurrent": run_phase(url, args.clients, asked["concurrent"], headers),
                      "repeats": run_phase(url, args.clients, asked["repeats"], headers)}
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    result = {"url": url, "workers": args.workers if proc else None, "cpus": os.cpu_count(),
              "questions": args.questions or "bench/data/*_qa.jsonl + post titles", "warmup_questions": len(warmup),
              "repeat_pool": min(REPEAT_POOL, len(pool)), **phases}
    if args.show_questions:
        result["warmup_asked"] = warmup
        for name, phase in phases.items():
            phase["questions"] = asked[name]
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        baseline, loaded = phases["baseline"], phases["concurrent"]
        print(f"POST /api/ask (extractive) on {url}  cpus={os.cpu_count()}  server workers={result['workers']}")
        print(f"questions: {result['questions']} ({len(pool)} distinct)")
        print(f"{'phase':<30}{'ok':>6}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        names = {"baseline": "1 client (baseline)", "concurrent": f"{args.clients} clients, distinct",
                 "repeats": f"{args.clients} clients, Zipf/{result['repeat_pool']}"}
        for key, r in phases.items():
            print(f"{names[key]:<30}{r['ok']:>6}{r['errors']:>8}{r['throughput_rps']:>9}{r['p50_ms']!s:>9}"
                  f"{r['p95_ms']!s:>9}{r['p99_ms']!s:>9}")
        if baseline["p50_ms"] and loaded["p50_ms"]:
            print(f"throughput x{loaded['throughput_rps'] / baseline['throughput_rps']:.2f} of one client; "
                  f"p50 latency x{loaded['p50_ms'] / baseline['p50_ms']:.2f}")
        for r in phases.values():
            for sample in r["error_samples"]:
                print(f"error: {sample}")
    return 1 if any(r["errors"] for r in phases.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""`blogqa serve --index DIR [--host 127.0.0.1] [--port 8000] [--workers N] [--events PATH] [--keep-days N]
[--sync-every DURATION]` plus connection limits: `--limit-concurrency`, `--timeout-keep-alive`,
`--timeout-header`, `--timeout-body` (docs/server.md: put a reverse proxy in front of it on the internet).

Every start-up failure is one line on stderr and an exit code (README "Exit codes"): a bad
`--port` or `--host`, a missing or unreadable index or events file, or a missing server extra
exit 2; a port in use (or one that needs root) exits 1."""
from __future__ import annotations

import argparse
import errno
import functools
import importlib.util
import inspect
import json
import os
import shutil
import socket
import tempfile

from ..errors import ListenError, UsageError
from .common import add_index_args, settings_from
from .sync import duration


# Connection limits (uvicorn's own defaults are: no limit, no header or body deadline). A slow
# or idle client must not hold a connection, and too many must not exhaust the open files.
LIMIT_CONCURRENCY = 128
TIMEOUT_KEEP_ALIVE = 5
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
OPEN_FILES = 8192  # the soft limit is raised this far (within the hard limit): 1,024 is a common default


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API and the web pages (needs the 'server' extra)")
    add_index_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port_number, default=8000, help="port, 1-65535 (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--events", help="events database: a SQLite file or a postgresql:// URI (default: events.sqlite "
                                    "beside the index folder; for a postgresql:// index, that database)")
    p.add_argument("--keep-days", type=int, metavar="N",
                   help="remove events older than N days at start-up and then daily (default: keep them all)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--limit-concurrency", type=int, default=LIMIT_CONCURRENCY, metavar="N",
                   help=f"open connections (or requests in progress) per worker before new requests get 503 "
                        f"(default {LIMIT_CONCURRENCY})")
    p.add_argument("--timeout-keep-alive", type=int, default=TIMEOUT_KEEP_ALIVE, metavar="S",
                   help=f"close a connection idle S seconds between requests (default {TIMEOUT_KEEP_ALIVE})")
    p.add_argument("--timeout-header", type=float, default=HEADER_TIMEOUT, metavar="S",
                   help=f"close a connection whose request head is not in after S seconds (default {HEADER_TIMEOUT:g})")
    p.add_argument("--timeout-body", type=float, default=BODY_TIMEOUT, metavar="S",
                   help=f"close a connection whose request body is not in after S seconds (default {BODY_TIMEOUT:g})")
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For "
                        "names the client (else BLOGQA_FORWARDED_ALLOW_IPS, else [server] forwarded_allow_ips, "
                        "else 127.0.0.1,::1; '*' any peer, '' none; docs/deploy.md)")
    p.add_argument("--mcp", action="store_true",
                   help="also serve the MCP tools search and ask at /mcp (streamable HTTP; an internal "
                        "endpoint; needs the 'mcp' extra)")
    p.add_argument("--sync-every", type=duration, metavar="DURATION",
                   help="sync the index with its sources in the background every DURATION "
                        "(30s, 30m, 2h, 1d; as `blogqa sync` does), one sync at a time")
    p.set_defaults(func=cmd_serve)


# Requests run in parallel threads (and workers); a multi-threaded BLAS under each one only
# spins: measured on 2 busy cores, one /api/ask took 200-5000 ms with OpenBLAS threads and
# ~80 ms with one. Set before numpy loads (it is not loaded yet here); the user's value wins.
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def cmd_serve(args) -> int:
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, "1")
    try:
        import uvicorn

        from ..server.app import ENV_SERVE, create_app
    except ModuleNotFoundError as err:
        if (err.name or "").startswith("blogqa"):
            raise  # a bug in blogqa, not a missing extra
        raise UsageError(f"blogqa serve needs the server extra: pip install 'blogqa[server]' "
                         f"({err.name} is not installed)") from None
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.limit_concurrency < 1:
        raise UsageError("--limit-concurrency must be at least 1")
    if args.keep_days is not None and args.keep_days < 1:
        raise UsageError(f"--keep-days must be at least 1 (got {args.keep_days})")
    for name in ("timeout_keep_alive", "timeout_header", "timeout_body"):
        if not getattr(args, name) > 0:
            raise UsageError(f"--{name.replace('_', '-')} must be more than 0 seconds")
    settings = settings_from(args)
    proxies = forwarded_allow_ips(args, settings)  # a bad entry fails before the index loads
    if args.mcp and importlib.util.find_spec("mcp") is None:
        raise UsageError("blogqa serve --mcp needs the mcp extra: pip install 'blogqa[mcp]'")
    if not settings.index:
        raise UsageError("no index given: pass --index DIR (or set BLOGQA_INDEX)")
    # Before the index loads (seconds), so a busy port fails at once rather than in uvicorn's log.
    check_listen(args.host, args.port)
    if not settings.server.api_keys and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("blogqa: no API keys configured: internal pages and endpoints answer loopback clients only "
              "(set BLOGQA_API_KEYS to open them to the network)")
    # Open everything once in this process, so a bad index or events path fails with exit 2 here.
    app = create_app(settings.index, settings, args.events, warm=args.workers == 1, mcp=args.mcp)
    if args.keep_days is not None:  # this process purges for all workers: now, then daily
        from ..events.retention import Retention

        removed = Retention(app.state.service.events, args.keep_days).start()
        print(f"blogqa: events older than {args.keep_days} days removed: "
              + ", ".join(f"{n} {table}" for table, n in removed.items()), flush=True)
    sync_loop = None
    if args.sync_every is not None:  # this process syncs for all workers, through its own Index
        from ..api import Index
        from ..server.sync_loop import SyncLoop

        sync_loop = SyncLoop(Index(settings.index, settings), args.sync_every)
    common = {"host": args.host, "port": args.port, "log_level": args.log_level,
              "proxy_headers": True, "forwarded_allow_ips": proxies,
              **connection_options(args)}
    raise_open_files(OPEN_FILES)
    print(f"blogqa: serving {settings.index} on http://{_url_host(args.host)}:{args.port}/  "
          f"(pages: /, /assist, /widget; API docs: /docs)", flush=True)
    if sync_loop is not None:
        sync_loop.start()
        print(f"blogqa: syncing {settings.index} with its sources every {args.sync_every:g}s", flush=True)
    if args.workers == 1:
        uvicorn.run(app, **common)
        return 0
    # the workers' shared answer cache, in a folder only this server's workers use (mkdtemp: 0700)
    shared = tempfile.mkdtemp(prefix="blogqa-answers-")
    os.environ[ENV_SERVE] = json.dumps({
        "index": settings.index, "config": getattr(args, "config", None), "events": args.events, "mcp": args.mcp,
        "settings": {k: getattr(settings, k) for k in ("embedder", "tokenizer", "k", "mode")},
        "shared_answers": os.path.join(shared, "answers.sqlite")})
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
        # a worker loads the index and the embedder before it answers the supervisor's ping
        common["timeout_worker_healthcheck"] = 120
    try:
        uvicorn.run("blogqa.server.app:app_from_env", factory=True, workers=args.workers, **common)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    return 0


def port_number(text: str) -> int:
    """argparse type for `--port`: `"8000" -> 8000`; `"80000"`, `"0"`, `"abc"` are usage errors."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {text!r}")
    return port


def check_listen(host: str, port: int) -> None:
    """Bind (and release) every address uvicorn will listen on, turning the OS error into one line.

    A port that another process takes between this check and uvicorn's own bind still fails,
    in uvicorn's words and with exit 1."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise UsageError(f"--host {host}: not an address of this machine ({err.strerror})") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
            try:
                sock.bind(address)
            except OSError as err:
                where = f"{_url_host(address[0])}:{port}"
                if err.errno == errno.EADDRINUSE:
                    raise ListenError(f"port {port} is in use on {address[0]} (another server?): "
                                      f"stop it or pass --port N") from None
                if err.errno == errno.EACCES:
                    raise ListenError(f"no permission to listen on {where} "
                                      f"(ports below 1024 need root): pass --port N above 1023") from None
                if err.errno == errno.EADDRNOTAVAIL:
                    raise UsageError(f"--host {host}: not an address of this machine") from None
                raise ListenError(f"cannot listen on {where}: {err.strerror}") from None


def forwarded_allow_ips(args, settings) -> str:
    """The trusted proxies for uvicorn (server/proxies.py): the flag, else the settings."""
    from ..server.proxies import trusted_proxies, uvicorn_value

    if args.forwarded_allow_ips is not None:
        return uvicorn_value(trusted_proxies(args.forwarded_allow_ips))
    return uvicorn_value(trusted_proxies(settings.server.forwarded_allow_ips, "forwarded_allow_ips"))


def connection_options(args) -> dict:
    """uvicorn options for the connection limits; the protocol is a partial (picklable for workers)."""
    from ..server.protocol import GuardedH11Protocol

    return {"limit_concurrency": args.limit_concurrency,
            "timeout_keep_alive": args.timeout_keep_alive,
            "http": functools.partial(GuardedH11Protocol, header_timeout=args.timeout_header,
                                      body_timeout=args.timeout_body)}


def raise_open_files(wanted: int) -> None:
    """Raise the soft open-files limit towards `wanted` (never above the hard limit)."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

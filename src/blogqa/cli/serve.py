"""`blogqa serve --index DIR [--host 127.0.0.1] [--port 8000] [--workers N] [--events PATH]`."""
from __future__ import annotations

import inspect
import json
import os

from ..errors import UsageError
from .common import add_index_args, settings_from


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API and the web pages (needs the 'server' extra)")
    add_index_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--events", help="events database (default: events.sqlite beside the index folder; "
                                    "required for a postgresql:// index unless the config names one)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
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
    except ImportError as err:
        raise UsageError(f"blogqa serve needs the server extra: pip install 'blogqa[server]' ({err.name} missing)")
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    settings = settings_from(args)
    if not settings.index:
        raise UsageError("no index given: pass --index DIR (or set BLOGQA_INDEX)")
    if not settings.server.api_keys and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("blogqa: no API keys configured: internal pages and endpoints answer loopback clients only "
              "(set BLOGQA_API_KEYS to open them to the network)")
    # Open everything once in this process, so a bad index or events path fails with exit 2 here.
    app = create_app(settings.index, settings, args.events, warm=args.workers == 1)
    common = {"host": args.host, "port": args.port, "log_level": args.log_level,
              "proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
    print(f"blogqa: serving {settings.index} on http://{_url_host(args.host)}:{args.port}/  "
          f"(pages: /, /assist, /widget; API docs: /docs)", flush=True)
    if args.workers == 1:
        uvicorn.run(app, **common)
        return 0
    os.environ[ENV_SERVE] = json.dumps({
        "index": settings.index, "config": getattr(args, "config", None), "events": args.events,
        "settings": {k: getattr(settings, k) for k in ("k", "mode")}})
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
        # a worker loads the index and the embedder before it answers the supervisor's ping
        common["timeout_worker_healthcheck"] = 120
    uvicorn.run("blogqa.server.app:app_from_env", factory=True, workers=args.workers, **common)
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

"""The app factory: `create_app(index_location, settings)` -> a FastAPI app.

    app = create_app("./idx", load_settings())
    uvicorn.run(app, host="127.0.0.1", port=8000)

Layers, outermost first: the gate (auth, CORS, rate limit, body limits; gate.py), JSON error
handlers (errors.py), then the routers: internal API, public API, OpenAI-compatible, pages."""
from __future__ import annotations

import json
import logging
import os
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..config import Settings, load_settings
from . import errors, pages, routes_api, routes_insights, routes_openai, routes_public
from .answer_cache import AnswerCache, SharedAnswers
from ..events import open_events
from .gate import Gate
from .service import Service

log = logging.getLogger("blogqa.server")
ENV_SERVE = "BLOGQA_SERVE_OPTIONS"  # how `blogqa serve --workers N` hands its options to workers


def create_app(index_location: str | None = None, settings: Settings | None = None,
               events_path: str | os.PathLike | None = None, warm: bool = True, mcp: bool = False,
               shared_answers: str | os.PathLike | None = None) -> FastAPI:
    """Open the index and the events database now, so a bad `--index` fails before serving.
    `mcp=True` adds the MCP endpoint `/mcp` (streamable HTTP; blogqa/mcp_server.py).
    `shared_answers`: the answer cache file this server's workers share (answer_cache.py)."""
    from ..api import Index

    settings = settings or Settings()
    index = Index(index_location or settings.index, settings)
    configured = events_path or getattr(settings.server, "events", None)
    events = open_events(index.location, str(configured) if configured else None)
    svc = Service(index, settings, events,
                  AnswerCache(shared=SharedAnswers(shared_answers)) if shared_answers else None)

    mcp_routes, mcp_run = [], None
    if mcp:
        from ..mcp_server import http_app

        mcp_routes, mcp_run = http_app(index)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:  # load the tokenizer and embedder before the first real question
            from starlette.concurrency import run_in_threadpool

            try:
                await run_in_threadpool(index.search, "warm up", k=1)
            except Exception:
                log.exception("warm-up search failed")
        async with (mcp_run() if mcp_run else nullcontext()):
            yield
        events.close()
        index.close()

    app = FastAPI(title="blogqa", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Search and answers with sources over a company blog. Internal endpoints need "
                              "`Authorization: Bearer KEY` once API keys are configured.")
    app.state.service = svc
    app.state.events_path = events.location
    errors.install(app)
    app.include_router(routes_api.router)
    app.include_router(routes_public.router)
    app.include_router(routes_openai.router)
    app.include_router(routes_insights.router)
    app.include_router(pages.router)
    app.router.routes.extend(mcp_routes)
    swagger = pages.swagger_dir()
    if swagger is not None:
        app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    server = settings.server
    app.add_middleware(Gate, api_keys=server.api_keys, allowed_origins=server.allowed_origins,
                       rate_limit=server.public_rate_limit, allowed_hosts=server.allowed_hosts)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (`--workers N`): options come from $BLOGQA_SERVE_OPTIONS."""
    from dataclasses import replace

    options = json.loads(os.environ[ENV_SERVE])
    settings = load_settings(options.get("config"))
    settings = replace(settings, **{k: v for k, v in options.get("settings", {}).items()})
    return create_app(options["index"], settings, options.get("events"), mcp=options.get("mcp", False),
                      shared_answers=options.get("shared_answers"))


def events_file(app: FastAPI) -> Path:
    return Path(app.state.events_path)

"""blogqa as an MCP server, so AI assistants (Claude Desktop, IDE agents) can search the blog
and get answers with sources.

    server = build_server(Index("./idx"), public=False)
    server.run("stdio")                          # what `blogqa mcp --index ./idx` does

Two tools, each returning the JSON `blogqa search --json` / `blogqa ask --json` prints, as one
text content (the same `to_json()` builders, so the shapes cannot drift apart):

- `search(query, k?, since?, until?)`: the posts that match, best first;
- `ask(question)`: an answer with `[n]` citations and its `sources`, or an honest abstention.

With `public=True` (`--public`) both see public posts only. `http_app()` is the same server over
streamable HTTP, which `blogqa serve --mcp` adds at `/mcp` behind the gate (an internal endpoint:
an API key, or loopback clients without keys). Works with the MCP Python SDK 1.x (`FastMCP`; HTTP
from 1.10) and 2.x (`MCPServer`, its new name)."""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import logging

try:  # mcp >= 2
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as MCPServer
    from mcp.server.fastmcp.exceptions import ToolError

from .errors import BlogqaError, UsageError

INSTRUCTIONS = ("Search a company blog and answer questions from its posts. Answers cite posts as [n]; "
                "give the user the sources' titles and links. When `abstained` is true the blog does "
                "not answer the question: say so rather than guessing.")
SEARCH_HELP = ("블로그 글 검색 / Search the blog's posts. Returns JSON: hits (post_id, title, date, url, "
               "tags, score, text) best first. `k`: how many (default 5); `since`/`until`: YYYY-MM-DD.")
ASK_HELP = ("블로그에 질문 / Answer a question from the blog. Returns JSON: answer (with [n] citations), "
            "abstained, sources (n, post_id, title, date, url), related, confidence, notes.")


def build_server(index, public: bool = False) -> MCPServer:
    """An MCP server with the `search` and `ask` tools over `index` (a `blogqa.api.Index`)."""
    from .answer.audience import for_public

    audience = for_public(public)
    visibility = audience.visibility
    name = "blogqa (public posts)" if public else "blogqa"
    server = MCPServer(name, instructions=INSTRUCTIONS)

    def search(query: str, k: int | None = None, since: str | None = None, until: str | None = None) -> str:
        result = index.search(query, k=k, since=_date(since, "since"), until=_date(until, "until"),
                              visibility=visibility)
        return _text(result.to_json())

    def ask(question: str) -> str:
        return _text(index.ask(question, audience=audience).to_json())

    _add_tool(server, search, SEARCH_HELP)
    _add_tool(server, ask, ASK_HELP)
    return server


MCP_PATH = "/mcp"


def http_app(index, public: bool = False):
    """`(routes, run)`: the streamable HTTP endpoint at MCP_PATH as Starlette routes, and the
    async context manager its session manager must run in (the app's lifespan).

    Stateless, with JSON responses: any worker behind the proxy can answer any request, as with
    the rest of the API. The SDK's own Host check is off: the gate already applies blogqa's
    (loopback names or `allowed_hosts`), one rule for every internal endpoint."""
    try:
        from mcp.server.transport_security import TransportSecuritySettings
    except ImportError:
        raise UsageError("blogqa serve --mcp needs a newer MCP SDK: pip install 'mcp>=1.10'") from None
    logging.getLogger("mcp").setLevel(logging.WARNING)  # not an INFO line per request on top of the access log
    server = build_server(index, public)
    options = {"streamable_http_path": MCP_PATH, "stateless_http": True, "json_response": True,
               "transport_security": TransportSecuritySettings(enable_dns_rebinding_protection=False)}
    try:
        app = server.streamable_http_app(**options)  # mcp >= 2
    except TypeError:  # mcp 1.x: the options are the server's settings
        for key, value in options.items():
            setattr(server.settings, key, value)
        app = server.streamable_http_app()
    return list(app.routes), server.session_manager.run


def _add_tool(server: MCPServer, fn, description: str) -> None:
    @functools.wraps(fn)
    def tool(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BlogqaError as err:  # a bad date, an empty question: the message reaches the assistant
            raise ToolError(str(err)) from None

    # the JSON is the content; no SDK-made {"result": ...} copy of it (the option is SDK >= 1.10)
    options = {"structured_output": False} if "structured_output" in inspect.signature(server.tool).parameters else {}
    server.tool(name=fn.__name__, description=description, **options)(tool)


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{name}: not a date (YYYY-MM-DD): {text!r}") from None


def _text(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)

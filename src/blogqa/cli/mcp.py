"""`blogqa mcp --index DIR [--public]`: the MCP server on stdin/stdout (blogqa/mcp_server.py).

An AI assistant starts it as a subprocess (README "MCP"); stdout carries only the protocol, so
nothing else is printed there. A missing index or the missing `mcp` extra is one line, exit 2."""
from __future__ import annotations

from ..errors import UsageError
from .common import add_index_args, open_index


def register(sub) -> None:
    p = sub.add_parser("mcp", help="serve the index to AI assistants over MCP (stdio; needs the 'mcp' extra)")
    add_index_args(p)
    p.add_argument("--public", action="store_true", help="search and answer from public posts only")
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args) -> int:
    try:
        from ..mcp_server import build_server
    except ModuleNotFoundError as err:
        if (err.name or "").startswith("blogqa"):
            raise
        raise UsageError(f"blogqa mcp needs the mcp extra: pip install 'blogqa[mcp]' "
                         f"({err.name} is not installed)") from None
    index = open_index(args)  # a bad --index fails here, before the assistant connects
    try:
        build_server(index, public=args.public).run("stdio")
    finally:
        index.close()
    return 0

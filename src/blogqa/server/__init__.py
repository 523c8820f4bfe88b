"""`blogqa serve`: the HTTP API, the OpenAI-compatible endpoints and the three pages.

    from blogqa.server import create_app
    app = create_app("./idx", settings)

Needs the `server` extra (`pip install 'blogqa[server]'`)."""
from .app import create_app

__all__ = ["create_app"]

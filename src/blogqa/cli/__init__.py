"""The `blogqa` command: a thin layer that parses arguments, calls the library, prints results.

Exit codes: 0 ok (also when search finds nothing or ask abstains), 1 some posts skipped with
--strict or an operation failed (`serve`: the port is in use or may not be opened), 2 usage error
(bad arguments such as `--port 80000`, a missing or unreadable index, bad config, a missing
extra), 3 the index is busy (another ingest holds its lock; retry later).
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import BlogqaError

# Each module has `register(subparsers)`; its parsers set `func(args) -> int`.
COMMAND_MODULES = ["core", "sync"]
OPTIONAL_COMMAND_MODULES = ["evaluate", "serve", "synth", "migrate", "chat", "mcp", "insights"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"blogqa: error: {message}\n")


def package_version() -> str:
    """The installed distribution's version; the source tree's when blogqa runs uninstalled."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("blogqa")
    except PackageNotFoundError:
        from .. import __version__

        return __version__


class _VersionAction(argparse.Action):
    """`--version`, read from the package metadata only when asked: importlib.metadata costs
    every other command about 20-50 ms at start."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"blogqa {package_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="blogqa", description="Search and answer questions from a company blog.")
    parser.add_argument("--config", help="TOML config file (else BLOGQA_CONFIG, else ~/.config/blogqa/config.toml)")
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES + OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as err:
            if err.name and err.name.startswith(f"{__name__}.{name}"):
                continue  # that command is not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BlogqaError as err:  # each class carries its exit code (blogqa.errors)
        print(f"blogqa: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("blogqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

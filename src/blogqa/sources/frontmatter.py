"""Front matter: YAML between `---` lines (Jekyll, Gatsby, Hugo) or TOML between `+++` (Hugo).

YAML aliases are refused (they can expand exponentially) and nesting too deep for the parser
is a FrontMatterError like any other syntax error.

    >>> split_front_matter("---\\ntitle: Hi\\ndate: 2018-04-30\\n---\\nBody")
    ({'title': 'Hi', 'date': '2018-04-30'}, 'Body')
    >>> split_front_matter("No front matter")
    ({}, 'No front matter')
"""
from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml


class FrontMatterError(ValueError):
    """The front matter is there but cannot be read; the message is a short reason."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that leaves timestamps as strings: PyYAML would move "10:00 +0900" to UTC and so
    change the calendar date; `fields.parse_date` reads the date as written instead."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_OPEN = re.compile(r"\A(---|\+\+\+)[ \t]*\n")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split `text` into (front matter dict, body). No front matter -> ({}, text).

    Raises FrontMatterError for an unclosed block, a YAML/TOML syntax error or a non-mapping.
    """
    opening = _OPEN.match(text)
    if not opening:
        return {}, text
    marker = opening.group(1)
    # YAML may also close with "..."; the closing line must be the marker alone.
    closer = r"(?:---|\.\.\.)" if marker == "---" else r"\+\+\+"
    closing = re.compile(rf"^{closer}[ \t]*$", re.M).search(text, opening.end())
    if not closing:
        raise FrontMatterError(f"unclosed {marker}")
    raw = text[opening.end():closing.start()]
    body = text[closing.end():].lstrip("\n")
    return (_yaml(raw) if marker == "---" else _toml(raw)), body


def _yaml(raw: str) -> dict[str, Any]:
    try:
        _refuse_aliases(raw)
        data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:  # the pure-Python loader recurses once per nesting level
        raise FrontMatterError("nested too deeply") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        where = f" (line {mark.line + 2})" if mark is not None else ""  # +2: 1-based, after "---"
        raise FrontMatterError(f"{problem}{where}") from None
    return _mapping(data)


def _refuse_aliases(raw: str) -> None:
    """Raise FrontMatterError for a YAML alias (`*name`). Each alias repeats its anchored value,
    so nine nested aliases of nine items make 9**9 strings out of 200 bytes (a "billion laughs")
    once the value is walked as a title or tags; front matter has no use for them. Checked on the
    parser's events, which never expand aliases."""
    for event in yaml.parse(raw, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 2  # 1-based, after "---"
            raise FrontMatterError(f"YAML aliases are not allowed (*{event.anchor}, line {line})")


def _toml(raw: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw)
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise FrontMatterError("nested too deeply") from None
    except tomllib.TOMLDecodeError as err:
        # tomllib counts lines from the front matter; count from the file's first line (+++).
        reason = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + 1}", str(err).splitlines()[0])
        raise FrontMatterError(reason) from None


def _mapping(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"expected key: value pairs, got {type(data).__name__}")
    return {str(key): value for key, value in data.items()}

"""A post body (`Post.body`'s clean text) as escaped HTML for the post pages (pure function).

Blocks are apart by a blank line: `#` lines become headings, ``` fences `<pre>`, a block of `- ` or
`1. ` items a list (indented lines belong to the item above), a block of `| a | b |` rows a table,
anything else one paragraph whose line breaks are kept.

    >>> body_html("## 절\\n\\n한 문단\\n\\n- 하나\\n- 둘")
    '<h2>절</h2><p>한 문단</p><ul><li>하나</li><li>둘</li></ul>'
    >>> body_html("| a | b |\\n| 1 | 2 |")
    '<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>'
"""
from __future__ import annotations

import re
from html import escape

_ITEM = re.compile(r"^(?:[-*+]|(\d+)[.)])\s+(.*)$")


def body_html(body: str) -> str:
    parts: list[str] = []
    block: list[str] = []
    code: list[str] | None = None
    for line in body.split("\n"):
        if line.lstrip().startswith("```"):
            if code is None:
                parts.append(_block_html(block))
                block, code = [], []
            else:
                parts.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
                code = None
        elif code is not None:
            code.append(line)
        elif line.startswith("#"):
            parts.append(_block_html(block))
            block = []
            parts.append(f"<h2>{escape(line.lstrip('#').strip())}</h2>")
        elif not line.strip():
            parts.append(_block_html(block))
            block = []
        else:
            block.append(line)
    parts.append(_block_html(block))
    if code:
        parts.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
    return "".join(parts)


def _block_html(lines: list[str]) -> str:
    if not lines:
        return ""
    if all(line.startswith("|") for line in lines):
        rows = ("".join(f"<td>{escape(cell.strip())}</td>" for cell in line.strip().strip("|").split("|"))
                for line in lines)
        return "<table>" + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>"
    first = _ITEM.match(lines[0])
    if first:
        items: list[str] = []
        for line in lines:
            item = _ITEM.match(line)
            if item and not line[:1].isspace():
                items.append(item.group(2))
            else:  # a nested item or a continuation line stays with the item above
                items[-1] += "\n" + line.strip()
        tag = "ol" if first.group(1) else "ul"
        start = f' start="{first.group(1)}"' if first.group(1) not in (None, "1") else ""
        return f"<{tag}{start}>" + "".join(f"<li>{_lines(item)}</li>" for item in items) + f"</{tag}>"
    return f"<p>{_lines(chr(10).join(lines))}</p>"


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))

"""A Markdown post body -> clean text, parsed by a CommonMark parser (markdown-it-py, with the GFM
table and strikethrough rules, footnotes and dollar math from mdit-py-plugins).

The output contract is `blogqa.models.Post.body`'s: plain text, one line per paragraph (the soft
line breaks of a hard-wrapped paragraph join with a space), `#` heading lines, list items as `- `
/ `1. ` lines, table rows as `| a | b |` lines, code between ``` fences, blocks apart by a blank line.
What CommonMark does not know — Jekyll's Liquid and `{% highlight %}`, Hugo's shortcodes, kramdown's
attribute lists — is handled before parsing and while rendering.

    >>> markdown_to_text("Intro\\n=====\\n\\nSee [docs](http://x)\\nand more {: .c }")
    '# Intro\\n\\nSee docs and more'
    >>> markdown_to_text("- 하나\\n- **둘**\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |")
    '- 하나\\n- 둘\\n\\n| a | b |\\n| 1 | 2 |'
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from .clean import BRACE, PUA, Stash, fenced, lang_of, normalize_text

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}((?:(?!\{%-?\s*raw\b).)*?)\{%-?\s*endraw\s*-?%\}", re.S)
# {% highlight lang %} (Jekyll) and {{< highlight lang >}} (Hugo) open a fence; their end tags close it.
_HIGHLIGHT = re.compile(r"[ \t]*(?:\{%-?\s*highlight\s+([^\s%]+)[^%]*%\}"
                        r"|\{\{[<%]\s*highlight\s+([^\s>%]+)[^}]*[>%]\}\})[ \t]*\n?")
_END_HIGHLIGHT = re.compile(r"\n?[ \t]*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/highlight\s*[>%]\}\})")
# Liquid tags/outputs and Hugo {{< >}} / {{% %}}; never across a blank line or another "{", so a
# stray "{%" cannot swallow the rest of the post (and scanning stays linear).
_LIQUID = re.compile(r"\{%(?:[^{\n]|\n(?!\n)){0,1000}?%\}|\{\{(?:[^{\n]|\n(?!\n)){0,1000}?\}\}")
_LIQUID_LITERAL = re.compile(r"""\{\{-?\s*(['"])([^'"\n]{0,200})\1\s*-?\}\}""")  # {{ "x" }} prints x
_TEMPLATE_PAIR = re.compile(r"\{([{%])([^\n]{0,1000}?)([}%])\}")
_TEMPLATE_OPEN = re.compile(r"\{(?=[{%])")
_KRAMDOWN_IAL = re.compile(r"\{:[^}\n]*\}")
_FENCE_LANG = re.compile(r"[^\w+#.-]")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    # math is kept verbatim (never read as emphasis); "$5 and $10" comes back as written
    return (MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
            .use(dollarmath_plugin, double_inline=True))


def _parsed(markdown: str) -> list:
    """The top-level nodes of markdown-it's syntax tree for `markdown`."""
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(_parser().parse(markdown)).children


def markdown_to_text(markdown: str) -> str:
    """Turn a Markdown post body (Jekyll/Hugo/kramdown flavoured) into clean text.

    Liquid, Hugo shortcodes and kramdown attribute lists go; `{% highlight %}` becomes a fence and
    `{% raw %}` content stays verbatim; links keep their text, images their alt text; inline HTML is
    stripped (script/style/iframe with their content); headings become `#` lines.

    >>> markdown_to_text("{% highlight py %}\\nx = 1\\n{% endhighlight %}\\n\\n**bold** ![cat](c.png)")
    '```py\\nx = 1\\n```\\n\\nbold cat'
    """
    text = PUA.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    text = _RAW.sub(lambda m: m.group(1).replace("{", BRACE), text)
    text = _HIGHLIGHT.sub(lambda m: f"\n```{m.group(1) or m.group(2)}\n", text)
    text = _END_HIGHLIGHT.sub("\n```\n", text)
    # Liquid runs before Markdown, in code blocks too (as Jekyll does): {{ '{#' }} prints "{#".
    text = _LIQUID.sub("", _LIQUID_LITERAL.sub(lambda m: m.group(2), text))
    text = "\n\n".join(_blocks(_parsed(_pre_as_fences(text)))).replace(BRACE, "{")
    return normalize_text(_defuse_templates(text))


_FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)


def _pre_as_fences(text: str) -> str:
    """Raw `<pre>` elements outside fenced code become fences of their own. CommonMark ends an HTML
    block where its list item ends, so a `<pre>` indented into a list item with its code at the
    margin (as kramdown accepts) would come apart into paragraphs.
    """
    if "<pre" not in text.lower():
        return text
    pieces, at, fence = [], 0, None
    for match in _FENCE_LINE.finditer(text):  # code between fence lines is left as it is
        marker = match.group(1)
        if fence is None:
            pieces.append(_PRE.sub(_pre_fence, text[at:match.start()]))
            fence, at = marker, match.start()
        elif marker[0] == fence[0] and len(marker) >= len(fence):
            line_end = text.find("\n", match.end())
            end = len(text) if line_end < 0 else line_end
            pieces.append(text[at:end])
            fence, at = None, end
    pieces.append(_PRE.sub(_pre_fence, text[at:]) if fence is None else text[at:])
    return "".join(pieces)


def _pre_fence(match: re.Match) -> str:
    code = _tag_text(match.group(2)).strip("\n")
    ticks = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", code)), default=0))
    return f"\n\n{ticks}{lang_of(match.group(0))}\n{code}\n{ticks}\n\n"


def _defuse_templates(text: str) -> str:
    """Template delimiters left in the text ({% raw %} content, escaped \\{\\{, code) get a space:
    `{{ app_name }}` -> `{ { app_name } }`, so a body never holds live Liquid/Jinja/Go template
    syntax (the index, the chunker and anything rendering answers can rely on that)."""
    text = _TEMPLATE_PAIR.sub(lambda m: f"{{ {m.group(1)}{m.group(2)}{m.group(3)} }}", text)
    return _TEMPLATE_OPEN.sub("{ ", text)


# ---------------------------------------------------------------- blocks

def _blocks(nodes) -> list[str]:
    """The text of each block among `nodes` (blockquotes and footnotes give their own blocks)."""
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "paragraph":
            out.append(_inline(node.children[0]).strip() if node.children else "")
        elif kind == "heading":
            title = " ".join(_inline(node.children[0]).split()) if node.children else ""
            out.append(f"{'#' * int(node.tag[1])} {title}" if title else "")
        elif kind in ("fence", "code_block"):
            lang = _FENCE_LANG.sub("", (node.info.split() or [""])[0]) if kind == "fence" else ""
            out.append(fenced(node.content, lang))
        elif kind == "math_block":
            out.append(f"$$\n{node.content.strip(chr(10))}\n$$")
        elif kind in ("bullet_list", "ordered_list"):
            out.append("\n".join(_list_item(item, kind) for item in node.children))
        elif kind == "table":
            out.append("\n".join(_table_rows(node)))
        elif kind == "html_block":
            out.extend(_html_block(node.content))
        elif kind in ("hr", "footnote_anchor"):
            continue
        else:  # blockquote, footnote_block, footnote, and whatever a plugin nests
            out.extend(_blocks(node.children))
    return [block for block in out if block.strip()]


def _list_item(item, kind: str) -> str:
    """`- text` (or `3. text`), its further blocks and nested lists indented under it; code
    stays at the margin, so that every fence starts its line."""
    marker = f"{item.info or 1}{item.markup} " if kind == "ordered_list" else "- "
    indent = " " * len(marker)
    lines = "\n".join(_blocks(item.children)).split("\n")
    out, in_code = [], False
    for n, line in enumerate(lines):
        fence = line.startswith("```")
        if n == 0:
            out.append(f"{marker}\n{line}" if fence else marker + line)
        else:
            out.append(line if in_code or fence or not line else indent + line)
        in_code ^= fence
    return "\n".join(out)


def _table_rows(table) -> list[str]:
    rows = []
    for section in table.children:  # thead, tbody
        for row in section.children:
            cells = [" ".join(_inline(cell.children[0]).split()) if cell.children else "" for cell in row.children]
            rows.append("| " + " | ".join(cells) + " |")
    return rows


# ---------------------------------------------------------------- inline

def _inline(node) -> str:
    """An inline run's text: soft breaks join with a space, hard breaks stay line breaks; links
    keep their text, images their alt text, code its backticks; kramdown attributes and footnote
    references go; inline HTML as `_inline_html` says."""
    parts: list[str] = []
    dropping: str | None = None  # the tag whose content is being dropped (<script> … </script>)
    for token in node.token.children or []:
        kind = token.type
        if dropping:
            if kind == "html_inline" and re.match(rf"</{dropping}\s*>", token.content, re.I):
                dropping = None
            continue
        if kind in ("text", "text_special"):
            parts.append(_KRAMDOWN_IAL.sub("", token.content))
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "code_inline":
            parts.append(f"`{token.content.strip()}`")
        elif kind == "image":
            parts.append(token.content)
        elif kind == "math_inline":
            parts.append(f"${token.content}$")
        elif kind == "math_inline_double":
            parts.append(f"$${token.content}$$")
        elif kind == "html_inline":
            opened = _DROP_OPEN_TAG.match(token.content)
            if opened and not token.content.rstrip().endswith("/>"):
                dropping = opened.group(1)
            else:
                parts.append(_inline_html(token.content))
    text = _LOOSE_LINK.sub(lambda m: m.group(1), "".join(parts))
    return _LINE_START_SPACE.sub("\n", text)  # the next line's indent after a hard break is no text


# `[text](a link with spaces)`: kramdown takes it as a link, CommonMark leaves it as text (one line,
# one level of parentheses; atomic, bounded runs, so "[a](" repeated cannot backtrack)
_URL_PART = r"\((?>[^()\n]{0,2000})(?:\((?>[^()\n]{0,2000})\)?(?>[^()\n]{0,2000})){0,20}\)"
_LOOSE_LINK = re.compile(rf"!?\[([^\[\]\n]{{0,1000}})\]{_URL_PART}")
_LINE_START_SPACE = re.compile(r"\n[ \t]+")


# Inline HTML is matched against real tag names, so that prose such as `List<String>` or `a < b`
# survives (CommonMark reads `<String>` as a tag).
_DROP_TAGS = "script|style|iframe|noscript|template|svg|object|embed|video|audio|canvas|form|button"
_RAW_BLOCK_TAGS = {"pre", "textarea", *_DROP_TAGS.split("|")}
_DROP_OPEN_TAG = re.compile(rf"<({_DROP_TAGS})\b", re.I)
# Element contents stop at the next opener of the same kind: unclosed openers cannot make it quadratic.
_DROP_ELEMENT = re.compile(rf"<({_DROP_TAGS})\b[^<>]*>(?:(?!<(?:{_DROP_TAGS})\b).)*?</\1\s*>", re.S | re.I)
_DROP_OPEN = re.compile(rf"</?(?:{_DROP_TAGS})\b[^<>]*>", re.I)
_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.S)
_PRE = re.compile(r"<pre\b([^<>]*)>((?:(?!<pre\b).)*?)</pre\s*>", re.S | re.I)
_HEADING_TAG = re.compile(r"<h([1-6])\b[^<>]*>((?:(?!<h[1-6]\b).)*?)</h\1\s*>", re.S | re.I)
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_CODE_TAG = re.compile(r"<code\b[^<>]*>((?:(?!\n\n|<code\b).)*?)</code\s*>", re.S | re.I)
_CODE_EDGE = re.compile(r"</?code\b[^<>]*>", re.I)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_BREAK_TAG = re.compile(r"</?br\s*/?>|</?(?:p|div|figure|figcaption|table|thead|tbody|tr|blockquote|center|section|"
                        r"article|header|footer|nav|aside|main|ul|ol|dl|dt|dd|details|summary|hr|caption)\b[^<>]*>",
                        re.I)
_LI_TAG = re.compile(r"<li\b[^<>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|big|cite|code|col|colgroup|data|del|dfn|em|font|i|img|input|ins|kbd|"
                      r"label|li|mark|meta|link|picture|q|rp|rt|ruby|s|samp|small|source|span|strike|strong|sub|"
                      r"sup|td|th|time|tt|u|var|wbr|h[1-6]|pre|p|div|table|tr|html|body|head|title)\b[^<>]*>", re.I)


def _inline_html(tag: str) -> str:
    """One inline tag: `<br>` is a line break, `<img>` its alt text, `<code>` a backtick, a known
    tag nothing, anything else (`<String>`) stays as written."""
    if _CODE_EDGE.fullmatch(tag):
        return "`"
    if _IMG.fullmatch(tag):
        return _alt(tag)
    if re.fullmatch(r"</?br\s*/?>", tag, re.I):
        return "\n"
    return "" if _ANY_TAG.fullmatch(tag) or _BREAK_TAG.fullmatch(tag) or _COMMENT.fullmatch(tag) else tag


# A line of inline tags alone (`<br/>`, `<img …>`) opens a CommonMark HTML block that runs to the
# next blank line, swallowing the Markdown after it; kramdown (Jekyll's parser), and so the blog as
# published, reads that Markdown. So does this: the tags are HTML, the lines after them Markdown.
_TAG_LINE = re.compile(r"[ \t]*(?:<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>\n]*>[ \t]*)+\n")


def _html_block(content: str) -> list[str]:
    match = _TAG_LINE.match(content)
    if match and match.end() < len(content) and not _opens_html_block(match.group(0)):
        return [_html_fragment(match.group(0)), *_blocks(_parsed(content[match.end():]))]
    return [_html_fragment(content)]


def _opens_html_block(line: str) -> bool:
    """Does this line of tags hold one CommonMark treats as a block (`<div>`, `<pre>`)?"""
    from markdown_it.common.html_blocks import block_names

    return any(name.lower() in block_names or name.lower() in _RAW_BLOCK_TAGS
               for _, name in re.findall(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", line))


def _html_fragment(fragment: str) -> str:
    """An HTML block's text: script/style/iframe go with their content, `<pre>` becomes a fence,
    headings `#` lines, images their alt text, block tags line breaks; entities decoded."""
    stash = Stash()
    text = _DROP_OPEN.sub("", _DROP_ELEMENT.sub("", _COMMENT.sub("", fragment)))
    text = _PRE.sub(lambda m: stash.put(fenced(_tag_text(m.group(2)), lang_of(m.group(0))), block=True), text)
    text = _HEADING_TAG.sub(
        lambda m: f"\n\n{'#' * int(m.group(1))} {' '.join(_tag_text(m.group(2)).split())}\n\n", text)
    text = _CODE_TAG.sub(lambda m: stash.put(f"`{_tag_text(m.group(1)).strip()}`"), text)
    text = _IMG.sub(lambda m: _alt(m.group(0)), text)
    text = _LI_TAG.sub("\n- ", _BREAK_TAG.sub("\n", text))
    text = html.unescape(_ANY_TAG.sub("", _CELL_END.sub(" ", text)))
    return stash.restore("\n".join(" ".join(line.split()) for line in text.split("\n"))).strip("\n")


def _tag_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _alt(img_tag: str) -> str:
    match = _ALT.search(img_tag)
    return f" {html.unescape(next(g for g in match.groups() if g is not None))} " if match else " "

"""HTML -> clean text: a tolerant element tree (`parse_html`), the post inside a page
(`main_content`), and its text (`html_to_text`) with the same output contract as Markdown posts.

    >>> html_to_text("<nav>menu</nav><article><h2>T</h2><p>a&amp;b</p></article>")
    '## T\\n\\na&b'
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from .clean import PUA, Stash, fenced, lang_of, normalize_text

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr"}
_MAX_DEPTH = 200  # unclosed <div>/<font> soup must not nest deeper than recursion allows
_SELF_CLOSING = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}  # an open one ends at the next
_DROP = {"script", "style", "iframe", "noscript", "template", "svg", "nav", "header", "footer", "aside",
         "form", "button", "object", "embed", "canvas", "head", "select"}
_BLOCK = {"p", "div", "section", "article", "main", "figure", "figcaption", "blockquote", "ul", "ol", "dl",
          "dt", "dd", "table", "tr", "center", "details", "summary", "body", "html", "hr", "caption", "address"}


class HtmlNode:
    """A minimal element tree node: `tag`, `attrs` and `children` (HtmlNode or str)."""

    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, []

    def iter(self, tag: str | None = None):
        """Depth-first walk over this node and its descendant elements."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, HtmlNode):
                yield from child.iter(tag)

    def text(self) -> str:
        """All text below this node, verbatim (no dropping, no whitespace collapse; <br> is a newline)."""
        return "".join(c if isinstance(c, str) else "\n" if c.tag == "br" else c.text() for c in self.children)


_STRAY_LT = re.compile(r"<(?!!--|[a-zA-Z/!?][^<>]*>)")


class _TreeBuilder(HTMLParser):
    """Tolerant tree builder: unknown end tags are ignored, unclosed tags end with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = HtmlNode("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SELF_CLOSING and self.stack[-1].tag == tag:
            self.stack.pop()
        node = HtmlNode(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.stack[-1].children.append(HtmlNode(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> HtmlNode:
    """Parse HTML (a page or a fragment) into an `HtmlNode` tree rooted at '#root'."""
    builder = _TreeBuilder()
    # html.parser slows down quadratically on many unterminated "<a ..." tags; a "<" that does not
    # open a complete tag is text anyway, so escape it first.
    markup = _STRAY_LT.sub("&lt;", PUA.sub("", markup))
    end = markup.rfind("-->") + 1  # the same goes for "<!--" openers that are never closed
    builder.feed(markup[:end] + markup[end:].replace("<!--", "&lt;!--"))
    builder.close()
    return builder.root


def main_content(root: HtmlNode) -> HtmlNode:
    """The post itself: the largest <article>, else <main>, else <body>, else the whole tree."""
    articles = list(root.iter("article"))
    if articles:
        return max(articles, key=lambda node: len(node.text()))
    return next(root.iter("main"), None) or next(root.iter("body"), None) or root


def html_to_text(markup: str | HtmlNode) -> str:
    """Clean text of the main content of an HTML page or fragment; nav, header, footer, aside,
    script and style dropped, `<pre>` kept as ``` fences, `<h2>` as `## ` lines."""
    root = parse_html(markup) if isinstance(markup, str) else markup
    stash, out = Stash(), []
    _render(main_content(root), out, stash)
    text = re.sub(r"[ \t]+", " ", "".join(out))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return normalize_text(stash.restore(text))


def _render(node: HtmlNode, out: list[str], stash: Stash) -> None:
    for child in node.children:
        if isinstance(child, str):
            out.append(re.sub(r"\s+", " ", child))
            continue
        tag = child.tag
        if tag in _DROP:
            continue
        if tag == "br":
            out.append("\n")
        elif tag == "img":
            out.append(f" {child.attrs.get('alt', '')} ")
        elif tag == "pre":
            code = next(child.iter("code"), child)
            lang = lang_of(f'class="{code.attrs.get("class", "")} {child.attrs.get("class", "")}"')
            out.append(stash.put(fenced(child.text(), lang), block=True))
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            inner: list[str] = []
            _render(child, inner, stash)
            out.append(f"\n\n{'#' * int(tag[1])} {' '.join(''.join(inner).split())}\n\n")
        elif tag == "li":
            out.append("\n- ")
            _render(child, out, stash)
        elif tag == "code":
            out.append(f"`{child.text()}`")
        elif tag in _BLOCK:
            out.append("\n\n")
            _render(child, out, stash)
            out.append("\n\n")
        else:
            _render(child, out, stash)
            if tag in ("td", "th"):
                out.append(" ")

"""Pure text cleaning: bytes -> str, Markdown/HTML -> clean text, Unicode normalisation.

The output contract (see `blogqa.models.Post.body`): plain text, headings kept as Markdown heading
lines (`## Heading`) so the chunker can split on `^#{1,6} `, code kept between ``` fences.

    >>> markdown_to_text("Intro\\n=====\\n\\nSee [docs](http://x) {: .c }")
    '# Intro\\n\\nSee docs'
    >>> html_to_text("<nav>menu</nav><article><h2>T</h2><p>a&amp;b</p></article>")
    '## T\\n\\na&b'
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .clean import BRACE, PUA, Stash, fenced, lang_of, normalize_text
from .html_text import html_to_text  # noqa: F401  (sources and crawl import both converters from here)


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a file's bytes. `replaced` counts the invalid UTF-8 sequences that became
    U+FFFD, `first_bad` is the byte offset of the first (None when nothing was replaced)."""

    text: str
    encoding: str
    replaced: int = 0
    first_bad: int | None = None


# Bytes that do not occur in text: C0 controls but tab, LF, FF, CR and ESC (ANSI colours), and DEL.
_BINARY_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) + b"\x7f"


def looks_binary(data: bytes) -> bool:
    """More than 1% control bytes (and more than one): a stray NUL in a post is not binary, an
    image or archive is (about 10% of random bytes are controls).

    >>> looks_binary(bytes(range(256))), looks_binary(b"text\\x00" + b"x" * 200)
    (True, False)
    """
    controls = len(data) - len(data.translate(None, _BINARY_BYTES))
    return controls > 1 and controls * 100 > len(data)


def decode(data: bytes) -> Decoded:
    """Decode a text file: UTF-16 with a BOM; UTF-8 (BOM or not); UTF-8 with a BOM or a few stray
    bytes, those replaced; CP949 (a superset of EUC-KR); with no UTF-8 at all, whatever charset-normalizer
    finds; else UTF-8 with replacement. Raises ValueError("binary file") for binary data only.

    UTF-8 "with a few stray bytes" means its valid non-ASCII characters outnumber the invalid
    sequences at least 4 to 1. CP949 text read as UTF-8 stays below 1 to 4 (measured on 256 Korean
    posts: at most 0.23), so it is never mistaken for broken UTF-8.

    >>> decode("한글".encode("euc-kr")).text
    '한글'
    >>> broken = "잘못된 바이트".encode() + b"\\xff"
    >>> decode(broken).text, decode(broken).replaced, decode(broken).first_bad
    ('잘못된 바이트\ufffd', 1, 19)
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"), "utf-16")  # NUL bytes are expected: before looks_binary
    if looks_binary(data):
        raise ValueError("binary file")
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start + 3 * bom  # utf-8-sig counts from after the BOM
    replaced_text = data.decode("utf-8-sig", "replace")
    replaced = replaced_text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(replaced_text) - len(replaced_text.encode("ascii", "ignore")) - replaced
    utf8 = Decoded(replaced_text, "utf-8", replaced, first_bad)
    if bom or valid >= 4 * replaced:
        return utf8
    try:
        return Decoded(data.decode("cp949"), "cp949")
    except UnicodeDecodeError:
        pass
    if valid == 0:
        from charset_normalizer import from_bytes  # slow import, rarely needed

        best = from_bytes(data).best()
        if best is not None:
            return Decoded(str(best), best.encoding)
    return utf8


def decode_bytes(data: bytes) -> str:
    """The text of `decode(data)`; ValueError("binary file") for binary data.

    >>> decode_bytes("한글".encode("euc-kr"))
    '한글'
    """
    return decode(data).text



# ---------------------------------------------------------------- Markdown

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
_FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*([^`\n]*?)[ \t]*$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n\n).){1,2000}?)(?<!`)\1(?!`)", re.S)
_MATH = re.compile(r"\$\$.{1,5000}?\$\$", re.S)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LINK_DEF = re.compile(r"^ {0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*\S+.*$", re.M)
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\n]+\]:[ \t]*")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# A link destination and title: one line, one level of (parens) as in wiki URLs (an unclosed one
# allowed: an escaped "\)" is a stash token by now); spaces allowed, as kramdown does. Atomic,
# bounded runs, so that "![a](![a](..." cannot backtrack exponentially.
_URL_PART = r"\((?>[^()\n]{0,2000})(?:\((?>[^()\n]{0,2000})\)?(?>[^()\n]{0,2000})){0,20}\)"
_REF_PART = r"\[[^\[\]\n]{0,200}\]"
_IMAGE = re.compile(rf"!\[([^\]\n]{{0,500}})\](?:{_URL_PART}|{_REF_PART})")
_LINK = re.compile(rf"\[((?:[^\[\]\n]|\n(?!\n)|{_REF_PART}){{0,1000}})\](?:{_URL_PART}|{_REF_PART})")
_SHORTCUT_LINK = re.compile(r"\[([^\[\]\n]{1,200})\](?![(\[:])")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_EMPHASIS = [
    # Emphasis may span single line breaks, never a blank line; `*` may be intraword, `_` not.
    # The content never contains its own delimiter, so a post full of stray "*" stays linear.
    re.compile(r"(\*\*)(?=\S)((?:[^*\n]|\*(?!\*)|\n(?!\n)){1,2000}?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w\\])(__)(?=\S)((?:[^_\n]|_(?!_)|\n(?!\n)){1,2000}?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<![*\\])(\*)(?=[^\s*])((?:[^*\n]|\n(?!\n)){1,2000}?)(?<=[^\s*])\*(?!\*)"),
    re.compile(r"(?<![\w\\])(_)(?=[^\s_])((?:[^_\n]|\n(?!\n)){1,2000}?)(?<=[^\s_])_(?!\w)"),
    re.compile(r"(~~)(?=\S)((?:[^~\n]|~(?!~)|\n(?!\n)){1,2000}?)(?<=\S)~~"),
]


def markdown_to_text(markdown: str) -> str:
    """Turn a Markdown post body (Jekyll/Hugo/kramdown flavoured) into clean text.

    Liquid, Hugo shortcodes and kramdown attribute lists go; `{% highlight %}` becomes a fence and
    `{% raw %}` content stays verbatim; links keep their text, images their alt text; inline HTML is
    stripped (script/style/iframe with their content); headings become `#` lines.

    >>> markdown_to_text("{% highlight py %}\\nx = 1\\n{% endhighlight %}\\n\\n**bold** ![cat](c.png)")
    '```py\\nx = 1\\n```\\n\\nbold cat'
    """
    stash = Stash()
    text = PUA.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    text = _RAW.sub(lambda m: m.group(1).replace("{", BRACE), text)
    text = _HIGHLIGHT.sub(lambda m: f"\n```{m.group(1) or m.group(2)}\n", text)
    text = _END_HIGHLIGHT.sub("\n```\n", text)
    # Liquid runs before Markdown, in code blocks too (as Jekyll does): {{ '{#' }} prints "{#".
    text = _LIQUID.sub("", _LIQUID_LITERAL.sub(lambda m: m.group(2), text))
    text = _stash_code_blocks(text, stash)
    text = _KRAMDOWN_IAL.sub("", text)
    text = _INLINE_CODE.sub(lambda m: stash.put(f"`{m.group(2).strip()}`"), text)
    text = _MATH.sub(lambda m: stash.put(m.group(0)), text)
    text = _ESCAPE.sub(lambda m: stash.put(m.group(1)), text)
    text = _strip_inline_html(text, stash)
    labels = {label.strip().casefold() for label in _LINK_DEF.findall(text)}
    text = _blocks(text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _SHORTCUT_LINK.sub(  # "[Flask]" alone is a link only when "[Flask]: url" is defined
        lambda m: m.group(1) if m.group(1).strip().casefold() in labels else m.group(0), text)
    text = _AUTOLINK.sub(r"\1", _FOOTNOTE_REF.sub("", text))
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\2", text)
    text = stash.restore(html.unescape(text)).replace(BRACE, "{")
    return normalize_text(_defuse_templates(text))


def _defuse_templates(text: str) -> str:
    """Template delimiters left in the text ({% raw %} content, escaped \\{\\{, code) get a space:
    `{{ app_name }}` -> `{ { app_name } }`, so a body never holds live Liquid/Jinja/Go template
    syntax (the index, the chunker and anything rendering answers can rely on that)."""
    text = _TEMPLATE_PAIR.sub(lambda m: f"{{ {m.group(1)}{m.group(2)}{m.group(3)} }}", text)
    return _TEMPLATE_OPEN.sub("{ ", text)


def _stash_code_blocks(text: str, stash: Stash) -> str:
    """Replace fenced and indented code blocks with stash tokens (content kept verbatim)."""
    lines, out, i = text.split("\n"), [], 0
    in_list, prev_blank = False, True
    while i < len(lines):
        line = lines[i]
        opening = _FENCE_OPEN.match(line)
        if opening:
            indent, fence = len(opening.group(1).expandtabs(4)), opening.group(2)
            lang = re.sub(r"[^\w+#.-]", "", (opening.group(3).split() or [""])[0])
            body, i = [], i + 1
            while i < len(lines):
                closing = _FENCE_CLOSE.match(lines[i])
                if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                    break
                body.append(_dedent(lines[i], indent))
                i += 1
            out.append(stash.put(fenced("\n".join(body), lang), block=True))
            i, prev_blank = i + 1, True
            continue
        if prev_blank and not in_list and _INDENTED.match(line) and line.strip():
            body = []
            while i < len(lines) and (_INDENTED.match(lines[i]) or not lines[i].strip()):
                body.append(_dedent(lines[i], 4))
                i += 1
            out.append(stash.put(fenced("\n".join(body).rstrip()), block=True))
            continue
        if line.strip():
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and line[:1] in " \t")
        prev_blank = not line.strip()
        out.append(line)
        i += 1
    return "\n".join(out)


def _dedent(line: str, width: int) -> str:
    expanded = line.expandtabs(4)
    strip = min(width, len(expanded) - len(expanded.lstrip(" ")))
    return expanded[strip:]


def _blocks(text: str) -> str:
    """Line-level Markdown: headings (ATX and setext) to `#` lines, rules, quotes, link
    definitions and table rules dropped."""
    out: list[str] = []
    for line in text.split("\n"):
        setext = _SETEXT.match(line)
        if setext and out and out[-1].strip() and _is_paragraph(out[-1]):
            out[-1] = ("# " if setext.group(1)[0] == "=" else "## ") + out[-1].strip()
            continue
        if _HR.match(line):
            out.append("")
            continue
        if _LINK_DEF.match(line) or (_TABLE_RULE.match(line) and "|" in line):
            continue  # a table keeps its rows together, without the |---| rule
        line = re.sub(r"^ {0,3}(?:>[ \t]?)+", "", line)  # blockquote markers
        line = _FOOTNOTE_DEF.sub("", line)
        atx = _ATX.match(line)
        if atx:
            line = f"{atx.group(1)} {atx.group(2).strip()}" if atx.group(2).strip() else ""
        out.append(line)
    return "\n".join(out)


def _is_paragraph(line: str) -> bool:
    """Can this line be the text of a setext heading (not a list item, heading, quote or token)?"""
    stripped = line.strip()
    return not (_LIST_ITEM.match(line) or stripped.startswith(("#", ">", "|", "<", "\ue001")))


# Inline HTML inside Markdown is handled with regexes, limited to real tag names so that prose
# such as `List<String>` or `a < b` survives.
_DROP_TAGS = "script|style|iframe|noscript|template|svg|object|embed|video|audio|canvas|form|button"
# Element contents stop at the next opener of the same kind: unclosed openers cannot make it quadratic.
_DROP_ELEMENT = re.compile(rf"<({_DROP_TAGS})\b[^<>]*>(?:(?!<(?:{_DROP_TAGS})\b).)*?</\1\s*>", re.S | re.I)
_DROP_OPEN = re.compile(rf"</?(?:{_DROP_TAGS})\b[^<>]*>", re.I)
_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.S)
_PRE = re.compile(r"<pre\b([^<>]*)>((?:(?!<pre\b).)*?)</pre\s*>", re.S | re.I)
_HEADING_TAG = re.compile(r"<h([1-6])\b[^<>]*>((?:(?!<h[1-6]\b).)*?)</h\1\s*>", re.S | re.I)
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_CODE_TAG = re.compile(r"<code\b[^<>]*>((?:(?!\n\n|<code\b).)*?)</code\s*>", re.S | re.I)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_BREAK_TAG = re.compile(r"</?br\s*/?>|</?(?:p|div|figure|figcaption|table|thead|tbody|tr|blockquote|center|section|"
                        r"article|header|footer|nav|aside|main|ul|ol|dl|dt|dd|details|summary|hr|caption)\b[^<>]*>",
                        re.I)
_LI_TAG = re.compile(r"<li\b[^<>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_ANY_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|big|cite|code|col|colgroup|data|del|dfn|em|font|i|img|input|ins|kbd|"
                      r"label|li|mark|meta|link|picture|q|rp|rt|ruby|s|samp|small|source|span|strike|strong|sub|"
                      r"sup|td|th|time|tt|u|var|wbr|h[1-6]|pre|p|div|table|tr|html|body|head|title)\b[^<>]*>", re.I)


def _strip_inline_html(text: str, stash: Stash) -> str:
    text = _DROP_OPEN.sub("", _DROP_ELEMENT.sub("", _COMMENT.sub("", text)))
    text = _PRE.sub(lambda m: stash.put(fenced(_tag_text(m.group(2)), lang_of(m.group(0))), block=True), text)
    text = _HEADING_TAG.sub(
        lambda m: f"\n\n{'#' * int(m.group(1))} {' '.join(_tag_text(m.group(2)).split())}\n\n", text)
    text = _CODE_TAG.sub(lambda m: stash.put(f"`{_tag_text(m.group(1)).strip()}`"), text)
    text = _IMG.sub(lambda m: _alt(m.group(0)), text)
    text = _LI_TAG.sub("\n- ", _BREAK_TAG.sub("\n", text))
    return _ANY_TAG.sub("", _CELL_END.sub(" ", text))


def _tag_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _alt(img_tag: str) -> str:
    match = _ALT.search(img_tag)
    return f" {html.unescape(next(g for g in match.groups() if g is not None))} " if match else " "

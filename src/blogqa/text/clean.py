"""The last step of every converter, and what the converters share (pure functions).

`normalize_text` is what every post body ends with. While converting, finished pieces (code,
math) wait in a `Stash` behind private-use placeholder tokens, out of the way of later regexes.

    >>> stash = Stash(); text = f"a {stash.put('`x*y*z`')} b"
    >>> stash.restore(text)
    'a `x*y*z` b'
"""
from __future__ import annotations

import re
import unicodedata

# Private-use characters used as placeholders while converting; stripped from input first.
BRACE = "\ue000"  # a "{" inside {% raw %}, hidden from the Liquid/Kramdown regexes
TOKEN = re.compile("\ue001(\\d+)\ue002")
PUA = re.compile("[\ue000-\ue002]")

# Control characters, BOM, and private-use code points (icon-font glyphs such as "&#xE001;").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ue000-\uf8ff]")
_BLANKS = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC, LF line ends, no control characters (but \\n and \\t), no trailing spaces, at most one
    blank line in a row.

    >>> normalize_text("\\u1112\\u1161\\u11ab\\r\\n\\x1c\\n\\n\\nok  ")
    '한\\n\\nok'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip("\n")


class Stash:
    """Keeps finished pieces (code, math) out of the way of later regexes: `put` returns a token,
    `restore` swaps the tokens back."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}  # same text, same token (reference-link labels match)

    def put(self, text: str, block: bool = False) -> str:
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        token = f"\ue001{self.index[text]}\ue002"
        return f"\n\n{token}\n\n" if block else token

    def restore(self, text: str) -> str:
        while TOKEN.search(text):  # stashed pieces may contain tokens themselves
            text = TOKEN.sub(lambda m: self.items[int(m.group(1))], text)
        return text


def fenced(code: str, lang: str = "") -> str:
    """`code` between ``` lines (the way every post body keeps code)."""
    return f"```{lang}\n{code.strip(chr(10))}\n```"


def lang_of(tag_html: str) -> str:
    """The language a code tag names in its class ("language-py", "lang:sql", "brush: js"); "" if none."""
    match = re.search(r"""class\s*=\s*["'][^"']*?\b(?:language|lang|brush)[-:]\s*([\w+#.-]+)""", tag_html, re.I)
    return match.group(1) if match else ""

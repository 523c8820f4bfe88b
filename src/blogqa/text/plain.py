"""One line of plain text from a sentence or a model's reply (pure function): Markdown images and
links keep their text, tags and emphasis marks go, white space collapses. For comparing and
quoting short texts; whole posts go through `normalize.markdown_to_text`.

    >>> plain("그 다음 [pip](http://x.org/Pip_(Python))를 **설치**합니다.")
    '그 다음 pip를 설치합니다.'
"""
from __future__ import annotations

import re
import unicodedata

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")  # a URL may hold one level of (...)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPH = re.compile(r"(\*\*|__|`)")


def plain(text: str) -> str:
    """Markdown-free, whitespace-collapsed, NFC text (links keep their label)."""
    text = unicodedata.normalize("NFC", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _EMPH.sub("", text)
    return " ".join(text.split())

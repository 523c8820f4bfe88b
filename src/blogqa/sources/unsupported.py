"""Files that are not blog posts blogqa can read (PDF, Word, HWP, slides...): say so by name
instead of "0 posts".

Not supported on purpose: a maintained PDF parser (pypdf, pdfminer.six) would add a dependency
for a rare case, and a PDF loses what answers need — the post's title, date, headings and live
link. Blogs export Markdown or HTML, and a live blog has a feed or a site to crawl.

    >>> kind_of(Path("report.PDF")), kind_of(Path("post.md"))
    ('PDF', None)
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..errors import SourceError

KINDS = {
    ".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".hwp": "HWP (한글)", ".hwpx": "HWP (한글)",
    ".ppt": "PowerPoint", ".pptx": "PowerPoint", ".key": "Keynote", ".xls": "Excel", ".xlsx": "Excel",
    ".odt": "OpenDocument", ".rtf": "RTF", ".pages": "Pages", ".epub": "EPUB",
}
_MAGIC = ((b"%PDF-", "PDF"),)
_ADVICE = "export the posts as Markdown or HTML, or give the blog's web address or feed"
_MAX_FILES = 10_000  # enough to describe a folder; a huge tree is not walked to its end for a message


def kind_of(path: Path, head: bytes = b"") -> str | None:
    """The unsupported document type of `path`, from its extension or first bytes; None otherwise."""
    kind = KINDS.get(path.suffix.lower())
    return kind or next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def file_error(path: Path, kind: str) -> SourceError:
    """The error for one file of an unsupported type.

        >>> str(file_error(Path("a.pdf"), "PDF"))
        "a.pdf: PDF is not supported; export the posts as Markdown or HTML, or give the blog's web address or feed"
    """
    return SourceError(f"{path}: {kind} is not supported; {_ADVICE}")


def folder_reason(root: Path) -> str:
    """Why a folder gave no post, from what is in it: empty, or the unsupported types it holds,
    or the kinds of files it has instead.

        >>> # folder_reason(Path("pdfs"))  ->  'PDF is not supported: found 2 PDF files; export ...'
    """
    kinds, others, files = Counter(), Counter(), 0
    for folder, dir_names, file_names in os.walk(root):
        dir_names[:] = [d for d in dir_names if not d.startswith(".")]
        for name in file_names:
            if name.startswith("."):
                continue
            files += 1
            kind = kind_of(Path(name))
            if kind:
                kinds[kind] += 1
            else:
                others[Path(name).suffix.lower() or "no extension"] += 1
        if files >= _MAX_FILES:
            break
    if not files:
        return "the folder is empty"
    if kinds:
        names = list(dict.fromkeys(kind for kind, _ in kinds.most_common()))
        names = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        verb = "are" if len(kinds) > 1 else "is"
        found = ", ".join(f"{n} {kind} file{'s' if n > 1 else ''}" for kind, n in kinds.most_common())
        return f"{names} {verb} not supported: found {found}; {_ADVICE}"
    found = ", ".join(f"{n} {ext}" for ext, n in others.most_common(3))
    return f"no Markdown or HTML post files (found {found})"

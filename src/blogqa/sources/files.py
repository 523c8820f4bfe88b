"""Finding post files in a folder and reading them as text, with size and encoding checks.

Walking rules: recursive and sorted (stable order); hidden folders (`.git`), build output
(`_site`, `node_modules`), Jekyll `_drafts` and blogqa index folders are skipped; a site root is
narrowed to its posts (Jekyll `_posts/`, Hugo `content/`); README/LICENSE-like files and Hugo
`_index.md` section pages are never posts. Only regular files are read: a FIFO or a device
named like a post would block or never end.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import BinaryIO, Iterator

from ..text.normalize import decode
from .report import LoadReport, readable

MAX_POST_BYTES = 5 * 1024 * 1024
MARKDOWN_EXTS = (".md", ".markdown", ".mdown", ".mkd", ".mdx")
HTML_EXTS = (".html", ".htm")

_SKIP_DIRS = {"_site", "node_modules", "__pycache__", "_drafts"}
_NOT_POSTS = ("readme", "license", "licence", "changelog", "contributing", "code_of_conduct")
_HUGO_SECTIONS = ("posts", "post", "blog", "articles")
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX only; Windows has no FIFOs to open by name


def post_roots(root: Path) -> list[Path]:
    """The folders to walk for `root`: a Jekyll site root gives `_posts/`; a Hugo/Gatsby site
    root gives `content/posts` (or post/blog/articles) when present, else `content/`."""
    if (root / "_posts").is_dir():
        return [root / "_posts"]
    content = root / "content"
    if content.is_dir():
        sections = [content / name for name in _HUGO_SECTIONS if (content / name).is_dir()]
        return sections or [content]
    return [root]


def is_index_dir(folder: Path, file_names: set[str]) -> bool:
    """A blogqa index (or anything shaped like one) kept inside the blog folder."""
    if "CURRENT" in file_names and ("meta.json" in file_names or folder.name in (".blogqa", "idx")):
        return True
    if "meta.json" in file_names:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(meta, dict) and "blogqa" in meta
    return False


def is_post_name(name: str) -> bool:
    stem = name.rsplit(".", 1)[0].lower()
    return not (stem.startswith(_NOT_POSTS) or stem == "_index" or name.startswith("."))


class NotRegularFile(OSError):
    """`open_regular` found a FIFO, device or socket."""


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for binary reading when it is a regular file, else raise NotRegularFile.

    O_NONBLOCK makes opening a FIFO return at once (a plain open waits for a writer forever);
    fstat on the open file, not stat before opening, so the check is about what gets read."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(0, "not a regular file", str(path))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def walk(root: Path, exts: tuple[str, ...], report: LoadReport) -> Iterator[tuple[Path, str]]:
    """Yield (path, source_path) for each candidate post file; source_path is relative to `root`
    with "/" separators and the file name as on disk, except that bytes of a name that are not
    UTF-8 are written `\\xNN` (with a warning): a post id must be valid text.

        >>> # for path, rel in walk(Path("blog"), MARKDOWN_EXTS, LoadReport()): ...
    """
    def on_error(err: OSError) -> None:
        report.warn(err.filename, f"cannot read folder ({err.strerror})")

    for base in post_roots(root):
        for folder, dir_names, file_names in os.walk(base, onerror=on_error):
            here = Path(folder)
            if here != base and is_index_dir(here, set(file_names)):
                dir_names[:] = []
                continue
            dir_names[:] = sorted(d for d in dir_names if not d.startswith(".") and d not in _SKIP_DIRS)
            for name in sorted(file_names):
                if name.lower().endswith(exts) and is_post_name(name):
                    path = here / name
                    source_path = path.relative_to(root).as_posix()
                    if readable(source_path) != source_path:
                        source_path = readable(source_path)
                        report.warn(path, f"file name is not valid UTF-8, indexed as {source_path!r}")
                    yield path, source_path


def read_post_text(path: Path, where: str, report: LoadReport) -> str | None:
    """The decoded text of one post file, or None after a warning (too large, empty, binary, not
    a regular file, unreadable). The size is checked before reading, and at most 5 MB + 1 byte is
    ever read. Invalid UTF-8 bytes in a UTF-8 post are replaced, with a warning giving the offset."""
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_POST_BYTES:
                report.skip(where, f"too large ({size / 2**20:.1f} MB > 5 MB)")
                return None
            data = handle.read(MAX_POST_BYTES + 1)
    except OSError as err:
        report.skip(where, f"cannot read ({err.strerror or err})")
        return None
    if len(data) > MAX_POST_BYTES:  # grew since fstat()
        report.skip(where, "too large (> 5 MB)")
        return None
    if not data.strip():
        report.skip(where, "empty file")
        return None
    try:
        decoded = decode(data)
    except ValueError:
        report.skip(where, "binary file")
        return None
    warn_replaced(decoded, where, report)
    return decoded.text


def warn_replaced(decoded, where: str, report: LoadReport) -> None:
    """One warning when decoding replaced invalid UTF-8 bytes (`normalize.Decoded`)."""
    if decoded.replaced:
        many = f"{decoded.replaced} invalid UTF-8 sequences" if decoded.replaced > 1 else "an invalid UTF-8 sequence"
        report.warn(where, f"{many} replaced with U+FFFD (first at byte {decoded.first_bad})")

"""`LoadReport`: what a load skipped and why, one line per problem."""
from __future__ import annotations

from dataclasses import dataclass, field


def readable(text: str) -> str:
    """`text` as valid Unicode: the undecodable bytes of a file name (which Python keeps as
    surrogate escapes) become `\\xNN`, any other lone surrogate `\\udNNN`. Anything that goes to
    SQLite, JSON or a terminal must be valid Unicode.

        >>> readable("caf\\udce9.md"), readable("ok")
        ('caf\\\\xe9.md', 'ok')
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate outside the escape range, e.g. JSON's "\\ud800"
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class LoadReport:
    """Collects the problems of one or more loads.

    `warnings` are one-line "PATH: reason" strings; `skipped` counts inputs that produced no post
    because of a problem; `skipped_drafts` counts drafts/unpublished posts (skipped silently);
    `undated_sources` holds the sources that had posts without a date; `loaded` counts posts yielded.

        >>> r = LoadReport(); r.skip("a.md", "empty file"); r.warnings, r.skipped
        (['a.md: empty file'], 1)
    """

    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    skipped_drafts: int = 0
    undated_sources: set[str] = field(default_factory=set)
    loaded: int = 0

    def warn(self, where: object, reason: str) -> None:
        """Record a problem that did not cost a post (or is counted elsewhere)."""
        self.warnings.append(readable(f"{where}: {' '.join(str(reason).split())}"))

    def skip(self, where: object, reason: str) -> None:
        """Record an input that was skipped because of `reason`."""
        self.warn(where, reason)
        self.skipped += 1

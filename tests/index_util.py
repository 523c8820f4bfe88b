"""How the tests build an index: `make_index(location, *sources)`, one real ingest per source."""
from __future__ import annotations

from pathlib import Path


def make_index(location: Path, *sources: Path | tuple[Path, str]):
    """A new index at `location` holding `sources`, each a folder or file (read as public) or a
    (path, visibility) pair; returns the open `Index` and each ingest's report, in order."""
    from blogqa.api import Index

    idx = Index(str(location), create=True)
    reports = []
    for source in sources:
        path, visibility = source if isinstance(source, tuple) else (source, None)
        reports.append(idx.ingest(str(path), progress=False, visibility=visibility))
    return idx, reports

"""Helpers shared by the benchmarks: paths, timing, percentiles, tables, peak memory."""
from __future__ import annotations

import sys
from pathlib import Path

# blogqa first, as the CLI does: it makes BLAS single-threaded, which only works before NumPy loads
# (a NumPy loaded earlier keeps a BLAS pool that fights the embedder: 2x slower queries on 2 cores).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import blogqa  # noqa: E402,F401
from blogqa.evaluate.metrics import percentile  # noqa: E402,F401  (nearest rank, q in [0, 100])

import resource
import statistics
import time

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
BLOGS = SHARED / "blogs"
KORQUAD = SHARED / "korquad" / "KorQuAD_v1.0_dev.json"
WORK = Path("/tmp/blogqa-bench")


def tokenizer_name() -> str:
    """Bench indexes are kept per tokenizer version: one built by another version reads differently."""
    from blogqa.text.tokens import get_tokenizer

    return get_tokenizer("kiwi").name


def blog_index(blog: str, work: Path = WORK):
    """The shared blog's index the benchmarks share, <work>/<blog>-<tokenizer name>, built on first use."""
    from blogqa.api import Index

    location = Path(work) / f"{blog}-{tokenizer_name()}"
    if not (location / "CURRENT").is_file():
        Index(str(location), create=True).ingest(str(BLOGS / blog), progress=True)
    return Index(str(location))


def korquad_location() -> str:
    """Where the KorQuAD dev index (all 964 paragraphs) is kept."""
    return str(WORK / f"korquad-{tokenizer_name()}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def peak_rss_mb() -> float:
    """This process's own peak resident memory: VmHWM, which starts again at exec. Not
    `ru_maxrss`: Linux carries that across fork and exec, so a bench process started by one that
    had built a 100k-chunk index reported the builder's 1.5 GB as its own (docs/benchmarks.md)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table."""
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 100 else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)

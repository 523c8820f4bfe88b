"""blogqa: turn a company blog into a search and answering service with sources."""
import os as _os

# One query is a (chunks x 384) mat-vec product: a BLAS thread pool costs more to wake than it saves,
# and on a busy 2-core machine it made single queries 10-50x slower. Set before NumPy loads; an
# explicit setting wins. (The embedder's own OpenMP threads are left alone: ingest needs them.)
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
_os.environ.setdefault("MKL_NUM_THREADS", "1")
from .errors import BlogqaError, IndexError_, LLMError, SourceError, UsageError
from .models import Answer, Chunk, Filters, Hit, Post, Source

__all__ = ["Answer", "BlogqaError", "Chunk", "Filters", "Hit", "IndexError_", "LLMError", "Post",
           "Source", "SourceError", "UsageError"]
__version__ = "0.1.0"

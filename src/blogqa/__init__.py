"""blogqa: turn a company blog into a search and answering service with sources."""
from .errors import BlogqaError, IndexError_, LLMError, SourceError, UsageError
from .models import Answer, Chunk, Filters, Hit, Post, Source

__all__ = ["Answer", "BlogqaError", "Chunk", "Filters", "Hit", "IndexError_", "LLMError", "Post",
           "Source", "SourceError", "UsageError"]
__version__ = "0.1.0"

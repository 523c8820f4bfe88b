"""blogqa's exceptions. Every message is one line a user can act on.

    BlogqaError
    ├── UsageError        bad arguments or configuration (CLI exit code 2)
    ├── SourceError       a source (file, folder, feed) cannot be read at all
    ├── IndexError_       the index is missing, corrupt or was built by another embedder/tokenizer (exit 2)
    │   └── IndexBusyError   another ingest holds the index's lock; try again later (exit 3)
    ├── LLMError          the LLM server is down, the model is unknown, or it keeps failing
    └── ListenError       `blogqa serve` cannot listen: the port is in use or not allowed (exit 1)
"""


class BlogqaError(Exception):
    """Base class; `str(err)` is the one-line message shown to the user."""


class UsageError(BlogqaError):
    pass


class SourceError(BlogqaError):
    pass


class IndexError_(BlogqaError):
    pass


class LLMError(BlogqaError):
    pass


class ListenError(BlogqaError):
    """The server's address cannot be bound (in use, no permission): the arguments are fine,
    the machine is not, so exit 1, not 2."""


class IndexBusyError(IndexError_):
    """Another ingest is writing this index (its lock is held): nothing is wrong, retry later."""

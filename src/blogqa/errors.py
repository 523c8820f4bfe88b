"""blogqa's exceptions. Every message is one line a user can act on.

Each class carries what the surfaces need, so the CLI and the server map an error in one place:
`exit_code` (the `blogqa` command's exit status), `http_status` (the server's JSON error) and
`retryable` (whether asking the same thing again may succeed: a chat backend's retry loop reads it).

    BlogqaError              exit 1, HTTP 500
    ├── UsageError           bad arguments or configuration                       exit 2, HTTP 400
    ├── SourceError          a source (file, folder, feed) cannot be read at all  exit 1, HTTP 500
    ├── IndexError_          the index is missing, corrupt or was built by another
    │   │                    embedder/tokenizer                                   exit 2, HTTP 503
    │   └── IndexBusyError   another ingest holds the index's lock; retry later   exit 3, HTTP 503
    ├── LLMError             the LLM server is down, the model is unknown, or it
    │   │                    keeps failing                                        exit 1, HTTP 502
    │   └── LLMTransientError  a timeout, 429, 5xx or dropped connection: retryable
    └── ListenError          `blogqa serve` cannot listen: the port is in use or
                             not allowed                                          exit 1, HTTP 500
"""


class BlogqaError(Exception):
    """Base class; `str(err)` is the one-line message shown to the user."""

    exit_code = 1  # an operation failed
    http_status = 500
    retryable = False


class UsageError(BlogqaError):
    exit_code = 2
    http_status = 400


class SourceError(BlogqaError):
    pass


class IndexError_(BlogqaError):
    exit_code = 2
    http_status = 503


class LLMError(BlogqaError):
    http_status = 502  # the upstream model failed, not blogqa


class LLMTransientError(LLMError):
    """The LLM server timed out, rate-limited (429), failed (5xx) or dropped the connection:
    the same request may succeed if sent again after a pause."""

    retryable = True


class ListenError(BlogqaError):
    """The server's address cannot be bound (in use, no permission): the arguments are fine,
    the machine is not, so exit 1, not 2."""


class IndexBusyError(IndexError_):
    """Another ingest is writing this index (its lock is held): nothing is wrong, retry later.
    Exit 3, not 2: a busy index is no usage error, and a script may simply retry."""

    exit_code = 3
    retryable = True

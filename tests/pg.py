"""A real PostgreSQL (16, with pgvector) for the tests, started from the `pgserver` wheel.

    uri = new_database()        # a fresh, empty database on the session's server
    uri = database_for_test()   # the same, or skip the test when PostgreSQL is unavailable

One server per test process, in a temporary directory, stopped and deleted at exit. Set
BLOGQA_TEST_PG_URI to use an existing server instead (a role that may CREATE DATABASE);
set BLOGQA_TEST_POSTGRES=required (CI) to fail instead of skipping when neither is available.
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

_server = None
_lock = threading.Lock()
_counter = itertools.count(1)


def unavailable_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None."""
    if os.environ.get("BLOGQA_TEST_PG_URI"):
        return None
    try:
        import pgserver  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as err:
        return f"PostgreSQL tests need the postgres extra (pip install -e '.[postgres]'): {err}"
    return None


def required() -> bool:
    return os.environ.get("BLOGQA_TEST_POSTGRES", "").lower() in ("1", "required", "yes", "true")


def server_uri() -> str:
    """URI of the maintenance database of the session's server (started on first use)."""
    global _server
    external = os.environ.get("BLOGQA_TEST_PG_URI")
    if external:
        return external
    with _lock:
        if _server is None:
            import pgserver

            # A short base path: the Unix socket lives in the data directory (108-byte limit).
            base = tempfile.mkdtemp(prefix="bqpg-", dir="/tmp" if os.path.isdir("/tmp") else None)
            os.chmod(base, 0o755)  # pgserver runs postgres as an unprivileged user when we are root
            _server = pgserver.get_server(os.path.join(base, "data"), cleanup_mode=None)
            atexit.register(_stop, _server, base)
            import psycopg

            with psycopg.connect(_server.get_uri(), autocommit=True) as conn:  # throw-away data: no fsync
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    conn.execute(f"ALTER SYSTEM SET {setting} = off")
                conn.execute("SELECT pg_reload_conf()")
        return _server.get_uri()


def _stop(server, base: str) -> None:
    """Throw-away data: stop at once (a 'fast' stop can wait a minute on leftover sessions), delete."""
    from pgserver._commands import pg_ctl

    try:
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=30)
    except Exception:  # noqa: BLE001 - best effort at exit
        pass
    shutil.rmtree(base, ignore_errors=True)


def _with_database(uri: str, dbname: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def new_database() -> str:
    """Create an empty database (vector extension not yet installed) and return its URI."""
    import psycopg

    admin = server_uri()
    name = f"bq_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(admin, name)


def database_for_test() -> str:
    """A fresh database for one test; skips it (fails under BLOGQA_TEST_POSTGRES=required) when
    PostgreSQL is unavailable. The `pg_uri` fixture (tests/shared_fixtures.py) returns one."""
    import pytest

    reason = unavailable_reason()
    if reason:
        if required():
            pytest.fail(reason)
        pytest.skip(reason)
    return new_database()

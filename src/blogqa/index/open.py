"""Pick a store from an `--index` value: a folder (embedded) or a postgresql:// URI."""
from __future__ import annotations


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def open_store(location: str, must_exist: bool = True):
    if is_postgres(location):
        from .postgres import PostgresStore

        return PostgresStore(location, must_exist=must_exist)
    from .embedded import EmbeddedStore

    return EmbeddedStore(location, must_exist=must_exist)

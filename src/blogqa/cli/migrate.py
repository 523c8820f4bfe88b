"""`blogqa migrate`: copy an index folder into PostgreSQL, or bring a PostgreSQL schema up to date."""
from __future__ import annotations

import sys

from ..errors import UsageError
from .common import print_json, settings_from


def register(sub) -> None:
    p = sub.add_parser("migrate", help="copy an index folder into PostgreSQL (vectors included, no re-embedding)",
                       description="With --from: copy an embedded index into PostgreSQL in one transaction. "
                                   "Without --from: create or upgrade the blogqa tables in the database.")
    p.add_argument("--from", dest="source", metavar="DIR", help="the index folder to copy")
    p.add_argument("--to", dest="target", metavar="URI",
                   help="postgresql://user@host/db (else BLOGQA_INDEX when it is a postgresql:// URI)")
    p.add_argument("--replace", action="store_true",
                   help="also remove posts from the target that the folder does not have")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_migrate)


def cmd_migrate(args) -> int:
    from ..index.open import is_postgres

    target = args.target
    if not target:
        index = settings_from(args).index
        if index and is_postgres(str(index)):
            target = str(index)
    if not target:
        raise UsageError("give --to postgresql://... (or set BLOGQA_INDEX to one)")
    if not is_postgres(target):
        raise UsageError(f"--to must be a postgresql:// URI, not {target!r}")
    if args.source is None:
        from ..index.postgres import PostgresStore
        from ..index.postgres_schema import LATEST

        store = PostgresStore(target, must_exist=False)  # applies what is missing
        applied = store.schema_applied
        store.close()
        result = {"target": store.path, "schema_version": LATEST, "applied": applied}
        if args.json:
            print_json(result)
        else:
            print(f"{store.path}: blogqa schema at version {LATEST}"
                  + (f" (applied {', '.join(map(str, applied))})" if applied else " (already up to date)"))
        return 0
    from ..index.migrate import migrate_index

    report = migrate_index(args.source, target, replace=args.replace, progress=not args.quiet)
    if args.json:
        print_json(report.to_json())
    else:
        print(report.summary(), file=sys.stderr if args.quiet else sys.stdout)
    return 0

"""``kesos demo``: fill a database with an obviously fictional facility (fixed random seed)."""

from __future__ import annotations

import sys
import time

from kesos_desktop import paths
from kesos_desktop.i18n import _
from kesos_desktop.services import session_setup


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="generate a fictional demo facility")
    parser.add_argument("--residents", type=int, default=400, help="number of residents (default 400)")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed (same seed, same data)")
    parser.add_argument("--output", help="SQLite file to create (default: kesos-demo.db in the data dir)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from kesos_desktop.services import demo

    if args.database_url:
        url = args.database_url
    else:
        path = args.output or str(paths.demo_database_path())
        url = "sqlite:///" + path
    db = session_setup.open_database(url)
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        print(f"\r{message} {done}/{total}   ", end="", file=sys.stderr, flush=True)

    try:
        stats = demo.generate(db, residents=args.residents, seed=args.seed, progress=progress)
    finally:
        db.dispose()
    print(file=sys.stderr)
    print(_("Demo data written to {url} in {s:.1f} s: {stats}").format(
        url=db.display_name, s=time.perf_counter() - started, stats=stats))
    return 0

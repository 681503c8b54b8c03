"""``kesos template residents|schedule|attendance OUT.xlsx``: a blank register to fill in and
import."""

from __future__ import annotations

from kesos_desktop.i18n import _


def register(subparsers) -> None:
    from kesos_desktop.excel.templates import TEMPLATES

    parser = subparsers.add_parser("template", help="write a blank .xlsx register to fill in")
    parser.add_argument("what", choices=sorted(TEMPLATES), help="which register")
    parser.add_argument("output", help=".xlsx file to write")
    parser.set_defaults(func=run)


def run(args) -> int:
    from kesos_desktop.excel.templates import TEMPLATES

    path = TEMPLATES[args.what](args.output)
    print(_("Written: {path}").format(path=path))
    return 0

"""The command line: ``python -m kitaku_maps COMMAND ...``.

Each command lives in the module that owns its work; a module joins the CLI
by defining ``add_parser(subparsers)``, which registers a sub-parser whose
``func(args) -> int`` runs the command. This module only wires them up and
turns the project's errors into clear messages and exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from kitaku_maps.errors import KitakuError

logger = logging.getLogger(__name__)

#: Modules that contribute sub-commands, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "kitaku_maps.build",
    "kitaku_maps.importers.commands",
    "kitaku_maps.validate",
    "kitaku_maps.map_cli",
    "kitaku_maps.table_cli",
    "kitaku_maps.nearest_cli",
    "kitaku_maps.tables_cli",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every command module's sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m kitaku_maps",
        description="Kita-ku Maps: build, check and query the dataset.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    subparsers = parser.add_subparsers(dest="command", required=True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

    try:
        return int(args.func(args) or 0)
    except KitakuError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

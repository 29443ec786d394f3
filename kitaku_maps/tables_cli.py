"""``python -m kitaku_maps import-table``: load a ward's indicator table."""

from __future__ import annotations

import argparse

from kitaku_maps import settings, tables


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``import-table`` command."""
    parser = subparsers.add_parser(
        "import-table",
        help="merge an indicator table (CSV or Excel) into values.csv as official",
        description=(
            "Read a CSV (UTF-8, UTF-8 with BOM or CP932) or Excel table in long "
            "form (indicator, area, year, value) or wide form (one column per "
            "fiscal year) and merge it into the bundle's values.csv with status "
            "official. Nothing is written unless the whole table is valid."
        ),
    )
    parser.add_argument("file", help="the table (.csv, .xlsx)")
    parser.add_argument("--as-of", required=True, help="as-of date, YYYY-MM-DD")
    parser.add_argument("--source-id", required=True, help="source_id of sources.csv")
    parser.add_argument(
        "--source-title", help="title_ja of a new source, added when unknown"
    )
    parser.add_argument(
        "--indicator", help="indicator_id for a table without an indicator column"
    )
    parser.add_argument("--sheet", default=0, help="Excel sheet name (default: first)")
    parser.add_argument(
        "--data", default=str(settings.DATA_DIR), help="bundle folder (default: data/)"
    )
    parser.add_argument(
        "--check", action="store_true", help="only check the table; write nothing"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check or import the table and print how many values it holds."""
    if args.check:
        rows = tables.read_indicator_table(
            args.file, args.data, args.indicator, args.sheet
        )
        print(f"OK: {len(rows)} values in {args.file}")
        return 0

    count = tables.import_table(
        args.file,
        args.data,
        as_of=args.as_of,
        source_id=args.source_id,
        indicator=args.indicator,
        sheet=args.sheet,
        source_title=args.source_title,
    )
    print(f"imported {count} values from {args.file} into {args.data}")
    return 0

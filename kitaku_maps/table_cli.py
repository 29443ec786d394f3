"""``python -m kitaku_maps table``: print one indicator's per-area table.

Prints, per district (or per ward for ward-level indicators), the value, the
ward average, the city average where present and the rank (1 = best; blank
when missing or when fewer than two areas have a value), so the numbers of
the district chart can be checked outside the app. Averages are rounded to
the indicator's decimals, as in the app; see :mod:`kitaku_maps.karte` for how
they are computed (per district for counts, population-weighted for rates).
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from kitaku_maps import karte, karte_tables, settings
from kitaku_maps.errors import InputFormatError
from kitaku_maps.loader import load_bundle


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``table`` command."""
    parser = subparsers.add_parser(
        "table",
        help="print one indicator per district (or ward) with averages and ranks",
        description=__doc__,
    )
    parser.add_argument("--indicator", required=True, help="indicator_id")
    parser.add_argument(
        "--year", type=int, help="fiscal year (default: the latest with values)"
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument(
        "--data", default=str(settings.DATA_DIR), help="bundle folder (default: data/)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the bundle, build the table and print it."""
    bundle = load_bundle(args.data)
    info = karte.indicator_info(bundle, args.indicator)
    year = args.year or karte.latest_year(bundle, args.indicator)
    if year is None:
        raise InputFormatError(
            f"indicator {args.indicator!r} has no values in {args.data}",
            f"指標「{args.indicator}」には値がありません。",
        )

    table = karte.indicator_table(bundle, args.indicator, year)[karte.TABLE_COLUMNS]
    table = rounded_averages(table, info)
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    else:
        sys.stdout.write(to_json(table, args.indicator, year) + "\n")
    return 0


def rounded_averages(table: pd.DataFrame, info: pd.Series) -> pd.DataFrame:
    """Value and averages rounded to the indicator's decimals, as the app shows.

    (One more decimal would print 27.55 where the app shows 27.5 for
    27.549..., which reads as a mismatch.) Whole numbers print as integers.
    """
    return karte_tables.rounded(table, info)


def to_json(table: pd.DataFrame, indicator_id: str, year: int) -> str:
    """The table as JSON: indicator, fiscal year and one record per area."""
    records = json.loads(table.to_json(orient="records", force_ascii=False))
    document = {"indicator_id": indicator_id, "fiscal_year": year, "rows": records}
    return json.dumps(document, ensure_ascii=False, indent=1)

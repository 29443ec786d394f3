"""The ``validate`` and ``info`` commands: check data, and say what a bundle holds."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from kitaku_maps import settings
from kitaku_maps.errors import InputFormatError, UnknownDistrictError
from kitaku_maps.loader import Validation, load_bundle, validate_path
from kitaku_maps.summary import summarise

logger = logging.getLogger(__name__)


def add_parser(subparsers) -> None:
    """Register ``validate`` and ``info``."""
    check = subparsers.add_parser(
        "validate",
        help="check a dataset bundle or a single input file",
        description="Check a bundle folder, or one input table or geometry file, "
        "and list every problem with its file, row and column.",
    )
    check.add_argument("path", type=Path, help="a bundle folder or an input file")
    check.add_argument(
        "--data",
        type=Path,
        default=settings.DATA_DIR,
        help="the bundle whose districts and indicators a table must match",
    )
    check.add_argument(
        "--indicator", help="indicator_id for a table without an indicator column"
    )
    check.set_defaults(func=run_validate)

    info = subparsers.add_parser(
        "info",
        help="summarise the dataset bundle",
        description="Print the districts, wards, goals, indicators, years and "
        "facilities of a dataset bundle.",
    )
    info.add_argument(
        "--data", type=Path, default=settings.DATA_DIR, help="the bundle folder"
    )
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=run_info)


def run_validate(args: argparse.Namespace) -> int:
    """Print OK with counts, or every problem; return 1 when there are problems."""
    try:
        result = validate_path(args.path, args.data, args.indicator)
    except (InputFormatError, UnknownDistrictError) as error:
        print(f"{args.path}: cannot be read\n{error}")
        return 1

    if result.problems:
        print(f"{result.target}: {len(result.problems)} problem(s)")
        for problem in result.problems:
            print(f"  - {problem}")
        return 1

    print(f"OK {result.target}: {_counts_text(result)}")
    return 0


def _counts_text(result: Validation) -> str:
    """``12 districts, 40 indicators, ...`` from a validation's counts."""
    return ", ".join(f"{n:,} {what}" for what, n in result.counts.items())


def run_info(args: argparse.Namespace) -> int:
    """Print the bundle's summary as JSON or as readable tables."""
    summary = summarise(load_bundle(args.data))
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(info_text(summary))
    return 0


def info_text(summary: dict) -> str:
    """The summary as plain-text tables."""
    ward = summary["ward"]
    lines = [
        f"{summary['title_ja']}  ({summary['path']})",
        f"home ward: {ward['name_ja']} {ward['code']}, {ward['area_km2']:.2f} km²",
        "demo values: " + ("yes" if summary["has_demo"] else "no"),
        "approximate district boundaries: "
        + ("yes" if summary["has_approximate_boundaries"] else "no"),
        "",
        _table(
            "districts",
            ["code", "name", "km²", "boundary"],
            [
                [d["district_code"], d["name_ja"], f"{d['area_km2']:.2f}", status]
                for d in summary["districts"]
                for status in [d["boundary_status"]]
            ],
        ),
        _table(
            "wards",
            ["code", "name", "km²"],
            [
                [w["ward_code"], w["name_ja"], f"{w['area_km2']:.2f}"]
                for w in summary["wards"]
            ],
        ),
        _table(
            "goals",
            ["id", "title", "indicators"],
            [[g["goal_id"], g["title_ja"], g["indicators"]] for g in summary["goals"]],
        ),
        _indicator_table(summary["indicators"]),
        _years_text(summary["years"]),
        _facility_table(summary),
    ]
    return "\n".join(lines)


def _indicator_table(indicators: list[dict]) -> str:
    """The catalogue: id, goal, level, name and value counts by status."""
    rows = [
        [i["indicator_id"], i["goal_id"], i["level"], i["name_ja"], *counts]
        for i in indicators
        for counts in [i["values"].values()]
    ]
    header = ["id", "goal", "level", "name", "official", "computed", "demo"]
    return _table("indicators", header, rows)


def _years_text(years: dict[str, list[int]]) -> str:
    """One line per table: the fiscal years it covers."""
    lines = ["fiscal years"]
    for name, covered in years.items():
        lines.append(f"  {name}: {year_spans(covered) or 'none'}")
    return "\n".join(lines) + "\n"


def year_spans(years: list[int]) -> str:
    """Sorted years as runs: ``[2019, 2020, 2021, 2024]`` -> ``2019-2021, 2024``."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _facility_table(summary: dict) -> str:
    """Facilities by category, then shelters by hazard type."""
    shelters = summary["shelters"]
    categories = _table(
        "facilities",
        ["category", "name", "count"],
        [[c["category_id"], c["name_ja"], c["count"]] for c in summary["facilities"]],
    )
    hazards = _table(
        f"shelters: {shelters['count']} sites, "
        f"{shelters['with_hazard_types']} with hazard types",
        ["hazard", "name", "sites"],
        [[h["hazard_id"], h["name_ja"], h["count"]] for h in shelters["hazards"]],
    )
    return categories + "\n" + hazards


def _table(title: str, header: list[str], rows: list[list]) -> str:
    """A titled text table with columns padded to their widest cell."""
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    lines = [title]

    for row in cells:
        padded = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  " + "  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Display width in a terminal: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

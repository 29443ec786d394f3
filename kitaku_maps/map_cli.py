"""``python -m kitaku_maps map``: write the explorer's map as one offline HTML file."""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from pathlib import Path

from geo.classify import SCHEMES
from kitaku_maps import karte, settings
from kitaku_maps.errors import InputFormatError
from kitaku_maps.loader import load_bundle
from kitaku_maps.maps import (
    MapView,
    ShelterFilter,
    build_map,
    standalone_html,
    web_geometry,
)
from kitaku_maps.maps.basemaps import BASE_MAPS, DEFAULT_BASE_MAP
from kitaku_maps.maps.facilities import SHELTER_KINDS
from kitaku_maps.maps.state import (
    DEFAULT_LAYERS,
    MAP_LEVELS,
    default_indicator,
    years_of,
)

logger = logging.getLogger(__name__)


def add_parser(subparsers) -> None:
    """Register the ``map`` sub-command."""
    parser = subparsers.add_parser(
        "map",
        help="write an indicator map as a standalone HTML file that works offline",
        description=(
            "Write the explorer's map of one indicator and fiscal year as one HTML "
            "file with Leaflet inlined: it opens without internet (background tiles "
            "appear only when online)."
        ),
    )
    parser.add_argument(
        "--data", type=Path, default=settings.DATA_DIR, help="bundle folder"
    )
    parser.add_argument("--indicator", help="indicator id (default: the featured one)")
    parser.add_argument("--year", type=int, help="fiscal year (default: the latest)")
    parser.add_argument("--scheme", choices=list(SCHEMES), help="classification scheme")
    parser.add_argument(
        "--change-from", type=int, help="show the change since this year"
    )
    parser.add_argument(
        "--layers",
        default=",".join(DEFAULT_LAYERS),
        help="comma-separated facility categories (e.g. shelter,school); '' for none",
    )
    parser.add_argument(
        "--hazards",
        default="",
        help="comma-separated hazard ids: only shelters suitable for all of them",
    )
    parser.add_argument(
        "--kinds",
        default="",
        help=f"comma-separated shelter kinds to show ({', '.join(SHELTER_KINDS)})",
    )
    parser.add_argument(
        "--district", help="area code to outline as chosen (e.g. a district code)"
    )
    parser.add_argument("--base", choices=list(BASE_MAPS), default=DEFAULT_BASE_MAP)
    parser.add_argument("--out", type=Path, required=True, help="HTML file to write")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the map and write it; returns the exit code."""
    bundle = load_bundle(args.data)
    view = _view_of(bundle, args)
    selected = _area_of(bundle, view, args.district)
    geometry = web_geometry(bundle)
    fmap = build_map(bundle, geometry, view, assets="inline", selected=selected)
    html = standalone_html(fmap)

    _write_atomically(args.out, html)
    logger.info("wrote %s (%d KiB)", args.out, len(html.encode()) // 1024)
    print(args.out)
    return 0


def _view_of(bundle, args: argparse.Namespace) -> MapView:
    """The map view the arguments ask for, checked against the bundle."""
    indicator_id = args.indicator or default_indicator(bundle)
    level = str(karte.indicator_info(bundle, indicator_id)["level"])
    if level not in MAP_LEVELS:
        raise InputFormatError(
            f"--indicator {indicator_id}: level {level!r} cannot be mapped; "
            f"expected an indicator of level {' or '.join(MAP_LEVELS)}",
            f"指標「{indicator_id}」は市全体の値のみで、地図には表示できません。",
        )
    years = years_of(bundle, indicator_id)
    year = args.year if args.year is not None else (years[-1] if years else None)

    for label, value in (("--year", year), ("--change-from", args.change_from)):
        if value is not None and value not in years:
            raise InputFormatError(
                f"{label} {value}: no values of {indicator_id} that year; "
                f"expected one of {years}",
                f"{value}年度の「{indicator_id}」の値はありません。"
                f"{years} から選んでください。",
            )
    layers = _ids(args.layers, set(bundle.categories["category_id"]), "--layers")
    hazards = _ids(args.hazards, set(bundle.hazards["hazard_id"]), "--hazards")
    kinds = _ids(args.kinds, set(SHELTER_KINDS), "--kinds")
    if args.change_from is not None and args.change_from == year:
        raise InputFormatError(
            f"--change-from {year}: same as --year; expected an earlier or later year",
            f"比べる年度（{year}年度）が表示する年度と同じです。別の年度を選んでください。",
        )

    return MapView(
        indicator_id=indicator_id,
        fiscal_year=int(year),
        scheme=args.scheme,
        change_from=args.change_from,
        layers=layers,
        shelters=ShelterFilter(hazards=hazards, kinds=kinds),
        base_map=args.base,
    )


def _area_of(bundle, view: MapView, code: str | None) -> str | None:
    """``--district`` checked against the areas of the indicator's level."""
    if code is None:
        return None
    level = str(karte.indicator_info(bundle, view.indicator_id)["level"])
    known = sorted(karte.areas(bundle, level)["area_code"].astype(str))
    if code not in known:
        raise InputFormatError(
            f"--district {code}: not an area of this {level}-level indicator; "
            f"expected one of {known}",
            f"区域コード「{code}」はこの指標の区域にありません。"
            f"{known} から選んでください。",
        )
    return code


def _ids(text: str, known: set[str], option: str) -> tuple[str, ...]:
    """Comma-separated ids, each checked against ``known``."""
    ids = tuple(item.strip() for item in text.split(",") if item.strip())
    unknown = [item for item in ids if item not in known]
    if unknown:
        raise InputFormatError(
            f"{option}: unknown {unknown}; expected some of {sorted(known)}",
            f"{option} の {unknown} は不明です。{sorted(known)} から選んでください。",
        )
    return ids


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then replace it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=".tmp-", suffix=".html"
    )
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(temp_name, 0o644)
    os.replace(temp_name, path)

"""The ``nearest`` command: the nearest shelters or facilities of a point or town."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from kitaku_maps import settings
from kitaku_maps.errors import InputFormatError
from kitaku_maps.loader import load_bundle
from kitaku_maps.nearest import DEFAULT_COUNT, SHELTER_CATEGORY, FacilityFinder
from kitaku_maps.places import Place, TownMatcher

logger = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``nearest`` with the command line."""
    parser = subparsers.add_parser(
        "nearest",
        help="list the nearest shelters or facilities of a point or town",
        description="List the nearest facilities (straight-line metres, "
        f"walking time at {settings.WALK_METRES_PER_MINUTE:.0f} m a minute).",
    )
    parser.add_argument("--lat", type=float, help="latitude, degrees (EPSG:4326)")
    parser.add_argument("--lon", type=float, help="longitude, degrees (EPSG:4326)")
    parser.add_argument("--town", help="a town name instead of --lat/--lon")
    parser.add_argument(
        "--category", default=SHELTER_CATEGORY, help="category id (default shelter)"
    )
    parser.add_argument("--hazard", help="hazard id (flood, ...) or any")
    parser.add_argument("-n", type=int, default=DEFAULT_COUNT, help="how many")
    parser.add_argument(
        "--data", type=Path, default=settings.DATA_DIR, help="dataset bundle folder"
    )
    parser.add_argument("--json", action="store_true", help="print JSON objects")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the nearest facilities; return the exit code."""
    bundle = load_bundle(args.data)
    place = _place_of(args, bundle)
    finder = FacilityFinder.from_bundle(bundle)
    found = finder.nearest(place.lat, place.lon, args.category, args.hazard, args.n)

    if args.json:
        print(json.dumps([f.to_dict() for f in found], ensure_ascii=False, indent=2))
        return 0

    print(f"{place.name_ja} ({place.lat:.6f}, {place.lon:.6f})")
    for rank, facility in enumerate(found, start=1):
        print(
            f"{rank}. {facility.name}  {facility.distance_m:,.0f} m  "
            f"徒歩約{facility.walk_min}分  {facility.direction}  "
            f"{'・'.join(facility.hazards)}  {facility.gsi_url}"
        )
    return 0


def _place_of(args: argparse.Namespace, bundle) -> Place:
    """Return the point the command asks about: --town, or --lat and --lon."""
    if args.town:
        match = TownMatcher(
            bundle.towns, (bundle.meta["city_name_ja"], bundle.meta["ward_name_ja"])
        ).match(args.town)
        if not match.found:
            names = ", ".join(p.name_ja for p in match.candidates)
            raise InputFormatError(
                f"--town {args.town!r} matches no single town"
                + (f"; candidates: {names}" if names else ""),
                match.message_ja,
            )
        return match.place

    if args.lat is None or args.lon is None:
        raise InputFormatError(
            "expected --lat and --lon (degrees) or --town, found neither",
            "--lat と --lon（度）または --town を指定してください。",
        )
    return Place(f"{args.lat}, {args.lon}", args.lat, args.lon, source="point")

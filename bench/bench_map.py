"""Map build time and HTML size: our builder against GeoDataFrame.explore().

For the default bundle and for synthetic sets of 2,000 and 20,000 districts
(a Voronoi tessellation of random points over the ward's bounding box, edges
densified to 20 m like digitised boundaries), prints in one run:

- ``prep``: our one-off geometry preparation (coverage simplification in
  EPSG:6670, rounding), cached once per process by the app;
- ``build``: building one indicator's map and rendering it to HTML (what
  happens when a user changes the indicator), and its size;
- the same for ``explore(column=..., scheme="NaturalBreaks", k=5)`` on the
  same districts and values;
- a first "warm-up" line, so neither side pays for first-use imports;
- with ``--browser``, whether the largest map opens offline in Chromium: the
  district paths it drew, the legend, script errors and seconds taken.

    python bench/bench_map.py [--sizes 2000 20000] [--browser]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kitaku_maps import settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.loader import load_bundle
from kitaku_maps.maps import MapView, build_map, standalone_html, web_geometry
from kitaku_maps.maps.state import default_indicator, years_of

#: Spacing of the vertices added along synthetic district edges, metres.
DENSIFY_METRES = 20.0


def synthetic_bundle(base: Bundle, count: int, seed: int = 1) -> Bundle:
    """``base`` with ``count`` Voronoi districts and one demo indicator value each."""
    outline = base.outline.to_crs(settings.METRIC_CRS)
    west, south, east, north = outline.total_bounds
    rng = np.random.default_rng(seed)
    points = shapely.points(
        rng.uniform(west, east, count), rng.uniform(south, north, count)
    )
    extent = shapely.box(west, south, east, north)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points)))
    cells = shapely.segmentize(shapely.intersection(cells, extent), DENSIFY_METRES)

    codes = [f"S{i:05d}" for i in range(len(cells))]
    districts = gpd.GeoDataFrame(
        {
            "district_code": codes,
            "name_ja": [f"地区{i}" for i in range(len(cells))],
            "school_name_ja": "",
            "boundary_status": "approximate",
            "source_id": "kitaku_demo",
        },
        geometry=cells,
        crs=settings.METRIC_CRS,
    ).to_crs(settings.WEB_CRS)
    return replace(
        base,
        districts=districts,
        values=_synthetic_values(base, codes, rng),
        population=base.population.iloc[0:0],
        facilities=base.facilities.iloc[0:0],
    )


def _synthetic_values(base: Bundle, codes: list[str], rng) -> pd.DataFrame:
    """One value of the default indicator per synthetic district."""
    indicator_id = default_indicator(base)
    year = years_of(base, indicator_id)[-1]
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "level": "district",
            "area_code": codes,
            "fiscal_year": year,
            "value": rng.normal(30, 5, len(codes)).round(1),
            "missing_reason": "",
            "status": "demo",
            "as_of": "2025-03-31",
            "source_id": "kitaku_demo",
        }
    )


def measure(bundle: Bundle, label: str) -> tuple[str, str]:
    """Print our figures and explore()'s for one bundle; return both HTMLs."""
    indicator_id = default_indicator(bundle)
    year = years_of(bundle, indicator_id)[-1]
    view = MapView(indicator_id, year, scheme="natural_breaks")

    start = time.perf_counter()
    geometry = web_geometry(bundle)
    prep = time.perf_counter() - start

    start = time.perf_counter()
    ours = standalone_html(build_map(bundle, geometry, view, assets="inline"))
    build = time.perf_counter() - start
    served = build_map(bundle, geometry, view).get_root().render()

    frame = _explore_frame(bundle, indicator_id, year)
    start = time.perf_counter()
    theirs = frame.explore(column="value", scheme="NaturalBreaks", k=5)
    theirs_html = theirs.get_root().render()
    explore_s = time.perf_counter() - start

    _print_row(
        label, len(bundle.districts), prep, build, ours, served, explore_s, theirs_html
    )
    return ours, theirs_html


def _explore_frame(bundle: Bundle, indicator_id: str, year: int) -> gpd.GeoDataFrame:
    """The districts with the indicator's value as a column (explore's input)."""
    values = bundle.values[
        (bundle.values["indicator_id"] == indicator_id)
        & (bundle.values["fiscal_year"] == year)
        & (bundle.values["level"] == "district")
    ].set_index("area_code")["value"]
    frame = bundle.districts.copy()
    frame["value"] = frame["district_code"].map(values)
    return frame


def _print_row(label, count, prep, build, ours, served, explore_s, theirs) -> None:
    """One line of figures, with our share of explore's time and bytes."""
    ours_kib = len(ours.encode()) / 1024
    served_kib = len(served.encode()) / 1024
    theirs_kib = len(theirs.encode()) / 1024
    print(
        f"{label:<9} {count:>6} districts | prep {prep:6.2f} s | "
        f"ours build {build:6.2f} s, {ours_kib:8.0f} KiB standalone "
        f"({served_kib:7.0f} KiB as served) | explore {explore_s:6.2f} s, "
        f"{theirs_kib:8.0f} KiB | time {build / explore_s:4.0%}, "
        f"bytes {served_kib / theirs_kib:4.0%} "
        f"(standalone {ours_kib / theirs_kib:4.0%})"
    )


def open_in_chromium(html: str) -> None:
    """Open the map offline in Chromium; print what it drew and how fast.

    Prints the district paths drawn, whether the legend appeared, the
    script errors the page raised and the seconds until the legend showed
    (it is added after the areas, so the whole map script has run).
    """
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.html"
        path.write_text(html, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", _local_only)
            start = time.perf_counter()
            page.goto(path.as_uri(), timeout=300_000)
            page.wait_for_selector(".kitaku-legend", timeout=300_000)
            seconds = time.perf_counter() - start
            drawn = page.locator("path.leaflet-interactive").count()
            legend = page.locator(".kitaku-legend").is_visible()
            browser.close()
    print(
        f"chromium: {drawn} district paths drawn offline, legend "
        f"{'shown' if legend else 'missing'}, {len(errors)} script errors "
        f"{errors[:3]}, in {seconds:.1f} s"
    )


def _local_only(route) -> None:
    """Let file URLs through and abort everything else (tiles)."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def main() -> None:
    """Run the benchmark and print one line per dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 20000])
    parser.add_argument("--browser", action="store_true", help="open the largest map")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)

    base = load_bundle(settings.DATA_DIR)
    measure(base, "warm-up")
    measure(base, "default")
    largest = None
    for size in args.sizes:
        largest, _ = measure(synthetic_bundle(base, size), "synthetic")

    if args.browser and largest is not None:
        open_in_chromium(largest)


if __name__ == "__main__":
    main()

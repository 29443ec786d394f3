"""Time the district chart and analysis computations on the default dataset.

Usage: ``python bench/karte_bench.py [BUNDLE]``. Prints seconds per step:
the first district chart (cold: every indicator table is computed), the
other districts (warm), the analysis page's heavier steps and a PNG export.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kitaku_maps import (
    analysis,
    charts,
    exports,
    karte,
    karte_tables,
    scores,
    settings,
)
from kitaku_maps.loader import load_bundle


def timed(label: str, step) -> object:
    """Run ``step()``, print its duration and return its result."""
    start = time.perf_counter()
    result = step()
    print(f"{label:<40} {time.perf_counter() - start:8.3f} s")
    return result


def chart(bundle, code: str) -> None:
    """Everything the district page computes for one district."""
    profile = karte.district_profile(bundle, code)
    karte_tables.indicator_rows(bundle, profile)
    scores.goal_scorecard(bundle, code)


def main() -> None:
    """Print the timings."""
    path = sys.argv[1] if len(sys.argv) > 1 else settings.DATA_DIR
    bundle = timed("load bundle", lambda: load_bundle(path))
    codes = bundle.districts["district_code"].tolist()

    timed("first district chart (cold)", lambda: chart(bundle, codes[0]))
    timed(
        f"other {len(codes) - 1} district charts (warm)",
        lambda: [chart(bundle, code) for code in codes[1:]],
    )
    timed("heat table", lambda: analysis.heat_table(bundle))
    indicator_id = analysis.indicators_of_level(bundle, "district")[
        "indicator_id"
    ].iloc[0]
    year = karte.latest_year(bundle, indicator_id)
    timed(
        "Moran's I and LISA (999 permutations)",
        lambda: analysis.spatial_pattern(bundle, indicator_id, year),
    )
    table = karte.indicator_table(bundle, indicator_id, year)
    figure = charts.ranking_bars(table, "bench", {"ward": "w", "city": "c"})
    timed("ranking chart to PNG", lambda: exports.figure_to_png(figure))
    timed("table to xlsx", lambda: exports.table_to_xlsx(table))


if __name__ == "__main__":
    main()

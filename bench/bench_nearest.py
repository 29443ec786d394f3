"""Time per nearest-facility query: the k-d tree against a numpy brute force.

Runs on the real shelters of the default bundle (when built) and on 100,000
synthetic facilities spread over the same area, in one run. Both methods take
a (lon, lat) query in EPSG:4326, project it to the metric CRS, find the k
nearest and compute their bearings; only the search differs. The script also
checks that both return the same facilities in the same order, with the
same distances and bearings.

    python bench/bench_nearest.py [--queries 2000] [-k 3] [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.nearest import NearestIndex, Neighbours
from kitaku_maps import settings
from kitaku_maps.bundle import FILES
from kitaku_maps.loader import load_bundle

#: Area of the synthetic facilities and the queries (lon/lat degrees).
WEST, SOUTH, EAST, NORTH = 130.62, 32.80, 130.80, 32.98


def brute_force(index: NearestIndex, lon: float, lat: float, k: int) -> Neighbours:
    """The k nearest by numpy distances to every point (same output as the tree)."""
    x, y = index.project(lon, lat)
    distances = np.hypot(index.xy[:, 0] - x, index.xy[:, 1] - y)
    k = min(k, len(distances))
    nearest = np.argpartition(distances, k - 1)[:k]
    nearest = nearest[np.argsort(distances[nearest], kind="stable")]
    return Neighbours(nearest, distances[nearest], index.bearings(lon, lat, nearest))


def time_per_query(search, queries: np.ndarray, repeats: int) -> tuple[float, list]:
    """Return the best-of-``repeats`` mean seconds per query, and the answers.

    Queries go in as Python floats, as callers pass them, so the timing holds
    no numpy row unpacking (the same for both methods).
    """
    points = queries.tolist()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        answers = [search(lon, lat) for lon, lat in points]
        best = min(best, (time.perf_counter() - start) / len(points))
    return best, answers


def compare(name: str, lons, lats, queries: np.ndarray, k: int, repeats: int) -> None:
    """Print the per-query times of both methods and whether they agree."""
    start = time.perf_counter()
    index = NearestIndex(lons, lats, settings.METRIC_CRS)
    build = time.perf_counter() - start

    tree_s, tree = time_per_query(lambda x, y: index.query(x, y, k), queries, repeats)
    brute_s, brute = time_per_query(
        lambda x, y: brute_force(index, x, y, k), queries, repeats
    )
    same = all(
        np.array_equal(a.positions, b.positions)
        and np.allclose(a.distances_m, b.distances_m)
        and np.array_equal(a.bearings_deg, b.bearings_deg)
        for a, b in zip(tree, brute, strict=True)
    )

    print(
        f"{name:<32} n={len(lons):>7,}  build {build * 1e3:7.1f} ms  "
        f"tree {tree_s * 1e6:8.1f} µs/query  brute {brute_s * 1e6:8.1f} µs/query  "
        f"speed-up {brute_s / tree_s:6.1f}x  identical={same}"
    )


def real_shelters() -> tuple[np.ndarray, np.ndarray] | None:
    """The (lon, lat) of the default bundle's shelters, or None when not built."""
    if not all((settings.DATA_DIR / n).is_file() for n in FILES.values()):
        return None
    facilities = load_bundle(settings.DATA_DIR).facilities
    shelters = facilities[facilities["category_id"] == "shelter"]
    return shelters.geometry.x.to_numpy(), shelters.geometry.y.to_numpy()


def main() -> int:
    """Run the comparison and print one line per data set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("-k", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5, help="best of N runs")
    args = parser.parse_args()

    rng = np.random.default_rng(43105)
    queries = np.column_stack(
        [rng.uniform(WEST, EAST, args.queries), rng.uniform(SOUTH, NORTH, args.queries)]
    )
    print(
        f"{args.queries} random queries, k={args.k}, best of {args.repeats} runs, "
        f"metric CRS {settings.METRIC_CRS}"
    )

    shelters = real_shelters()
    if shelters is None:
        print(f"real shelters: skipped (no bundle in {settings.DATA_DIR})")
    else:
        compare("real shelters (data/)", *shelters, queries, args.k, args.repeats)

    lons = rng.uniform(WEST, EAST, 100_000)
    lats = rng.uniform(SOUTH, NORTH, 100_000)
    compare("synthetic facilities", lons, lats, queries, args.k, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())

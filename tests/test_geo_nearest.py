"""The generic nearest index: order, distances and bearings against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from geo.errors import GeoInputError
from geo.nearest import NearestIndex
from tests.nearest_support import assert_same_order_as_geodesic, geodesic_metres

METRIC = "EPSG:6670"


@pytest.fixture(scope="module")
def points() -> tuple[np.ndarray, np.ndarray]:
    """2,000 random points over a 25 km square around (130.7 E, 32.87 N)."""
    rng = np.random.default_rng(7)
    return rng.uniform(130.56, 130.84, 2000), rng.uniform(32.76, 32.98, 2000)


def test_k_nearest_equal_geodesic_brute_force(points) -> None:
    lons, lats = points
    index = NearestIndex(lons, lats, METRIC)
    rng = np.random.default_rng(11)

    for lon, lat in zip(
        rng.uniform(130.5, 130.9, 200), rng.uniform(32.7, 33.05, 200), strict=True
    ):
        found = index.query(lon, lat, k=5)
        assert_same_order_as_geodesic(found.positions, lon, lat, lons, lats)
        np.testing.assert_allclose(
            found.distances_m,
            geodesic_metres(lon, lat, lons[found.positions], lats[found.positions]),
            rtol=2e-4,
        )


def test_mask_limits_the_search_to_the_kept_points(points) -> None:
    lons, lats = points
    mask = np.arange(len(lons)) % 3 == 0
    index = NearestIndex(lons, lats, METRIC)

    found = index.query(130.7, 32.87, k=4, mask=mask)

    assert mask[found.positions].all()
    kept = np.flatnonzero(mask)
    geodesic = geodesic_metres(130.7, 32.87, lons[kept], lats[kept])
    assert list(found.positions) == list(kept[np.argsort(geodesic)[:4]])


def test_bearings_point_the_right_way() -> None:
    # One point 1 km north, one east, one south-west of the origin.
    lons = np.array([130.7, 130.7107, 130.6924])
    lats = np.array([32.879, 32.87, 32.8636])
    index = NearestIndex(lons, lats, METRIC)

    found = index.query(130.7, 32.87, k=3)
    bearing_of = dict(zip(found.positions, found.bearings_deg, strict=True))

    assert bearing_of[0] == pytest.approx(0, abs=1) or bearing_of[0] > 359
    assert bearing_of[1] == pytest.approx(90, abs=1)
    assert bearing_of[2] == pytest.approx(225, abs=3)


def test_fewer_points_than_k_and_empty_masks() -> None:
    index = NearestIndex([130.7, 130.71], [32.87, 32.88], METRIC)

    assert len(index.query(130.7, 32.87, k=5)) == 2
    assert len(index.query(130.7, 32.87, k=3, mask=[False, False])) == 0
    assert np.isinf(index.nearest_distances([130.7], [32.87], mask=[False, False]))


def test_nearest_distances_match_single_queries(points) -> None:
    lons, lats = points
    index = NearestIndex(lons, lats, METRIC)
    query_lons, query_lats = lons[:50] + 0.003, lats[:50] - 0.002

    many = index.nearest_distances(query_lons, query_lats)

    singles = [
        index.query(x, y, k=1).distances_m[0]
        for x, y in zip(query_lons, query_lats, strict=True)
    ]
    np.testing.assert_allclose(many, singles)


def test_bad_input_says_what_was_expected() -> None:
    with pytest.raises(GeoInputError, match="finite coordinates"):
        NearestIndex([130.7, float("nan")], [32.87, 32.88], METRIC)
    index = NearestIndex([130.7, 130.71], [32.87, 32.88], METRIC)
    with pytest.raises(GeoInputError, match="mask of 2 booleans"):
        index.query(130.7, 32.87, mask=[True])


def test_large_k_returns_every_point_in_order(points) -> None:
    lons, lats = points
    index = NearestIndex(lons, lats, METRIC)

    found = index.query(130.7, 32.87, k=5000)

    assert sorted(found.positions) == list(range(len(lons)))
    assert np.all(np.diff(found.distances_m) >= 0)

"""geo.districts: approximate districts tile the outline exactly."""

from __future__ import annotations

import itertools

import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from geo.districts import (
    approximate_districts,
    assign_points,
    check_tiling,
    snap_coverage,
)
from geo.errors import GeoInputError

SQUARE = box(0, 0, 3000, 3000)
SEEDS = [Point(500, 500), Point(2500, 500), Point(1500, 2500)]
SAMPLES = [Point(x, y) for x in range(250, 3000, 500) for y in range(250, 3000, 500)]


@pytest.fixture(scope="module")
def districts() -> list:
    return approximate_districts(SQUARE, SEEDS, SAMPLES)


def test_one_district_per_seed_holding_its_seed(districts):
    assert len(districts) == 3
    for seed, district in zip(SEEDS, districts, strict=True):
        assert district.covers(seed)


def test_districts_tile_the_square(districts):
    assert sum(d.area for d in districts) == pytest.approx(SQUARE.area, rel=1e-9)
    for a, b in itertools.combinations(districts, 2):
        assert a.intersection(b).area == pytest.approx(0, abs=1e-6)
    assert shapely.union_all(districts).symmetric_difference(SQUARE).area < 1e-6


def test_each_district_is_one_area(districts):
    assert all(d.geom_type == "Polygon" for d in districts)


def test_samples_join_their_nearest_seed(districts):
    corner = Point(2750, 250)
    assert districts[1].covers(corner)
    assert districts[0].covers(Point(250, 250))


def test_deterministic():
    first = approximate_districts(SQUARE, SEEDS, SAMPLES)
    second = approximate_districts(SQUARE, SEEDS, SAMPLES)
    assert [d.wkb for d in first] == [d.wkb for d in second]


def test_outline_with_a_notch_keeps_districts_contiguous():
    notched = SQUARE.difference(box(1400, 0, 1600, 2000))
    result = approximate_districts(notched, SEEDS, SAMPLES)
    check_tiling(result, notched)
    assert all(len(shapely.get_parts(d)) == 1 for d in result)


def test_a_seed_outside_the_outline_is_an_error():
    with pytest.raises(GeoInputError, match="got no area"):
        approximate_districts(
            box(0, 0, 1000, 1000), [Point(500, 500), Point(9e4, 9e4)], []
        )


def test_check_tiling_rejects_a_gap():
    halves = [box(0, 0, 1000, 3000), box(1000, 0, 2000, 3000)]
    with pytest.raises(GeoInputError, match="do not tile"):
        check_tiling(halves, SQUARE)


def test_assign_points_in_polygon_then_nearest_within_tolerance():
    areas = [box(0, 0, 10, 10), box(10, 0, 20, 10)]
    points = [Point(5, 5), Point(15, 5), Point(21, 5), Point(100, 100)]
    assert assign_points(points, areas, ["A", "B"], tolerance=5) == [
        "A",
        "B",
        "B",
        None,
    ]


def test_polygon_with_hole_outline():
    ring = Polygon(
        SQUARE.exterior.coords, [box(1200, 1200, 1800, 1800).exterior.coords]
    )
    result = approximate_districts(ring, SEEDS, SAMPLES)
    check_tiling(result, ring)


def test_snap_coverage_keeps_neighbours_edge_matched():
    """Two squares sharing a wiggly edge: rounded apart, they would overlap."""
    edge = [(1.0, 0.0), (1.00000049, 0.5), (0.99999951, 0.5000004), (1.0, 1.0)]
    left = Polygon([(0.0, 0.0), *edge, (0.0, 1.0)])
    right = Polygon([*edge, (2.0, 1.0), (2.0, 0.0)])

    snapped = snap_coverage([left, right], grid_size=1e-6)

    assert all(p.is_valid for p in snapped)
    assert bool(shapely.coverage_is_valid(snapped))
    assert snapped[0].intersection(snapped[1]).area == 0.0
    assert snapped[0].area + snapped[1].area == pytest.approx(2.0)

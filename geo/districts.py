"""Approximate district polygons from seed points and sample points.

When official district boundaries are not available, a district can be drawn
from where its members live: every sample point (e.g. a town's representative
point) joins its nearest seed (e.g. the district's school), each sample point
gets its Voronoi cell, and a district is the union of its points' cells,
clipped to the outline. The result tiles the outline exactly: no gaps, no
overlaps. All coordinates are in one metric CRS (e.g. EPSG:6670), in metres.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely import MultiPoint, Polygon

from geo.errors import GeoInputError

logger = logging.getLogger(__name__)

#: Relative tolerance of the check that the districts' areas add up.
AREA_TOLERANCE = 1e-6

#: Points closer than this (metres) are treated as one point.
DUPLICATE_METRES = 0.01


def approximate_districts(
    outline: shapely.Geometry,
    seeds: Sequence[shapely.Point],
    samples: Sequence[shapely.Point],
) -> list[shapely.Geometry]:
    """Return one polygon per seed, in seed order, tiling ``outline``.

    ``outline``, ``seeds`` and ``samples`` are in the same metric CRS (metres,
    (x, y) order). Every seed also counts as a sample of its own district, so
    no district is empty. Deterministic for the same input.
    """
    seed_xy = _coordinates(seeds)
    sample_xy = _coordinates(samples)
    points, owners = _points_and_owners(seed_xy, sample_xy)

    cells = _voronoi_cells(points, outline)
    districts = [
        shapely.intersection(shapely.union_all(cells[owners == k]), outline)
        for k in range(len(seed_xy))
    ]

    districts = _remove_overlaps(districts)
    districts = _fill_gaps(districts, outline)
    districts = _make_contiguous(districts, seed_xy)
    check_tiling(districts, outline)

    logger.info(
        "drew %d districts from %d sample points", len(districts), len(sample_xy)
    )
    return districts


def _coordinates(points: Sequence[shapely.Point]) -> np.ndarray:
    """The (x, y) coordinates of points as an (n, 2) array."""
    return shapely.get_coordinates(np.asarray(list(points), dtype=object))


def _points_and_owners(
    seed_xy: np.ndarray, sample_xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All distinct points (seeds first) and the index of each one's seed."""
    if len(seed_xy) < 2:
        raise GeoInputError(
            f"expected at least 2 seed points, found {len(seed_xy)}.",
            f"代表点（シード）が2つ以上必要ですが、{len(seed_xy)}つでした。",
        )

    _, nearest = cKDTree(seed_xy).query(sample_xy) if len(sample_xy) else (0, [])
    points = np.vstack([seed_xy, sample_xy]) if len(sample_xy) else seed_xy
    owners = np.concatenate([np.arange(len(seed_xy)), np.asarray(nearest, int)])

    keys = np.round(points / DUPLICATE_METRES).astype(np.int64)
    _, first = np.unique(keys, axis=0, return_index=True)
    keep = np.sort(first)
    return points[keep], owners[keep]


def _voronoi_cells(points: np.ndarray, outline: shapely.Geometry) -> np.ndarray:
    """The Voronoi cell of each point, in point order, covering the outline."""
    frame = shapely.buffer(shapely.envelope(outline), 1000.0)
    diagram = shapely.voronoi_polygons(
        MultiPoint(points), extend_to=frame, ordered=True
    )
    cells = np.asarray(shapely.get_parts(diagram))
    if len(cells) != len(points):
        raise GeoInputError(
            f"Voronoi diagram has {len(cells)} cells for {len(points)} points.",
            "ボロノイ分割に失敗しました。",
        )
    return cells


def _remove_overlaps(districts: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Cut from each district whatever earlier districts already cover."""
    result: list[shapely.Geometry] = []
    covered: shapely.Geometry = Polygon()

    for district in districts:
        own = _polygonal(shapely.difference(district, covered))
        result.append(own)
        covered = shapely.union(covered, own)

    return result


def _fill_gaps(
    districts: list[shapely.Geometry], outline: shapely.Geometry
) -> list[shapely.Geometry]:
    """Give every piece of the outline no district covers to a neighbour."""
    gaps = shapely.difference(outline, shapely.union_all(districts))
    parts = shapely.get_parts(_polygonal(gaps))
    pieces = sorted((p for p in parts if not p.is_empty), key=_sort_key)
    result = list(districts)

    for piece in pieces:
        target = _best_neighbour(piece, result, exclude=None)
        result[target] = _polygonal(shapely.union(result[target], piece))

    if pieces:
        logger.debug("filled %d gap pieces", len(pieces))
    return result


def _make_contiguous(
    districts: list[shapely.Geometry], seed_xy: np.ndarray, rounds: int = 10
) -> list[shapely.Geometry]:
    """Give detached parts of a district to the neighbour they touch most.

    A district keeps the part holding its seed (or its largest part).
    """
    result = list(districts)

    for _ in range(rounds):
        moved = 0
        for k, district in enumerate(result):
            parts = list(shapely.get_parts(district))
            if len(parts) < 2:
                continue
            main = _main_part(parts, shapely.Point(seed_xy[k]))
            for part in sorted(parts, key=_sort_key):
                if part is main:
                    continue
                target = _best_neighbour(part, result, exclude=k)
                result[target] = _polygonal(shapely.union(result[target], part))
                moved += 1
            result[k] = main
        if moved == 0:
            break

    return result


def _main_part(parts: list[Polygon], seed: shapely.Point) -> Polygon:
    """The part that holds the seed, else the largest part."""
    for part in parts:
        if part.covers(seed):
            return part
    return max(parts, key=lambda p: (p.area, _sort_key(p)))


def _best_neighbour(
    piece: shapely.Geometry, districts: list[shapely.Geometry], exclude: int | None
) -> int:
    """Index of the district sharing the longest border with ``piece``.

    Falls back to the nearest district when ``piece`` touches none.
    """
    border = shapely.boundary(piece)
    shared = np.array(
        [
            -1.0 if k == exclude else shapely.length(shapely.intersection(border, d))
            for k, d in enumerate(districts)
        ]
    )
    if shared.max() > 0:
        return int(np.argmax(shared))

    distances = np.array([shapely.distance(piece, d) for d in districts])
    if exclude is not None:
        distances[exclude] = np.inf
    return int(np.argmin(distances))


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a geometry (drops stray lines/points)."""
    parts = [
        p
        for p in shapely.get_parts(shapely.make_valid(geometry))
        if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0
    ]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    if not polygons:
        return Polygon()
    if len(polygons) == 1:
        return polygons[0]
    return shapely.union_all(polygons)


def _sort_key(geometry: shapely.Geometry) -> tuple[float, float]:
    """A deterministic order of pieces: by representative point (x, y)."""
    if geometry.is_empty:
        return (float("inf"), float("inf"))
    point = shapely.point_on_surface(geometry)
    return (round(point.x, 3), round(point.y, 3))


def snap_coverage(
    polygons: Sequence[shapely.Geometry], grid_size: float
) -> list[shapely.Geometry]:
    """Put a coverage on a precision grid and keep it a valid coverage.

    Rounding each polygon on its own can make thin parts cross themselves or
    open slivers between neighbours. Here the shared boundaries are noded
    once on the grid, cut into faces, and each face is given back to the
    polygon it overlaps most, so neighbours keep identical edges. Works in
    the polygons' own CRS; ``grid_size`` is in its units (e.g. 1e-6 degrees).
    """
    polygons = shapely.make_valid(np.asarray(list(polygons), dtype=object))
    lines = shapely.union_all(shapely.boundary(polygons), grid_size=grid_size)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))

    overlaps = [shapely.area(shapely.intersection(face, polygons)) for face in faces]
    owners = np.array([int(np.argmax(areas)) for areas in overlaps], dtype=int)

    return [
        shapely.union_all(faces[owners == k], grid_size=grid_size)
        for k in range(len(polygons))
    ]


def check_tiling(
    districts: Sequence[shapely.Geometry],
    outline: shapely.Geometry,
    tolerance: float = AREA_TOLERANCE,
) -> None:
    """Raise GeoInputError unless the districts tile the outline.

    Checks that no district is empty, that the areas add up to the outline's
    within ``tolerance`` (relative), and that their union covers it.
    """
    empty = [k + 1 for k, d in enumerate(districts) if d.is_empty or d.area == 0]
    if empty:
        raise GeoInputError(
            f"district(s) {empty} (1-based) got no area; is the seed inside the "
            "outline?",
            f"{empty}番目の校区に面積がありません。代表点が区域外の可能性があります。",
        )

    total = float(sum(d.area for d in districts))
    union = shapely.union_all(list(districts))
    gap = shapely.difference(outline, union).area
    if abs(total - outline.area) > tolerance * outline.area or (
        gap > tolerance * outline.area
    ):
        raise GeoInputError(
            f"districts do not tile the outline: areas add up to {total:.1f}, "
            f"outline {outline.area:.1f}, uncovered {gap:.1f} (CRS units²).",
            "校区が区域をすき間なく重なりなく覆っていません。",
        )


def assign_points(
    points: Sequence[shapely.Geometry],
    areas: Sequence[shapely.Geometry],
    codes: Sequence[str],
    tolerance: float,
) -> list[str | None]:
    """The code of the area holding each point (same metric CRS, metres).

    A point in no area takes the nearest area within ``tolerance``; beyond
    that its code is ``None``. A point on a shared border takes the first
    area in ``areas`` order.
    """
    tree = shapely.STRtree(np.asarray(list(areas), dtype=object))
    point_array = np.asarray(list(points), dtype=object)
    result: list[str | None] = [None] * len(point_array)

    hits = tree.query(point_array, predicate="intersects")
    for point_index, area_index in sorted(zip(*hits, strict=True), reverse=True):
        result[point_index] = codes[area_index]

    missing = [i for i, code in enumerate(result) if code is None]
    if missing:
        near = tree.query_nearest(
            point_array[missing], max_distance=tolerance, all_matches=False
        )
        for j, area_index in zip(*near, strict=True):
            result[missing[j]] = codes[area_index]

    return result

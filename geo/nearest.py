"""Nearest-point search: a k-d tree built once on projected coordinates.

Inputs are longitude/latitude degrees (EPSG:4326 unless told otherwise); the
search runs on planar coordinates of a metric CRS, so distances come back in
metres. Bearings are geodesic azimuths (degrees clockwise from true north).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from pyproj import Geod, Transformer
from scipy.spatial import cKDTree

from geo.errors import GeoInputError

logger = logging.getLogger(__name__)

#: Ellipsoid of the geodesic bearings (GRS80, the ellipsoid of JGD2011).
_GEOD = Geod(ellps="GRS80")


@dataclass(frozen=True)
class Neighbours:
    """The k nearest points of one query, nearest first.

    ``positions`` index the points the index was built from (0-based rows);
    ``distances_m`` are planar metres in the index's metric CRS;
    ``bearings_deg`` run clockwise from true north, 0 to 360.
    """

    positions: np.ndarray
    distances_m: np.ndarray
    bearings_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.positions)


class NearestIndex:
    """k-nearest search over fixed points, built once and queried many times.

    Parameters
    ----------
    lons, lats:
        Point coordinates in degrees (longitude, latitude) of ``source_crs``.
    metric_crs:
        A projected CRS in metres, chosen for the area (e.g. a national grid).
    source_crs:
        The CRS of the input coordinates and of the queries.
    """

    def __init__(
        self,
        lons: np.ndarray,
        lats: np.ndarray,
        metric_crs: str,
        source_crs: str = "EPSG:4326",
    ) -> None:
        self.lons = _as_coordinates(lons, "lons")
        self.lats = _as_coordinates(lats, "lats")
        if self.lons.shape != self.lats.shape:
            raise GeoInputError(
                f"expected as many longitudes as latitudes, found "
                f"{len(self.lons)} and {len(self.lats)}"
            )

        self.metric_crs = metric_crs
        self.source_crs = source_crs
        self._to_metric = Transformer.from_crs(source_crs, metric_crs, always_xy=True)
        self.xy = np.column_stack(self._to_metric.transform(self.lons, self.lats))
        self._tree = cKDTree(self.xy) if len(self.xy) else None
        self._subsets: dict[bytes, tuple[np.ndarray, NearestIndex]] = {}
        logger.debug("built a nearest index of %d points", len(self.xy))

    def __len__(self) -> int:
        return len(self.xy)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Return the metric (x, y) of a point given as (lon, lat) degrees."""
        x, y = self._to_metric.transform(lon, lat)
        return float(x), float(y)

    def query(
        self, lon: float, lat: float, k: int = 3, mask: np.ndarray | None = None
    ) -> Neighbours:
        """Return the ``k`` points nearest to (lon, lat), nearest first.

        ``mask`` (booleans, one per point) limits the search to the points
        where it is true; fewer than ``k`` come back when fewer qualify.
        """
        if mask is not None:
            positions, subset = self.subset(mask)
            found = subset.query(lon, lat, k)
            return Neighbours(
                positions[found.positions], found.distances_m, found.bearings_deg
            )

        k = min(int(k), len(self.xy))
        if k <= 0 or self._tree is None:
            return _no_neighbours()

        lon, lat = float(lon), float(lat)
        xy = self._to_metric.transform(lon, lat)
        distances, positions = self._tree.query(xy, k=k)
        if k == 1:
            distances, positions = np.atleast_1d(distances, positions)

        return Neighbours(positions, distances, self.bearings(lon, lat, positions))

    def nearest_distances(
        self, lons: np.ndarray, lats: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Return, for many (lon, lat) points, the metres to the nearest point.

        Infinite where no point qualifies (empty index or all-false mask).
        """
        if mask is not None:
            return self.subset(mask)[1].nearest_distances(lons, lats)

        lons = _as_coordinates(lons, "lons")
        lats = _as_coordinates(lats, "lats")
        if self._tree is None:
            return np.full(len(lons), np.inf)

        xy = np.column_stack(self._to_metric.transform(lons, lats))
        distances, _ = self._tree.query(xy, k=1)
        return np.asarray(distances, dtype=float)

    def bearings(self, lon: float, lat: float, positions: np.ndarray) -> np.ndarray:
        """Return the geodesic azimuths (0-360 degrees) from (lon, lat) to points."""
        lon, lat = float(lon), float(lat)
        lons, lats = self.lons[positions].tolist(), self.lats[positions].tolist()
        # One scalar call per point on Python floats: far cheaper than the
        # array call (or numpy scalars) for the few points of a query.
        azimuths = [
            _GEOD.inv(lon, lat, x, y)[0] % 360.0
            for x, y in zip(lons, lats, strict=True)
        ]
        return np.array(azimuths, dtype=float)

    def subset(self, mask: np.ndarray) -> tuple[np.ndarray, NearestIndex]:
        """Return the positions kept by ``mask`` and an index of them.

        Built on first use and kept: call it up front for every mask an
        index shared between threads will see.
        """
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self),):
            raise GeoInputError(
                f"expected a mask of {len(self)} booleans, found shape {mask.shape}"
            )

        key = np.packbits(mask).tobytes()
        if key not in self._subsets:
            positions = np.flatnonzero(mask)
            subset = NearestIndex(
                self.lons[positions],
                self.lats[positions],
                self.metric_crs,
                self.source_crs,
            )
            self._subsets[key] = (positions, subset)

        return self._subsets[key]


def _as_coordinates(values: np.ndarray, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array, refusing missing values."""
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1:
        raise GeoInputError(f"{name}: expected a 1-D sequence, found {array.ndim}-D")
    if not np.isfinite(array).all():
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise GeoInputError(
            f"{name}: expected finite coordinates, found {array[bad]} at row {bad}"
        )
    return array


def _no_neighbours() -> Neighbours:
    """An empty result."""
    empty = np.array([], dtype=float)
    return Neighbours(np.array([], dtype=int), empty, empty)

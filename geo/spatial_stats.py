"""Spatial autocorrelation of a value over polygons: Moran's I and LISA clusters.

Neighbours are polygons sharing at least a corner (queen contiguity). A
polygon with no neighbour (an island) is joined to its nearest polygon by
centroid distance, so every polygon takes part. Polygons whose value is
missing are left out before the weights are built. Inference is by
conditional permutation with a fixed seed, so results are reproducible.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import KNN, Queen, W
from libpysal.weights.util import attach_islands

from geo.errors import GeoInputError

logger = logging.getLogger(__name__)

#: Quadrant numbers of ``esda.Moran_Local.q`` and their cluster labels.
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}

#: Label of a polygon whose local statistic is not significant.
NOT_SIGNIFICANT = "ns"


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I with its permutation inference."""

    i: float
    expected: float
    z_sim: float
    p_sim: float
    n: int
    permutations: int


def contiguity_weights(frame: gpd.GeoDataFrame) -> tuple[W, list[int]]:
    """Row-standardised queen weights; islands joined to their nearest polygon.

    Returns the weights (ids 0..n-1 in row order) and the positions of the
    polygons that were islands. The frame's CRS should be metric for the
    nearest-polygon step (centroid distances); in degrees it is approximate.
    """
    frame = frame.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        weights = Queen.from_dataframe(frame, use_index=False)
        islands = list(weights.islands)
        if islands:
            centroids = frame.geometry.representative_point()
            nearest = KNN.from_dataframe(gpd.GeoDataFrame(geometry=centroids), k=1)
            weights = attach_islands(weights, nearest)
            logger.info("joined %d island(s) to their nearest polygon", len(islands))
    weights.transform = "r"
    return weights, islands


def _usable(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    """Rows with a value in ``column``; raise when too few remain."""
    if column not in frame.columns:
        raise GeoInputError(
            f"column {column!r} not found; expected one of {list(frame.columns)}",
            f"列「{column}」がありません。",
        )
    usable = frame[frame[column].notna()]
    if len(usable) < 4:
        raise GeoInputError(
            f"column {column!r}: expected at least 4 polygons with a value, "
            f"found {len(usable)}",
            f"列「{column}」: 値のある区域が4つ以上必要ですが、{len(usable)}でした。",
        )
    return usable


def global_moran(
    frame: gpd.GeoDataFrame, column: str, permutations: int = 999, seed: int = 0
) -> MoranResult:
    """Global Moran's I of ``column`` over the polygons that have a value."""
    usable = _usable(frame, column)
    weights, _ = contiguity_weights(usable)
    values = usable[column].to_numpy(dtype=float)

    np.random.seed(seed)
    moran = esda.Moran(values, weights, permutations=permutations)
    return MoranResult(
        i=float(moran.I),
        expected=float(moran.EI),
        z_sim=float(moran.z_sim),
        p_sim=float(moran.p_sim),
        n=len(values),
        permutations=permutations,
    )


def local_clusters(
    frame: gpd.GeoDataFrame,
    column: str,
    significance: float = 0.05,
    permutations: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """Local Moran's I (LISA) of ``column``: one tidy row per polygon.

    Columns: ``value``, ``local_i``, ``p_sim``, ``quadrant`` (HH high among
    high, LL, HL high among low, LH), ``cluster`` (the quadrant where
    ``p_sim`` < ``significance``, else ``ns``; missing values get ``None``)
    and ``island`` (had no contiguous neighbour). The index is the frame's.
    """
    usable = _usable(frame, column)
    weights, islands = contiguity_weights(usable)
    values = usable[column].to_numpy(dtype=float)
    lisa = esda.Moran_Local(values, weights, permutations=permutations, seed=seed)

    quadrant = pd.Series(lisa.q, index=usable.index).map(QUADRANTS)
    significant = pd.Series(lisa.p_sim < significance, index=usable.index)
    result = pd.DataFrame(
        {
            "value": values,
            "local_i": lisa.Is,
            "p_sim": lisa.p_sim,
            "quadrant": quadrant,
            "cluster": quadrant.where(significant, NOT_SIGNIFICANT),
            "island": [i in islands for i in range(len(usable))],
        },
        index=usable.index,
    )
    return result.reindex(frame.index)

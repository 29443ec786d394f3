"""Moran's I and LISA on a hand-made 5 x 5 grid with a known cluster."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.errors import GeoInputError
from geo.spatial_stats import global_moran, local_clusters

#: Cells (row, column) of the high-value block in the lower-left corner.
HOT = {(0, 0), (0, 1), (1, 0), (1, 1)}


def _grid(values: dict[tuple[int, int], float] | None = None) -> gpd.GeoDataFrame:
    """25 squares of 100 m in EPSG:6670, 10 in ``HOT`` and a 0-3 pattern elsewhere."""
    rows = []
    for r in range(5):
        for c in range(5):
            value = 10.0 if (r, c) in HOT else float((r * 7 + c * 3) % 4)
            if values and (r, c) in values:
                value = values[(r, c)]
            rows.append(
                {
                    "cell": f"{r}{c}",
                    "v": value,
                    "geometry": box(c * 100, r * 100, (c + 1) * 100, (r + 1) * 100),
                }
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:6670")


def test_block_of_high_values_gives_positive_significant_moran():
    result = global_moran(_grid(), "v")

    assert result.i > 0.3
    assert result.p_sim < 0.01
    assert result.n == 25


def test_lisa_finds_the_high_high_cluster_and_nothing_far_away():
    grid = _grid()
    clusters = local_clusters(grid, "v").set_index(grid["cell"])

    hot_cells = [f"{r}{c}" for r, c in HOT]
    assert (clusters.loc[hot_cells, "cluster"] == "HH").all()
    assert (clusters.loc[["33", "34", "43", "44"], "cluster"] == "ns").all()
    assert not clusters["island"].any()


def test_missing_values_are_left_out_and_stay_missing():
    grid = _grid({(4, 4): np.nan})
    clusters = local_clusters(grid, "v").set_index(grid["cell"])

    assert pd.isna(clusters.loc["44", "cluster"])
    assert clusters.loc["00", "cluster"] == "HH"


def test_an_island_is_joined_to_its_nearest_polygon():
    grid = _grid()
    island = gpd.GeoDataFrame(
        {"cell": ["far"], "v": [1.0], "geometry": [box(2000, 2000, 2100, 2100)]},
        crs="EPSG:6670",
    )
    frame = gpd.GeoDataFrame(
        pd.concat([grid, island], ignore_index=True), crs="EPSG:6670"
    )
    clusters = local_clusters(frame, "v").set_index(frame["cell"])

    assert bool(clusters.loc["far", "island"])
    assert clusters["local_i"].notna().all()


def test_too_few_values_is_a_clear_error():
    grid = _grid().head(3)

    with pytest.raises(GeoInputError, match="at least 4"):
        global_moran(grid, "v")

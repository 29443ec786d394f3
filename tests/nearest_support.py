"""Shared helpers of the nearest-facility tests: real towns and a brute force."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from kitaku_maps import settings

TOWNS_SOURCE = settings.SOURCE_DATA_DIR / "towns" / "geolonia_kita_ku_towns.json"

_GEOD = Geod(ellps="GRS80")


def real_towns() -> pd.DataFrame:
    """The ward's real towns as ``towns.csv`` rows: the bundle's, else the source."""
    bundle_towns = settings.DATA_DIR / "towns.csv"
    if bundle_towns.exists():
        return pd.read_csv(bundle_towns, dtype={"town_id": str, "koaza_ja": str})
    if not TOWNS_SOURCE.exists():
        pytest.skip(f"real towns absent: neither {bundle_towns} nor {TOWNS_SOURCE}")

    records = json.loads(TOWNS_SOURCE.read_text(encoding="utf-8"))
    return pd.DataFrame(
        {
            "town_id": [f"T{i:03d}" for i in range(len(records))],
            "town_ja": [r["town"] for r in records],
            "koaza_ja": [r["koaza"] for r in records],
            "lat": [r["lat"] for r in records],
            "lon": [r["lng"] for r in records],
            "district_code": "",
        }
    )


def geodesic_metres(
    lon: float, lat: float, lons: np.ndarray, lats: np.ndarray
) -> np.ndarray:
    """Brute force: geodesic metres (GRS80) from (lon, lat) to every point."""
    count = len(lons)
    _, _, distances = _GEOD.inv(np.full(count, lon), np.full(count, lat), lons, lats)
    return np.asarray(distances)


def assert_same_order_as_geodesic(
    found: np.ndarray, lon: float, lat: float, lons: np.ndarray, lats: np.ndarray
) -> None:
    """Assert ``found`` are the geodesically nearest points, ties within 0.5 m."""
    geodesic = geodesic_metres(lon, lat, lons, lats)
    expected = np.sort(geodesic)[: len(found)]
    np.testing.assert_allclose(geodesic[found], expected, atol=0.5)

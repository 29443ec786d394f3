"""Indicator values computed from the bundle's real layers, kept current on import.

Some indicators are not typed in but counted from real data: facilities per
district (catalogue ``demo_method`` ``facility_count``) and the shelter
coverage of ``catalogue_data/coverage.csv``. Their rows in ``values.csv``
carry status ``computed``. When an import changes the districts, the
facilities or the towns, :func:`computed_values_writer` recomputes those rows
so that no count describes boundaries or shelters that were replaced.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps._demo_values import computed_values, sort_values
from kitaku_maps.bundle import FILES, VALUE_COLUMNS
from kitaku_maps.demo import with_demo_parameters
from kitaku_maps.importers.common import write_csv
from kitaku_maps.loader import read_geojson
from kitaku_maps.nearest import compute_coverage

logger = logging.getLogger(__name__)

#: The ``status`` of values counted from real layers.
COMPUTED_STATUS = "computed"

#: The bundle layers the computed values are counted from.
LAYERS = ("districts", "facilities", "towns")


def coverage_rows(
    towns: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    district_codes,
    ward_code: str = "",
) -> pd.DataFrame:
    """Shelter-coverage rows of ``values.csv``, values as text with one decimal.

    ``towns`` needs ``lat``/``lon`` (degrees, EPSG:4326) and ``district_code``;
    with a ``ward_code`` the ward's own share is added (level ``ward``).
    """
    coverage = compute_coverage(
        towns,
        facilities,
        catalogue.hazards(),
        district_codes,
        ward_code=ward_code,
    )
    coverage["value"] = coverage["value"].map(
        lambda v: "" if pd.isna(v) else f"{v:.1f}"
    )
    return coverage


def computed_rows(
    districts: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    ward_code: str = "",
) -> pd.DataFrame:
    """Every computed row: facility counts per district and shelter coverage."""
    indicators = with_demo_parameters(catalogue.indicators())
    sources = catalogue.sources().set_index("source_id")
    counts = computed_values(indicators, districts, facilities, sources)

    coverage = coverage_rows(towns, facilities, districts["district_code"], ward_code)
    return pd.concat([counts, coverage], ignore_index=True)


def refresh_values(values: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """``values`` with its computed rows of ``fresh``'s indicators replaced.

    Official and demo rows are kept as they are, even for the same indicator:
    a figure a city loaded stays until the city replaces it.
    """
    recomputed = set(fresh["indicator_id"])
    stale = (values["status"] == COMPUTED_STATUS) & values["indicator_id"].isin(
        recomputed
    )
    fresh = fresh.astype({"fiscal_year": int}).astype(str)
    kept = values[~stale].astype(str)
    merged = pd.concat([kept, fresh[list(VALUE_COLUMNS)]], ignore_index=True)
    merged["fiscal_year"] = merged["fiscal_year"].astype(int)
    return sort_values(merged)


def computed_values_writer(bundle: Path) -> Callable[[Path], None]:
    """A writer of ``values.csv`` with the computed rows recomputed.

    It reads each layer from the staging folder when an earlier writer of the
    same import put a new one there, else from ``bundle``; so it must run
    after the writers of districts, facilities and towns.
    """

    def write(folder: Path) -> None:
        values_path = bundle / FILES["values"]
        layers = {k: _staged(folder, bundle, k) for k in LAYERS}
        if not values_path.exists() or not all(p.exists() for p in layers.values()):
            logger.info("no values or layers to recompute in %s", bundle)
            return
        districts = read_geojson(layers["districts"])
        facilities = read_geojson(layers["facilities"])
        towns = _read_towns(layers["towns"])

        ward_code = _ward_code(_staged(folder, bundle, "meta"))
        fresh = computed_rows(districts, towns, facilities, ward_code)
        values = pd.read_csv(values_path, dtype=str, keep_default_na=False)
        refreshed = refresh_values(values, fresh)
        write_csv(refreshed, folder / FILES["values"], VALUE_COLUMNS)
        logger.info("recomputed %d computed values", len(fresh))

    return write


def _ward_code(path: Path) -> str:
    """The home ward's code in a ``bundle.json`` ('' when there is none)."""
    if not path.exists():
        return ""
    return str(json.loads(path.read_text(encoding="utf-8")).get("ward_code", ""))


def _staged(folder: Path, bundle: Path, key: str) -> Path:
    """The staged file of ``key`` when this import wrote one, else the bundle's."""
    staged = folder / FILES[key]
    return staged if staged.exists() else bundle / FILES[key]


def _read_towns(path: Path) -> pd.DataFrame:
    """``towns.csv`` with ``lat``/``lon`` as numbers (degrees, EPSG:4326)."""
    towns = pd.read_csv(path, dtype=str, keep_default_na=False)
    return towns.astype({"lat": float, "lon": float})

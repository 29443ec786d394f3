"""Demonstration statistics of the default dataset, consistent with real totals.

Official per-district statistics are not public, so the default dataset fills
them with invented values flagged ``demo``. Everything that shapes them is
data in ``catalogue_data/`` (``demo_*`` columns of ``indicators.csv``,
``demo_settings.csv``, ``demo_age_structure.csv``, ``demo_wards.csv``), never
code. Values that can be derived from real data (facility counts per
district) are computed and flagged ``computed``.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps._demo_population import AgeModel, district_profile, simulate
from kitaku_maps._demo_samples import sample_facilities, sample_initiatives
from kitaku_maps._demo_values import (
    COMPUTED_SOURCE,
    DEMO_SOURCE,
    AreaPopulation,
    computed_values,
    demo_values,
    sort_values,
    stream,
)
from kitaku_maps.bundle import AGE_GROUPS

logger = logging.getLogger(__name__)


def make_statistics(
    districts: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    seed: int,
) -> dict[str, pd.DataFrame]:
    """Return the tables values, population, sample_facilities, initiatives, sources.

    ``districts``, ``wards`` and ``facilities`` are in EPSG:4326 (lon, lat);
    ``towns`` has ``lat``/``lon`` and ``district_code``. The output is sorted
    and depends only on the inputs and ``seed``; ``value`` is text rounded to
    the indicator's ``decimals``.
    """
    indicators = with_demo_parameters(indicators)
    config = catalogue.demo_settings()
    source_rows = catalogue.sources().set_index("source_id")
    as_of = source_rows.loc[DEMO_SOURCE, "as_of"]
    home = home_ward_code(wards, districts)

    profile = district_profile(districts, towns, stream(seed, "profile"), config)
    model = AgeModel.from_catalogue(config)
    population = simulate(profile, model, home_ward_total(home), config)
    areas = AreaPopulation(population, wards["ward_code"], home)

    values = pd.concat(
        [
            demo_values(indicators, areas, profile, seed, config, as_of),
            computed_values(indicators, districts, facilities, source_rows),
        ],
        ignore_index=True,
    )
    logger.info(
        "made %d indicator values, %d population rows", len(values), len(population)
    )

    return {
        "values": sort_values(values),
        "population": population_rows(population, as_of),
        "sample_facilities": sample_facilities(towns, facilities, seed, as_of),
        "initiatives": sample_initiatives(districts, seed, int(config["last_year"])),
        "sources": source_table(source_rows, facilities),
    }


def with_demo_parameters(indicators: pd.DataFrame) -> pd.DataFrame:
    """Return ``indicators`` (numbers parsed) with the authored ``demo_*`` columns."""
    authored = catalogue.indicators()
    demo_columns = [c for c in authored.columns if c.startswith("demo_")]
    base = catalogue.parse_indicator_numbers(indicators)
    base = base.drop(columns=[c for c in demo_columns if c in base.columns])
    merged = base.merge(
        authored[["indicator_id", *demo_columns]], on="indicator_id", how="left"
    )
    return merged.sort_values("indicator_id").reset_index(drop=True)


def home_ward_code(wards: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> str:
    """The code of the ward holding most district points (both EPSG:4326)."""
    points = gpd.GeoDataFrame(
        geometry=districts.geometry.representative_point(), crs=districts.crs
    )
    joined = gpd.sjoin(points, wards[["ward_code", "geometry"]], predicate="within")
    if joined.empty:
        raise ValueError(
            "no district lies inside any ward; expected the districts inside one "
            "of the wards (both in EPSG:4326)"
        )
    counts = joined["ward_code"].astype(str).value_counts().sort_index()
    return str(counts.idxmax())


def home_ward_total(home: str) -> float:
    """The home ward's population in the target year, from ``demo_wards.csv``."""
    table = catalogue.read_text_table("demo_wards").set_index("ward_code")
    return float(table.loc[home, "population"])


def population_rows(population: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """population.csv rows, sorted by district, year and age (youngest first)."""
    rows = population.assign(status="demo", as_of=as_of, source_id=DEMO_SOURCE)
    rank = rows["age_group"].map({g: i for i, g in enumerate(AGE_GROUPS)})
    rows = rows.assign(_rank=rank).sort_values(
        ["district_code", "fiscal_year", "_rank"]
    )
    columns = ["district_code", "fiscal_year", "age_group", "population"]
    return rows[[*columns, "status", "as_of", "source_id"]].reset_index(drop=True)


def source_table(sources: pd.DataFrame, facilities: pd.DataFrame) -> pd.DataFrame:
    """The catalogue's source rows; the computed one names the sources counted."""
    table = sources.reset_index()
    counted = sorted(set(facilities.get("source_id", pd.Series(dtype=str)).dropna()))
    if counted:
        is_computed = table["source_id"] == COMPUTED_SOURCE
        note = "集計に使った出典: " + "、".join(str(s) for s in counted)
        table.loc[is_computed, "notes"] = (
            table.loc[is_computed, "notes"] + " " + note
        ).str.strip()
    return table.sort_values("source_id").reset_index(drop=True)

"""Council analysis: districts side by side, two indicators, the whole picture.

Numbers come from :mod:`kitaku_maps.karte` (same ranks and averages as the
district chart and the ``table`` command).
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import stats

from geo import spatial_stats
from kitaku_maps import karte, scores, settings
from kitaku_maps.bundle import Bundle

logger = logging.getLogger(__name__)

#: Fewest districts with both values for a correlation to be shown.
MIN_PAIRS = 5

#: Ending of heat-table column names of indicators without a good direction.
NEUTRAL_MARK = "（向きなし）"

#: Mark of heat-table columns of counts standardised per 1,000 residents.
PER_POPULATION_MARK = "（千人あたり）"


def indicators_of_level(bundle: Bundle, level: str) -> pd.DataFrame:
    """Catalogue rows of one level that have values, in goal and catalogue order."""
    catalogue = scores.district_indicators(bundle, include_neutral=True)
    if level != "district":
        goal_order = bundle.goals.set_index("goal_id")["order"]
        rows = bundle.indicators[bundle.indicators["level"] == level]
        rows = rows.assign(goal_order=rows["goal_id"].map(goal_order))
        catalogue = rows.sort_values(["goal_order", "order"]).drop(columns="goal_order")
    has_values = catalogue["indicator_id"].map(
        lambda i: karte.latest_year(bundle, i) is not None
    )
    return catalogue[has_values.astype(bool)]


def compare_districts(
    bundle: Bundle, codes: list[str], indicator_ids: list[str]
) -> pd.DataFrame:
    """Districts side by side with the ward average and differences from it.

    One row per indicator (its latest year): 指標, 単位, 年度, one column per
    district, the ward average, then 「差（name）」 = district - ward average.
    """
    names = karte.areas(bundle, "district").set_index("area_code")["name_ja"]
    ward_label = f"{bundle.meta['ward_name_ja']}平均"
    rows = []
    for indicator_id in indicator_ids:
        info = karte.indicator_info(bundle, indicator_id)
        year = karte.latest_year(bundle, indicator_id)
        if year is None:
            continue
        table = karte.indicator_table(bundle, indicator_id, year)
        values = table.set_index("area_code")["value"]
        ward = table["ward_average"].iloc[0]
        row = {"指標": info["name_ja"], "単位": info["unit"], "年度": year}
        row.update({names[c]: values.get(c, np.nan) for c in codes})
        row[ward_label] = ward
        row.update({f"差（{names[c]}）": values.get(c, np.nan) - ward for c in codes})
        rows.append(row)
    return pd.DataFrame(rows)


def paired_values(
    bundle: Bundle, x_id: str, y_id: str, fiscal_year: int | None = None
) -> pd.DataFrame:
    """Districts with ``x`` and ``y`` values (each indicator's latest year
    when ``fiscal_year`` is None): ``area_code``, ``name_ja``, ``x``, ``y``."""
    frames = []
    for name, indicator_id in (("x", x_id), ("y", y_id)):
        year = fiscal_year or karte.latest_year(bundle, indicator_id)
        table = karte.indicator_table(bundle, indicator_id, year)
        frames.append(table.set_index(["area_code", "name_ja"])["value"].rename(name))
    return pd.concat(frames, axis=1).dropna().reset_index()


def correlation(pairs: pd.DataFrame) -> dict[str, float]:
    """Pearson and Spearman coefficients of ``x`` and ``y`` and their p-values.

    NaN when fewer than :data:`MIN_PAIRS` districts or no spread.
    """
    empty = {"pearson": np.nan, "pearson_p": np.nan, "spearman": np.nan, "n": 0}
    if len(pairs) < MIN_PAIRS or pairs["x"].nunique() < 2 or pairs["y"].nunique() < 2:
        return {**empty, "n": len(pairs)}
    pearson = stats.pearsonr(pairs["x"], pairs["y"])
    spearman = stats.spearmanr(pairs["x"], pairs["y"])
    return {
        "pearson": float(pearson.statistic),
        "pearson_p": float(pearson.pvalue),
        "spearman": float(spearman.statistic),
        "n": len(pairs),
    }


def correlation_note(result: dict, term: str) -> str:
    """The coefficient and the warning in one line, written into the scatter PNG.

    ``result`` is :func:`correlation`; ``term`` the word for a district.
    """
    if result["n"] < MIN_PAIRS or np.isnan(result["pearson"]):
        return (
            f"{result['n']}{term}。"
            "値のそろった地域が少なく、相関係数は計算していません。"
        )
    return (
        f"相関係数 r = {result['pearson']:.2f}（{result['n']}{term}）。"
        "相関は因果ではありません。"
    )


def heat_table(bundle: Bundle) -> pd.DataFrame:
    """The heat table of :func:`heat_table_computed`, computed once per bundle."""
    return karte.memoised(bundle, "heat_table", heat_table_computed).copy()


def heat_table_computed(bundle: Bundle) -> pd.DataFrame:
    """Districts (rows, by name) x indicators, standardised, grouped by goal.

    Oriented scores (higher is better) for indicators with a direction; plain
    z-scores for neutral ones, whose column names end in :data:`NEUTRAL_MARK`.
    Counts are standardised per 1,000 residents as in the scorecard (their
    names carry :data:`PER_POPULATION_MARK`), see
    :func:`kitaku_maps.scores.scored_values`.
    Column names are 「目標｜指標」, ordered by goal then catalogue order.
    """
    frame = scores.standardised_scores(bundle, include_neutral=True)
    catalogue = bundle.indicators.set_index("indicator_id")
    goals = bundle.goals.set_index("goal_id")["title_ja"]
    labels = {}
    for indicator_id in frame.columns:
        info = catalogue.loc[indicator_id]
        mark = NEUTRAL_MARK if info["better"] == "neutral" else ""
        per = PER_POPULATION_MARK if scores.is_per_population(info) else ""
        name = f"{info['name_ja']}{per}{mark}"
        labels[indicator_id] = f"{goals[info['goal_id']]}｜{name}"
    names = karte.areas(bundle, "district").set_index("area_code")["name_ja"]
    frame = frame.rename(columns=labels)
    frame.index = frame.index.map(names)
    frame.index.name = bundle.meta["district_term_ja"]
    return frame.round(2)


def values_by_year(bundle: Bundle, indicator_id: str) -> dict[int, pd.Series]:
    """Each year's district values, indexed by district code."""
    return {
        year: karte.indicator_table(bundle, indicator_id, year).set_index("area_code")[
            "value"
        ]
        for year in sorted(set(karte.years_of(bundle, indicator_id)))
    }


def years_table(bundle: Bundle, indicator_id: str) -> pd.DataFrame:
    """Districts (rows) x fiscal years (「2024年度」 columns), then the ward average.

    The numbers behind the small-multiple maps and the trend chart, for download.
    """
    frame = karte.areas(bundle, "district").rename(
        columns={"area_code": "コード", "name_ja": "名称"}
    )
    ward = {
        "コード": bundle.meta["ward_code"],
        "名称": f"{bundle.meta['ward_name_ja']}平均",
    }
    for year in sorted(set(karte.years_of(bundle, indicator_id))):
        table = karte.indicator_table(bundle, indicator_id, year)
        frame[f"{year}年度"] = table["value"].to_numpy()
        ward[f"{year}年度"] = table["ward_average"].iloc[0]
    return pd.concat([frame, pd.DataFrame([ward])], ignore_index=True)


def district_layer(bundle: Bundle, columns: dict[str, pd.Series]) -> gpd.GeoDataFrame:
    """District polygons (EPSG:4326) with extra columns mapped by district code."""
    layer = bundle.districts[
        ["district_code", "name_ja", "boundary_status", "geometry"]
    ]
    layer = layer.copy()
    for name, series in columns.items():
        layer[name] = layer["district_code"].astype(str).map(series)
    return layer


def spatial_pattern(
    bundle: Bundle, indicator_id: str, fiscal_year: int
) -> tuple[spatial_stats.MoranResult, gpd.GeoDataFrame]:
    """Global Moran's I and the LISA layer (EPSG:4326) of one indicator-year.

    Neighbours are computed on the districts in EPSG:6670 (metres). The
    values are those of the scores (:func:`kitaku_maps.scores.scored_values`):
    counts per 1,000 residents, small counts pooled over a few years, so the
    pattern is not just where the large districts are. Computed once per
    bundle, indicator and year; the caller gets a copy of the layer.
    """
    key = f"spatial-{indicator_id}-{int(fiscal_year)}"
    moran, layer = karte.memoised(
        bundle, key, lambda b: _spatial_pattern(b, indicator_id, fiscal_year)
    )
    return moran, layer.copy()


def _spatial_pattern(
    bundle: Bundle, indicator_id: str, fiscal_year: int
) -> tuple[spatial_stats.MoranResult, gpd.GeoDataFrame]:
    """Compute :func:`spatial_pattern`."""
    info = karte.indicator_info(bundle, indicator_id)
    values = scores.scored_values(bundle, info, fiscal_year)
    layer = district_layer(bundle, {"value": values})
    metric = layer.to_crs(settings.METRIC_CRS)
    moran = spatial_stats.global_moran(metric, "value")
    clusters = spatial_stats.local_clusters(metric, "value")
    for column in ("local_i", "p_sim", "quadrant", "cluster", "island"):
        layer[column] = clusters[column].to_numpy()
    logger.info("spatial pattern of %s %s: I=%.3f", indicator_id, fiscal_year, moran.i)
    return moran, layer

"""The indicator layer: values per area, their classes, colours and tooltips.

Ranks and averages come from ``kitaku_maps.karte``; classification and
palettes from ``geo.classify``. All text from data is escaped here.
"""

from __future__ import annotations

import html
import json
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.classify import (
    MISSING_COLOR,
    Classification,
    classify,
    classify_diverging,
    diverging_palette,
    palette,
)
from kitaku_maps import karte
from kitaku_maps.bundle import Bundle
from kitaku_maps.maps.geometry import WebAreas, WebGeometry

logger = logging.getLogger(__name__)

#: Number of classes of every map.
CLASS_COUNT = 5


@dataclass(frozen=True)
class IndicatorLayer:
    """Everything the map and its legend show for one indicator view.

    ``table`` has one row per area in display order: ``area_code``,
    ``name_ja``, ``value`` (the change in the change view), ``label``
    (formatted, not escaped), ``rank`` and ``cls``.
    """

    info: pd.Series
    level: str
    fiscal_year: int
    title: str
    table: pd.DataFrame
    classification: Classification
    colors: list[str]
    averages: dict[str, float]
    change_from: int | None


def indicator_layer(
    bundle: Bundle,
    indicator_id: str,
    fiscal_year: int,
    scheme: str | None = None,
    change_from: int | None = None,
) -> IndicatorLayer:
    """Values, classes and colours of one indicator in one fiscal year.

    With ``change_from`` the values are the change from that year to
    ``fiscal_year``, classed symmetrically around zero on a diverging palette.
    """
    info = karte.indicator_info(bundle, indicator_id)
    table = karte.indicator_table(bundle, indicator_id, fiscal_year)
    better = str(info["better"])

    if change_from is None:
        classification = classify(
            table["value"].to_numpy(float),
            scheme or str(info["default_scheme"]),
            CLASS_COUNT,
        )
        colors = palette(classification.k, better)
        title = f"{info['name_ja']}（{fiscal_year}年度）"
    else:
        table = _change_table(bundle, indicator_id, table, change_from)
        classification = classify_diverging(table["value"].to_numpy(float), CLASS_COUNT)
        colors = diverging_palette(classification.k, better)
        title = f"{info['name_ja']}の変化（{change_from}→{fiscal_year}年度）"

    table = table.assign(
        cls=classification.classes, label=_labels(table, info, change_from)
    )
    return IndicatorLayer(
        info=info,
        level=str(info["level"]),
        fiscal_year=int(fiscal_year),
        title=title,
        table=table,
        classification=classification,
        colors=colors,
        averages=_averages(table),
        change_from=change_from,
    )


def format_value(value: float, info: pd.Series, signed: bool = False) -> str:
    """A value with the indicator's decimals and unit ('データなし' if missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "データなし"
    decimals = int(info["decimals"]) if pd.notna(info["decimals"]) else 1
    sign = "+" if signed else ""
    unit = str(info["unit"]) if pd.notna(info["unit"]) else ""
    if signed and unit == "%":
        unit = "ポイント"
    return f"{value:{sign},.{decimals}f}{unit}"


def areas_of(layer: IndicatorLayer, geometry: WebGeometry) -> WebAreas:
    """The web areas the layer is drawn on: districts, or the city's wards."""
    return geometry.wards if layer.level == "ward" else geometry.districts


def features_json(layer: IndicatorLayer, areas: WebAreas, highlight: str | None) -> str:
    """The layer's areas as a GeoJSON FeatureCollection with short properties.

    Properties ``code``, ``name``, ``label``, ``rank`` (escaped text), ``cls``
    and ``hl`` (1 for the ``highlight`` area code); areas without geometry are
    left out.
    """
    table = layer.table.set_index(layer.table["area_code"].astype(str))
    table = table.reindex(areas.codes)
    ranks = _rank_texts(table["rank"], len(table))

    features = []
    for code, row, rank, geometry in zip(
        areas.codes,
        table.itertuples(index=False),
        ranks,
        areas.geometry_json,
        strict=True,
    ):
        properties = {
            "code": html.escape(code),
            "name": html.escape(str(areas.names[code])),
            "label": html.escape(str(row.label)),
            "rank": rank,
            "cls": int(row.cls) if pd.notna(row.cls) else -1,
            "hl": int(code == highlight),
        }
        features.append(
            '{"type":"Feature","properties":'
            + json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
            + ',"geometry":'
            + geometry
            + "}"
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def missing_color() -> str:
    """The fill of areas without a value (not a colour of any scale)."""
    return MISSING_COLOR


def _change_table(bundle, indicator_id, table, change_from) -> pd.DataFrame:
    """``table`` with ``value`` replaced by the change since ``change_from``."""
    earlier = karte.indicator_table(bundle, indicator_id, change_from)
    before = earlier.set_index("area_code")["value"]
    table = table.copy()
    table["value_before"] = table["area_code"].map(before)
    table["value_after"] = table["value"]
    table["value"] = table["value_after"] - table["value_before"]
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    for column in ("ward_average", "city_average"):
        table[column] = table[column] - earlier[column].iloc[0]
    return table


def _labels(table: pd.DataFrame, info: pd.Series, change_from) -> list[str]:
    """Formatted value of each row; in the change view, change and both values."""
    if change_from is None:
        return [format_value(v, info) for v in table["value"]]
    return [
        f"{format_value(c, info, signed=True)}"
        f"（{format_value(b, info)}→{format_value(a, info)}）"
        for c, b, a in zip(
            table["value"], table["value_before"], table["value_after"], strict=True
        )
    ]


def _rank_texts(ranks: pd.Series, total: int) -> list[str]:
    """Ranks as text like '3位／21' ('' when unranked)."""
    counted = int(ranks.notna().sum())
    return [f"{int(r)}位／{counted}" if pd.notna(r) else "" for r in ranks]


def _averages(table: pd.DataFrame) -> dict[str, float]:
    """The ward and city averages of the table (NaN when not defined)."""
    averages = {}
    for column in ("ward_average", "city_average"):
        values = table[column].dropna() if column in table else pd.Series(dtype=float)
        averages[column] = float(values.iloc[0]) if len(values) else np.nan
    return averages

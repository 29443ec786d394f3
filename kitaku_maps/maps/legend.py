"""The legend and tooltip footers of the indicator layer, as escaped HTML."""

from __future__ import annotations

import html
import math

from kitaku_maps.bundle import Bundle
from kitaku_maps.maps.choropleth import IndicatorLayer, format_value

#: What the rank means, by the indicator's ``better`` direction.
RANK_TITLES = {
    "higher": "順位（良い順）",
    "lower": "順位（良い順）",
    "neutral": "順位（大きい順）",
}


def legend_html(layer: IndicatorLayer, bundle: Bundle) -> str:
    """Title, unit, one row per class (bounds and count), missing, averages.

    The rows sit in a ``<details>`` box whose title folds them away.
    """
    info, classification = layer.info, layer.classification
    signed = layer.change_from is not None
    rows = [f'<summary class="t">{html.escape(layer.title)}</summary>']
    rows.append(f"<div>単位: {html.escape(_unit_text(layer))}</div>")

    for (low, high), color, count in zip(
        classification.intervals(), layer.colors, classification.counts, strict=True
    ):
        bounds = _bounds_text(low, high, info, signed)
        rows.append(
            f'<div><i style="background:{color}"></i>{html.escape(bounds)}'
            f' <span class="n">({count})</span></div>'
        )

    rows.append(
        f'<div><i class="m"></i>データなし <span class="n">'
        f"({classification.missing})</span></div>"
    )
    rows += [f"<div>{html.escape(line)}</div>" for line in average_lines(layer, bundle)]
    if layer.level == "ward":
        ward = html.escape(str(bundle.meta["ward_name_ja"]))
        rows.append(f"<div>太線: {ward}</div>")
    return f"<details open>{''.join(rows)}</details>"


def tooltip_parts(layer: IndicatorLayer, bundle: Bundle) -> dict[str, str]:
    """Escaped tooltip texts shared by every area: value title, rank title, footer."""
    value_title = "変化" if layer.change_from is not None else _year_title(layer)
    lines = average_lines(layer, bundle)
    footer = "".join(f"<br>{html.escape(line)}" for line in lines)
    return {
        "title": html.escape(value_title),
        "rank": html.escape(RANK_TITLES.get(str(layer.info["better"]), "順位")),
        "footer": footer,
    }


def average_lines(layer: IndicatorLayer, bundle: Bundle) -> list[str]:
    """'北区平均: 30.1%' and '熊本市平均: 27.0%' lines, when defined."""
    signed = layer.change_from is not None
    names = {
        "ward_average": f"{bundle.meta['ward_name_ja']}平均",
        "city_average": f"{bundle.meta['city_name_ja']}平均",
    }
    if layer.level == "ward":
        names["ward_average"] = str(bundle.meta["ward_name_ja"])
    lines = []
    for column, name in names.items():
        value = layer.averages.get(column, math.nan)
        if not math.isnan(value):
            lines.append(f"{name}: {format_value(value, layer.info, signed=signed)}")
    return lines


def _year_title(layer: IndicatorLayer) -> str:
    """'2024年度' style title of the shown year."""
    return f"{layer.fiscal_year}年度"


def _unit_text(layer: IndicatorLayer) -> str:
    """The unit as shown; changes of percentages are in points."""
    unit = str(layer.info["unit"])
    if layer.change_from is not None and unit == "%":
        return "ポイント（%の差）"
    return unit


def _bounds_text(low: float, high: float, info, signed: bool) -> str:
    """'12.0 – 15.5' with the indicator's decimals (no unit)."""
    decimals = int(info["decimals"]) if info["decimals"] == info["decimals"] else 1
    sign = "+" if signed else ""
    return f"{low:{sign},.{decimals}f} – {high:{sign},.{decimals}f}"

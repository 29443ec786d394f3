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

#: How to read the colours, by ``better``: the dark end is always the worse end.
SCALE_HINTS = {
    "higher": "濃い色ほど課題（低い値）",
    "lower": "濃い色ほど課題（高い値）",
    "neutral": "濃い色ほど大きい値",
}

#: How to read the colours of the change view, by ``better``.
CHANGE_HINTS = {
    "higher": "赤: 減って悪化　青: 増えて改善",
    "lower": "赤: 増えて悪化　青: 減って改善",
    "neutral": "橙: 減少　紫: 増加",
}

#: Notes shown when the values are demonstration data or boundaries estimated.
#: They are short: the credits line must stay one line on a phone.
DEMO_NOTE = "デモの数値"
APPROXIMATE_NOTE = "境界は推定"


def legend_html(layer: IndicatorLayer, bundle: Bundle) -> str:
    """Title, unit, which colour is worse, one row per class, missing, averages.

    The rows sit in a ``<details>`` box whose title folds them away.
    """
    info, classification = layer.info, layer.classification
    signed = layer.change_from is not None
    rows = [f'<summary class="t">{html.escape(layer.title)}</summary>']
    rows.append(f"<div>単位: {html.escape(_unit_text(layer))}</div>")
    rows.append(f'<div class="n">{html.escape(scale_hint(layer))}</div>')

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
    lines = average_lines(layer, bundle, say_missing=True)
    rows += [f"<div>{html.escape(line)}</div>" for line in lines]
    if layer.level == "ward":
        ward = html.escape(str(bundle.meta["ward_name_ja"]))
        rows.append(f"<div>太線: {ward}</div>")
    return f"<details open>{''.join(rows)}</details>"


def scale_hint(layer: IndicatorLayer) -> str:
    """Which end of the colours is the worse one, in plain Japanese."""
    better = str(layer.info["better"])
    hints = CHANGE_HINTS if layer.change_from is not None else SCALE_HINTS
    return hints.get(better, SCALE_HINTS["neutral"])


def honesty_note(layer: IndicatorLayer, bundle: Bundle) -> str:
    """Escaped '⚠ ...' when shown values are demo or district boundaries estimated.

    The map carries it in its credits line (always visible, also when the
    legend is folded), so a saved, mailed or screenshotted copy stays honest.
    Empty when nothing needs saying.
    """
    notes = []
    status = layer.table.get("status")
    if status is not None and (status == "demo").any():
        notes.append(DEMO_NOTE)
    if layer.level == "district" and bundle.has_approximate_boundaries:
        notes.append(f"{bundle.meta['district_term_ja']}{APPROXIMATE_NOTE}")
    if not notes:
        return ""
    return f'<span class="kitaku-note">⚠ {html.escape("・".join(notes))}</span>'


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


def average_names(layer: IndicatorLayer, bundle: Bundle) -> dict[str, str]:
    """The label of each average column: '北区平均', '熊本市平均'.

    On a ward map the home ward's own value stands where the ward average
    would, so it is labelled with the ward's name alone.
    """
    ward, city = bundle.meta["ward_name_ja"], bundle.meta["city_name_ja"]
    return {
        "ward_average": str(ward) if layer.level == "ward" else f"{ward}平均",
        "city_average": f"{city}平均",
    }


def average_lines(
    layer: IndicatorLayer, bundle: Bundle, say_missing: bool = False
) -> list[str]:
    """'北区平均: 30.1%' and '熊本市平均: 27.0%' lines.

    An average that is not defined is left out, or with ``say_missing``
    written as '熊本市平均: 2024年度の値なし'.
    """
    signed = layer.change_from is not None
    lines = []
    for column, name in average_names(layer, bundle).items():
        value = layer.averages.get(column, math.nan)
        if not math.isnan(value):
            lines.append(f"{name}: {format_value(value, layer.info, signed=signed)}")
        elif say_missing:
            lines.append(f"{name}: {_no_value_text(layer)}")
    return lines


def _no_value_text(layer: IndicatorLayer) -> str:
    """'2024年度の値なし' (or '値なし' in the change view)."""
    if layer.change_from is not None:
        return "値なし"
    return f"{layer.fiscal_year}年度の値なし"


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

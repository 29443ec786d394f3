"""Static matplotlib charts of the district chart and the analysis page.

Every builder returns a :class:`matplotlib.figure.Figure` (no pyplot state),
shown by ``st.pyplot`` and saved as PNG by :mod:`kitaku_maps.exports`.
Japanese text uses the bundled IPAexGothic font. Maps are drawn from the
district polygons in EPSG:4326 (longitude, latitude) without tiles.
"""

from __future__ import annotations

import geopandas as gpd
import mapclassify
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kitaku_maps.exports import use_japanese_font

BASE_COLOUR = "#9ecae1"
HIGHLIGHT_COLOUR = "#d62728"
WARD_COLOUR = "#31a354"
CITY_COLOUR = "#756bb1"
MISSING_COLOUR = "#eeeeee"

#: Colours of the LISA cluster labels (see ``geo.spatial_stats``).
CLUSTER_COLOURS = {
    "HH": "#d7191c",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "LH": "#abd9e9",
    "ns": "#f0f0f0",
}


def _figure(width: float, height: float) -> Figure:
    """A new figure with the Japanese font set."""
    use_japanese_font()
    return Figure(figsize=(width, height), layout="constrained")


def ranking_bars(
    table: pd.DataFrame,
    title: str,
    labels: dict[str, str],
    highlight: str | None = None,
) -> Figure:
    """Horizontal bars of every area, best rank on top, averages marked.

    ``table`` is an indicator table; ``labels`` names the ward and city
    average lines, e.g. ``{"ward": "北区平均", "city": "熊本市平均"}``.
    """
    rows = table.dropna(subset=["value"]).sort_values("rank", ascending=False)
    figure = _figure(7, 0.28 * len(rows) + 1.2)
    axes = figure.subplots()
    colours = [
        HIGHLIGHT_COLOUR if code == highlight else BASE_COLOUR
        for code in rows["area_code"]
    ]
    axes.barh(rows["name_ja"], rows["value"], color=colours)

    for key, colour in (("ward", WARD_COLOUR), ("city", CITY_COLOUR)):
        value = table[f"{key}_average"].iloc[0] if len(table) else np.nan
        if pd.notna(value):
            axes.axvline(value, color=colour, linestyle="--", label=labels[key])
    axes.set_title(title)
    axes.set_xlabel(str(table["unit"].iloc[0]) if len(table) else "")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="lower right")
    return figure


def trend_lines(
    series: dict[str, pd.DataFrame], title: str, unit: str, average_label: str
) -> Figure:
    """Lines of several areas over the years, plus the ward average (dashed).

    ``series`` maps an area name to a frame with ``fiscal_year``, ``value``
    and ``ward_average`` (see ``karte.indicator_series``).
    """
    figure = _figure(7, 3.6)
    axes = figure.subplots()
    average = None
    for name, frame in series.items():
        axes.plot(frame["fiscal_year"], frame["value"], marker="o", label=name)
        average = frame
    if average is not None:
        axes.plot(
            average["fiscal_year"],
            average["ward_average"],
            color="black",
            linestyle="--",
            label=average_label,
        )
    axes.set_title(title)
    axes.set_xlabel("年度")
    axes.set_ylabel(unit)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize="small")
    return figure


def scatter_labelled(
    frame: pd.DataFrame, x_label: str, y_label: str, title: str, note: str = ""
) -> Figure:
    """Scatter of ``x`` against ``y`` with each point labelled by ``name_ja``.

    ``note`` (e.g. the correlation coefficient and its warning) is written
    under the title, so a saved PNG carries it too.
    """
    figure = _figure(6.5, 5)
    axes = figure.subplots()
    axes.scatter(frame["x"], frame["y"], color=BASE_COLOUR, edgecolor="#3182bd")
    for _, row in frame.iterrows():
        axes.annotate(row["name_ja"], (row["x"], row["y"]), fontsize=8)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.set_title(f"{title}\n{note}" if note else title)
    return figure


def small_multiple_maps(
    districts: gpd.GeoDataFrame,
    values: dict[int, pd.Series],
    title: str,
    unit: str,
    k: int = 5,
) -> Figure:
    """One choropleth per year, classed on the same quantile breaks.

    ``values`` maps a fiscal year to values indexed by district code; the
    classes are computed over all years so the colours compare across maps.
    One legend for all maps sits under the grid, so every map has the same
    size.
    """
    breaks = _pooled_breaks(values, k)
    cmap = matplotlib.colormaps["YlOrRd"]
    colours = [to_hex(cmap(x)) for x in np.linspace(0.1, 1.0, len(breaks))]
    rows, columns = int(np.ceil(len(values) / 4)), min(len(values), 4)
    figure = _figure(3.2 * columns, 3.4 * rows + 0.6)
    axes_list = np.atleast_1d(figure.subplots(rows, columns)).ravel()

    for axes, (year, series) in zip(axes_list, values.items(), strict=False):
        value = districts["district_code"].astype(str).map(series).to_numpy(float)
        classes = np.searchsorted(breaks, value, side="left").clip(0, len(breaks) - 1)
        fill = [
            MISSING_COLOUR if np.isnan(v) else colours[c]
            for v, c in zip(value, classes, strict=True)
        ]
        districts.plot(ax=axes, color=fill, edgecolor="white", linewidth=0.4)
        axes.set_title(f"{year}年度", fontsize=10)
    for axes in axes_list:
        axes.set_axis_off()

    figure.legend(
        handles=_class_patches(breaks, colours),
        loc="outside lower center",
        ncols=min(len(breaks) + 1, 6),
        fontsize=8,
        title=unit,
    )
    figure.suptitle(f"{title}（{unit}、全年度共通の分位で色分け）")
    return figure


def _pooled_breaks(values: dict[int, pd.Series], k: int) -> np.ndarray:
    """Upper bounds of up to ``k`` quantile classes over every year's values."""
    pooled = pd.concat(values.values()).dropna()
    if pooled.empty:
        return np.array([0.0])
    classes = min(k, max(pooled.nunique(), 1))
    return np.asarray(mapclassify.Quantiles(pooled.to_numpy(), k=classes).bins)


def _class_patches(breaks: np.ndarray, colours: list) -> list[Patch]:
    """Legend patches 「a超〜b」 for the classes, and one for missing values."""
    lows = [None, *breaks[:-1]]
    patches = []
    for low, high, colour in zip(lows, breaks, colours, strict=True):
        label = f"{_number(high)}以下"
        if low is not None:
            label = f"{_number(low)}超〜{_number(high)}"
        patches.append(Patch(color=colour, label=label))
    return [*patches, Patch(color=MISSING_COLOUR, label="値なし")]


def _number(value: float) -> str:
    """A class bound with thousands separators and a few significant digits."""
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 1 else 2
    return f"{value:,.{decimals}f}"


def cluster_map(districts: gpd.GeoDataFrame, clusters: pd.Series, title: str) -> Figure:
    """The districts coloured by LISA cluster label (HH, LL, HL, LH, ns)."""
    figure = _figure(6, 5.5)
    axes = figure.subplots()
    colours = clusters.map(CLUSTER_COLOURS).fillna(MISSING_COLOUR)
    districts.plot(ax=axes, color=colours.to_numpy(), edgecolor="#555555", lw=0.5)
    for _, row in districts.iterrows():
        point = row.geometry.representative_point()
        axes.annotate(row["name_ja"], (point.x, point.y), fontsize=7, ha="center")
    handles = [Patch(color=c, label=label) for label, c in CLUSTER_COLOURS.items()]
    axes.legend(handles=handles, loc="lower left", fontsize="small")
    axes.set_title(title)
    axes.set_axis_off()
    return figure


def interval_bars(
    rates: pd.DataFrame, title: str, unit_label: str, ward_label: str = ""
) -> Figure:
    """Rates with their intervals; unstable ones drawn hollow (small counts).

    With ``ward_label`` the rate of all districts together (total count over
    total person-years) is drawn as a dashed line, so each interval can be
    read against it.
    """
    rows = rates.dropna(subset=["rate"]).sort_values("rate")
    figure = _figure(7, 0.28 * len(rows) + 1.2)
    axes = figure.subplots()
    positions = np.arange(len(rows))
    errors = [rows["rate"] - rows["lower"], rows["upper"] - rows["rate"]]
    axes.errorbar(
        rows["rate"], positions, xerr=errors, fmt="none", ecolor="#888888", capsize=2
    )
    stable = ~rows["unstable"].to_numpy(dtype=bool)
    axes.scatter(rows["rate"][stable], positions[stable], color="#3182bd", zorder=3)
    if (~stable).any():
        axes.scatter(
            rows["rate"][~stable],
            positions[~stable],
            facecolor="white",
            edgecolor="#3182bd",
            zorder=3,
            label="件数が少なく不安定",
        )
    if ward_label and rows["population"].sum() > 0:
        ward_rate = rows["count"].sum() / rows["population"].sum() * 1000.0
        axes.axvline(ward_rate, color=WARD_COLOUR, linestyle="--", label=ward_label)
    axes.set_yticks(positions, rows["name_ja"])
    axes.set_xlabel(unit_label)
    axes.set_title(title)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="lower right", fontsize="small")
    return figure

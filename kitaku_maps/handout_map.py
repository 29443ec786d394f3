"""The handout's small map, drawn with matplotlib from the bundle's geometry.

Everything is drawn in ``settings.METRIC_CRS`` (metres), so the map keeps its
true shape and the scale bar is right; no web tiles are needed.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from shapely.geometry import Point

from kitaku_maps import settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.places import Place

#: Least half-width of the map around the place, metres.
MIN_HALF_WIDTH_M = 900.0

#: Margin around the place and the shelters shown, metres.
MARGIN_M = 350.0


def draw_place_map(
    bundle: Bundle, place: Place, labels: dict, font: Path, size_in: float = 4.4
) -> Figure:
    """Return a square map of ``place`` (lat/lon degrees, named) and lettered shelters.

    ``labels`` maps facility id -> (letter, NearestFacility).
    """
    here = _to_metric([Point(place.lon, place.lat)])[0]
    shelters = [(letter, f) for letter, f in labels.values()]
    points = _to_metric([Point(f.lon, f.lat) for _, f in shelters])

    figure = Figure(figsize=(size_in, size_in))
    axes = figure.add_axes((0, 0, 1, 1))
    _set_extent(axes, here, points)
    _draw_areas(axes, bundle, FontProperties(fname=font, size=8))

    for (letter, _), point in zip(shelters, points, strict=True):
        axes.plot([here.x, point.x], [here.y, point.y], color="#D55E00", lw=1.2)
        axes.plot(point.x, point.y, marker="^", ms=11, color="#D55E00", mec="white")
        axes.annotate(
            letter,
            (point.x, point.y),
            xytext=(6, 4),
            textcoords="offset points",
            fontproperties=FontProperties(fname=font, size=11, weight="bold"),
        )
    axes.plot(here.x, here.y, marker="*", ms=18, color="#0072B2", mec="white")
    axes.annotate(
        place.name_ja,
        (here.x, here.y),
        xytext=(0, -16),
        textcoords="offset points",
        ha="center",
        color="#0072B2",
        fontproperties=FontProperties(fname=font, size=9, weight="bold"),
    )

    _scale_bar(axes, FontProperties(fname=font, size=8))
    axes.set_axis_off()
    return figure


def _to_metric(points: list[Point]) -> list[Point]:
    """Return (lon, lat) EPSG:4326 points as points in the metric CRS."""
    if not points:
        return []
    series = gpd.GeoSeries(points, crs=settings.WEB_CRS).to_crs(settings.METRIC_CRS)
    return list(series)


def _set_extent(axes, here: Point, points: list[Point]) -> None:
    """Fit the place and the shelters in a square view (metres)."""
    reach = max(
        [MIN_HALF_WIDTH_M]
        + [max(abs(p.x - here.x), abs(p.y - here.y)) + MARGIN_M for p in points]
    )
    axes.set_xlim(here.x - reach, here.x + reach)
    axes.set_ylim(here.y - reach, here.y + reach)
    axes.set_aspect("equal")


def _draw_areas(axes, bundle: Bundle, font: FontProperties) -> None:
    """Draw the district boundaries and names (grey) and the ward outline (black)."""
    districts = bundle.districts.to_crs(settings.METRIC_CRS)
    outline = bundle.outline.to_crs(settings.METRIC_CRS)
    districts.boundary.plot(ax=axes, color="#9a9a9a", linewidth=0.6)
    outline.boundary.plot(ax=axes, color="#222222", linewidth=1.4)

    (left, right), (bottom, top) = axes.get_xlim(), axes.get_ylim()
    for name, point in zip(
        districts["name_ja"], districts.representative_point(), strict=True
    ):
        if left < point.x < right and bottom < point.y < top:
            axes.text(
                point.x,
                point.y,
                name,
                color="#777777",
                ha="center",
                fontproperties=font,
                clip_on=True,
            )


def _scale_bar(axes, font: FontProperties) -> None:
    """Draw a round-number scale bar and a north mark in the lower left."""
    left, right = axes.get_xlim()
    bottom, top = axes.get_ylim()
    length = _round_length((right - left) / 4)
    x0, y0 = left + (right - left) * 0.05, bottom + (top - bottom) * 0.05

    axes.plot([x0, x0 + length], [y0, y0], color="black", lw=3)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:.0f} m"
    axes.text(x0, y0 + (top - bottom) * 0.015, label, fontproperties=font)
    axes.text(x0, top - (top - bottom) * 0.08, "↑北", fontproperties=font)


def _round_length(metres: float) -> float:
    """Return 1, 2 or 5 times a power of ten, at most ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(s * power for s in (1, 2, 5) if s * power <= metres)

"""The nearest-facility map: the place, the answers, and lines between them.

Built on the explorer's map parts (offline Leaflet, base maps, outline,
category symbols). Points are given as (lat, lon) degrees, folium's order.
"""

from __future__ import annotations

import folium

from kitaku_maps.bundle import Bundle
from kitaku_maps.maps import elements
from kitaku_maps.maps.basemaps import DEFAULT_BASE_MAP, add_base_map
from kitaku_maps.maps.builder import new_map
from kitaku_maps.maps.geometry import WebGeometry
from kitaku_maps.maps.symbols import symbol_svg
from kitaku_maps.nearest import NearestFacility
from kitaku_maps.places import Place

#: Colour of the chosen place and of the lines to the answers.
PLACE_COLOR = "#0072B2"
LINE_COLOR = "#D55E00"

#: Zoom used when there is no answer to fit.
PLACE_ZOOM = 15


def nearest_map(
    bundle: Bundle,
    geometry: WebGeometry,
    place: Place | None,
    found: list[NearestFacility],
    base_map: str = DEFAULT_BASE_MAP,
    assets: str = "served",
) -> folium.Map:
    """Return the map of ``place`` and its nearest facilities, numbered 1, 2, 3."""
    fmap = new_map(assets)
    add_base_map(fmap, base_map)
    elements.Outline(geometry.outline_json).add_to(fmap)

    if place is None:
        fmap.fit_bounds(geometry.districts.bounds)
        return fmap

    symbols = bundle.categories.set_index("category_id")
    for rank, facility in enumerate(found, start=1):
        _add_answer(fmap, place, facility, rank, symbols)
    _add_place(fmap, place)

    if found:
        lats = [place.lat, *(f.lat for f in found)]
        lons = [place.lon, *(f.lon for f in found)]
        fmap.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40)
        )
    else:
        fmap.location, fmap.options["zoom"] = [place.lat, place.lon], PLACE_ZOOM
    return fmap


def _add_place(fmap: folium.Map, place: Place) -> None:
    """Mark the chosen place with a large dot and its name."""
    folium.CircleMarker(
        [place.lat, place.lon],
        radius=10,
        color="white",
        weight=3,
        fill=True,
        fill_color=PLACE_COLOR,
        fill_opacity=1,
        # To the right: placing it needs no width, which is wrong while the
        # component's Leaflet CSS is still loading (a centred label lands
        # off the map on a phone).
        tooltip=folium.Tooltip(
            "選んだ場所", permanent=True, direction="right", offset=(14, 0)
        ),
    ).add_to(fmap)


def _add_answer(
    fmap: folium.Map, place: Place, facility: NearestFacility, rank: int, symbols
) -> None:
    """Draw the line to one answer and its category symbol with its rank."""
    folium.PolyLine(
        [[place.lat, place.lon], [facility.lat, facility.lon]],
        color=LINE_COLOR,
        weight=4,
        opacity=0.85,
        dash_array="8 6",
        class_name="kitaku-nearest-line",
    ).add_to(fmap)

    symbol = (
        symbols.loc[facility.category] if facility.category in symbols.index else None
    )
    svg = symbol_svg(
        symbol["symbol"] if symbol is not None else "circle",
        symbol["color"] if symbol is not None else LINE_COLOR,
        size=26,
    )
    folium.Marker(
        [facility.lat, facility.lon],
        icon=folium.DivIcon(
            html=svg,
            icon_size=(26, 26),
            icon_anchor=(13, 13),
            class_name="kitaku-symbol",
        ),
        tooltip=folium.Tooltip(str(rank), permanent=True, direction="right"),
    ).add_to(fmap)

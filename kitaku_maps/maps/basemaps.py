"""Base maps (background tiles) and the credits their providers require."""

from __future__ import annotations

from dataclasses import dataclass

import folium

#: GSI's page listing its tiles, which its credit must link to.
GSI_TILE_LIST_URL = "https://maps.gsi.go.jp/development/ichiran.html"

#: OpenStreetMap's copyright page, which its credit must link to.
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"

GSI_CREDIT = f'<a href="{GSI_TILE_LIST_URL}" target="_blank">地理院タイル</a>'
OSM_CREDIT = (
    f'&copy; <a href="{OSM_COPYRIGHT_URL}" target="_blank">'
    "OpenStreetMap</a> contributors"
)


@dataclass(frozen=True)
class BaseMap:
    """One background: tile URL template (``{z}/{x}/{y}``), credit, zoom range."""

    base_id: str
    name_ja: str
    url: str | None
    attribution: str
    max_zoom: int = 18


#: The choices, in the order the page lists them; the first is the default.
BASE_MAPS: dict[str, BaseMap] = {
    base.base_id: base
    for base in (
        BaseMap(
            "gsi_std",
            "地理院地図（標準）",
            "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
            GSI_CREDIT,
        ),
        BaseMap(
            "gsi_pale",
            "地理院地図（淡色）",
            "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
            GSI_CREDIT,
        ),
        BaseMap(
            "gsi_photo",
            "航空写真（地理院）",
            "https://cyberjapandata.gsi.go.jp/xyz/seamlessphoto/{z}/{x}/{y}.jpg",
            GSI_CREDIT,
        ),
        BaseMap(
            "osm",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            OSM_CREDIT,
            max_zoom=19,
        ),
        BaseMap("none", "背景地図なし", None, ""),
    )
}

DEFAULT_BASE_MAP = next(iter(BASE_MAPS))


def tile_templates() -> list[str]:
    """Every tile URL template (allowed in offline HTML: fetched only if online)."""
    return [base.url for base in BASE_MAPS.values() if base.url]


def credit_links() -> list[str]:
    """Every credit link URL (allowed in offline HTML: only followed on click)."""
    return [GSI_TILE_LIST_URL, OSM_COPYRIGHT_URL]


def add_base_map(fmap: folium.Map, base_id: str) -> None:
    """Add the tile layer ``base_id`` to ``fmap`` (no tiles for ``none``).

    The map's own zoom limit is set to the base map's in every case: without
    a tile layer Leaflet has none, and marker clustering then fails to start.
    """
    if base_id not in BASE_MAPS:
        raise ValueError(
            f"unknown base map {base_id!r}; expected one of {', '.join(BASE_MAPS)}"
        )
    base = BASE_MAPS[base_id]
    fmap.options["max_zoom"] = base.max_zoom
    if base.url is None:
        return

    folium.TileLayer(
        tiles=base.url,
        attr=base.attribution,
        name=base.name_ja,
        max_zoom=base.max_zoom,
        max_native_zoom=min(base.max_zoom, 18),
        control=False,
    ).add_to(fmap)

"""folium maps of the explorer: base maps, indicator layer, legend, facilities."""

from kitaku_maps.maps.builder import MapView, build_map, standalone_html
from kitaku_maps.maps.facilities import SHELTER_KINDS, ShelterFilter
from kitaku_maps.maps.geometry import WebGeometry, web_geometry

__all__ = [
    "SHELTER_KINDS",
    "MapView",
    "ShelterFilter",
    "WebGeometry",
    "build_map",
    "standalone_html",
    "web_geometry",
]

"""folium maps: base maps, indicator layer, legend, facility layers, offline assets.

Pages build maps through this package so every map loads Leaflet from the
installed packages (never a CDN) and escapes data the same way:

- ``build_map(bundle, web_geometry(bundle), MapView(...))``: the explorer's map;
- ``new_map(assets)``: an empty map with offline Leaflet and our CSS, to which
  other pages add ``add_base_map(fmap, base_id)`` and
  ``add_facilities(fmap, facility_points(bundle, categories, ShelterFilter()),
  assets)`` (symbols from ``categories.csv``, escaped popups, clustering);
- ``standalone_html(fmap)``: one offline HTML file (build with ``assets="inline"``).
"""

from kitaku_maps.maps.basemaps import BASE_MAPS, DEFAULT_BASE_MAP, add_base_map
from kitaku_maps.maps.builder import (
    MapView,
    add_facilities,
    build_map,
    new_map,
    standalone_html,
)
from kitaku_maps.maps.facilities import (
    SHELTER_KINDS,
    FacilityPoints,
    ShelterFilter,
    facility_points,
    popup_html,
)
from kitaku_maps.maps.geometry import WebGeometry, web_geometry
from kitaku_maps.maps.symbols import symbol_svg

__all__ = [
    "BASE_MAPS",
    "DEFAULT_BASE_MAP",
    "SHELTER_KINDS",
    "FacilityPoints",
    "MapView",
    "ShelterFilter",
    "WebGeometry",
    "add_base_map",
    "add_facilities",
    "build_map",
    "facility_points",
    "new_map",
    "popup_html",
    "standalone_html",
    "symbol_svg",
    "web_geometry",
]

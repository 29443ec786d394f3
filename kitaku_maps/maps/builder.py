"""Build the explorer's folium map from a view: indicator, year, layers, base.

``build_map`` is the one entry point the page, the command line and the bench
share; ``standalone_html`` turns its result into a file that works offline.
"""

from __future__ import annotations

import functools
import html
import logging
from dataclasses import dataclass, field

import folium

from kitaku_maps import offline, settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.maps import elements
from kitaku_maps.maps.basemaps import DEFAULT_BASE_MAP, add_base_map
from kitaku_maps.maps.choropleth import (
    IndicatorLayer,
    areas_of,
    features_json,
    indicator_layer,
    missing_color,
)
from kitaku_maps.maps.elements import script_json
from kitaku_maps.maps.facilities import FacilityPoints, ShelterFilter, facility_points
from kitaku_maps.maps.geometry import WebGeometry
from kitaku_maps.maps.legend import honesty_note, legend_html, tooltip_parts
from kitaku_maps.maps.symbols import symbol_svg

logger = logging.getLogger(__name__)

#: Areas above which names are not drawn on the map (they would overlap).
MAX_LABELS = 200

#: Pixels kept around the areas when the map opens fitted to them.
FIT_PADDING = (6, 6)

#: Zoom step of fitting and pinching: a quarter level fits the ward tightly.
ZOOM_SNAP = 0.25

#: Zoom limit of a map before a base map sets its own (clustering needs one).
MAX_ZOOM = 18


@dataclass(frozen=True)
class MapView:
    """What the map shows; every field can be written into a URL.

    ``change_from`` switches to the change view (``change_from`` to
    ``fiscal_year``); ``scheme`` ``None`` means the indicator's default.
    """

    indicator_id: str
    fiscal_year: int
    scheme: str | None = None
    change_from: int | None = None
    layers: tuple[str, ...] = ()
    shelters: ShelterFilter = field(default_factory=ShelterFilter)
    base_map: str = DEFAULT_BASE_MAP


def build_map(
    bundle: Bundle,
    geometry: WebGeometry,
    view: MapView,
    layer: IndicatorLayer | None = None,
    facilities: list[FacilityPoints] | None = None,
    assets: str = "served",
    selected: str | None = None,
) -> folium.Map:
    """The folium map of ``view``; ``assets`` is ``served`` (app) or ``inline``.

    ``layer`` and ``facilities`` may be passed when the caller already computed
    (and cached) them for this view. ``selected`` (an area code) is drawn with
    a thick outline; the app passes it to ``st_folium`` as
    ``selection_layer(...)`` instead, so a new choice does not redraw the map.
    """
    layer = layer or indicator_layer(
        bundle, view.indicator_id, view.fiscal_year, view.scheme, view.change_from
    )
    areas = areas_of(layer, geometry)

    fmap = new_map(assets)
    add_base_map(fmap, view.base_map)
    choropleth = add_indicator(fmap, layer, bundle, geometry)
    add_outline_and_labels(fmap, layer, geometry, choropleth)
    if facilities is None:
        facilities = facility_points(bundle, view.layers, view.shelters)
    add_facilities(fmap, facilities, assets)
    elements.Legend(legend_html(layer, bundle)).add_to(fmap)
    group = selection_layer(layer, geometry, selected)
    if group is not None:
        group.add_to(fmap)

    elements.FitAreas(areas.bounds, FIT_PADDING).add_to(fmap)
    logger.debug("built map of %s for %d", view.indicator_id, view.fiscal_year)
    return fmap


def new_map(assets: str) -> folium.Map:
    """An empty map loading Leaflet from the installed package, not a CDN."""
    if assets == "served":
        vendor_ready()
    fmap = folium.Map(
        tiles=None, control_scale=True, zoom_control=True, zoom_snap=ZOOM_SNAP
    )
    fmap.options["max_zoom"] = MAX_ZOOM
    fmap.default_js = _links(offline.LEAFLET_JS, assets)
    fmap.default_css = _links(offline.LEAFLET_CSS, assets)
    elements.add_map_css(fmap)
    elements.DefaultIcon(offline.default_icon_urls(assets)).add_to(fmap)
    return fmap


def add_indicator(
    fmap: folium.Map, layer: IndicatorLayer, bundle: Bundle, geometry: WebGeometry
) -> elements.Choropleth:
    """The areas filled by class; the home ward is outlined on a ward map.

    A demo or approximate-boundary note joins the map's credits line.
    """
    areas = areas_of(layer, geometry)
    highlight = str(bundle.meta["ward_code"]) if layer.level == "ward" else None
    choropleth = elements.Choropleth(
        features_json(layer, areas, highlight),
        layer.colors,
        missing_color(),
        tooltip_parts(layer, bundle),
        attribution=honesty_note(layer, bundle),
    )
    choropleth.add_to(fmap)
    return choropleth


def add_outline_and_labels(
    fmap: folium.Map,
    layer: IndicatorLayer,
    geometry: WebGeometry,
    choropleth: elements.Choropleth,
) -> None:
    """The ward outline on top, and area names readable without tiles."""
    areas = areas_of(layer, geometry)
    if layer.level != "ward":
        derive = choropleth.get_name() if geometry.districts_cover_outline else None
        elements.Outline(geometry.outline_json, derive).add_to(fmap)
    if len(areas.labels) <= MAX_LABELS:
        elements.Labels(areas.labels).add_to(fmap)


def add_facilities(
    fmap: folium.Map, facilities: list[FacilityPoints], assets: str
) -> None:
    """One layer per facility category, clustered where dense."""
    for points in facilities:
        if points.count == 0:
            continue
        element = elements.FacilityLayer(
            points.geojson,
            symbol_svg(points.symbol, points.color),
            cluster=points.cluster,
            name=f"facilities_{points.category_id}",
        )
        if points.cluster:
            element.default_js = _links(offline.CLUSTER_JS, assets)
            element.default_css = _links(offline.CLUSTER_CSS, assets)
        element.add_to(fmap)


def selection_layer(
    layer: IndicatorLayer, geometry: WebGeometry, code: str | None
) -> folium.FeatureGroup | None:
    """The chosen area's thick outline as a layer (``None`` if none or unknown)."""
    areas = areas_of(layer, geometry)
    if code is None or str(code) not in areas.codes:
        return None
    feature = (
        '{"type":"Feature","properties":{"selected":'
        + script_json(html.escape(str(code)))
        + '},"geometry":'
        + areas.geometry_json[str(code)]
        + "}"
    )
    group = folium.FeatureGroup(name="selected", control=False)
    elements.Selection(feature).add_to(group)
    return group


@functools.cache
def vendor_ready() -> None:
    """Copy Leaflet into the app's static folder once per process."""
    offline.ensure_vendor_assets(settings.STATIC_DIR)


def standalone_html(fmap: folium.Map) -> str:
    """The map as one HTML document with Leaflet inlined (built with ``inline``)."""
    return offline.inline_vendor(fmap.get_root().render())


def _links(assets, mode: str) -> list[tuple[str, str]]:
    """folium links of vendored files, served by the app or to be inlined."""
    if mode == "served":
        return offline.served_links(assets)
    if mode == "inline":
        return offline.inline_links(assets)
    raise ValueError(f"unknown assets mode {mode!r}; expected 'served' or 'inline'")

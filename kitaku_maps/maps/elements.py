"""folium elements written for our maps: one class per Leaflet concept.

Each element ships its data as one JSON blob and does the per-feature work in
a few lines of JavaScript, so a map of thousands of areas stays one Leaflet
layer with one tooltip binding. Every text inside the JSON was escaped with
``html.escape`` by the caller; ``embed_json`` also escapes ``</`` so the JSON
cannot close the surrounding ``<script>``.
"""

from __future__ import annotations

import json

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

#: CSS shared by our elements (labels, legend, symbols, popups).
MAP_CSS = """
.kitaku-label{background:none;border:none;white-space:nowrap;font-size:12px;
 font-weight:bold;color:#222;text-align:center;pointer-events:none;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.kitaku-label span{position:relative;left:-50%;top:-0.7em}
.kitaku-legend{background:rgba(255,255,255,.92);padding:6px 8px;font-size:12px;
 line-height:1.35;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 max-width:230px}
.kitaku-legend .t{font-weight:bold;margin-bottom:3px;cursor:pointer}
.kitaku-legend i{display:inline-block;width:14px;height:12px;margin-right:5px;
 vertical-align:-2px;border:1px solid #777}
.kitaku-legend i.m{background:repeating-linear-gradient(45deg,#bdbdbd 0 3px,
 #fff 3px 5px)}
.kitaku-legend .n{color:#555}
.kitaku-note{color:#7a4a00;font-weight:bold}
.kitaku-missing{fill:url(#kitaku-hatch)}
.kitaku-symbol{background:none;border:none}
.kitaku-popup img{max-width:220px;max-height:160px;display:block;margin-top:4px}
.kitaku-popup .s{color:#555;font-size:11px}
@media (max-width:480px){.kitaku-legend{font-size:10px;max-width:160px;padding:4px 6px}
 .kitaku-label{font-size:10px}
 .leaflet-container .leaflet-control-attribution{font-size:10px}
 .leaflet-tooltip{white-space:normal;width:max-content;max-width:150px}}
"""


def script_json(value) -> str:
    """``value`` as JSON safe to embed in a ``<script>`` element."""
    return embed_json(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def embed_json(text: str) -> str:
    """Already serialised JSON made safe to embed in a ``<script>`` element."""
    return text.replace("</", "<\\/")


def add_map_css(fmap: folium.Map) -> None:
    """Add the CSS of our elements to the page header, once."""
    fmap.get_root().header.add_child(
        Element(f"<style>{MAP_CSS}</style>"), name="kitaku_css"
    )


class DefaultIcon(MacroElement):
    """Leaflet's default marker pointed at full image URLs (served or data URIs).

    ``urls`` maps ``L.Icon.Default`` options (``iconUrl``...) to URLs; the
    image path is emptied so Leaflet does not guess a folder.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = "";
L.Icon.Default.mergeOptions({{ this.urls }});
{% endmacro %}
"""
    )

    def __init__(self, urls: dict[str, str]):
        """Keep the URLs for the template."""
        super().__init__()
        self._name = "default_icon"
        self.urls = script_json(urls)


class Choropleth(MacroElement):
    """Areas filled by class, with a tooltip built from short properties.

    Each feature's properties: ``code``, ``name`` and ``label`` (escaped
    HTML), ``rank`` (text), ``cls`` (class index, -1 = missing) and ``hl``
    (1 = drawn with a thick outline, e.g. the home ward). ``tip["footer"]``
    is the escaped HTML shown under every tooltip; ``attribution`` (escaped
    HTML) joins the map's credits line while the areas are shown.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var colors = {{ this.colors }}, missing = {{ this.missing }};
  var tip = {{ this.tip }};
  var group = L.geoJSON({{ this.data }}, {
    attribution: {{ this.attribution }},
    style: function (f) {
      var p = f.properties, c = p.cls;
      return {fillColor: c < 0 ? missing : colors[c],
              fillOpacity: c < 0 ? 0.8 : 0.72,
              color: p.hl ? "#000" : "#555", weight: p.hl ? 3.5 : 1,
              dashArray: c < 0 ? "4 3" : null,
              className: c < 0 ? "kitaku-missing" : ""};
    }
  });
  if (!document.getElementById("kitaku-hatch")) {
    var defs = document.createElement("div");
    defs.innerHTML = '<svg width="0" height="0" style="position:absolute">' +
      '<defs><pattern id="kitaku-hatch" width="6" height="6" ' +
      'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#fff"/>' +
      '<rect width="3" height="6" fill="#bdbdbd"/></pattern></defs></svg>';
    document.body.appendChild(defs.firstChild);
  }
  group.bindTooltip(function (layer) {
    var p = layer.feature.properties;
    return "<b>" + p.name + "</b><br>" + tip.title + ": " + p.label +
      (p.rank ? "<br>" + tip.rank + ": " + p.rank : "") + tip.footer;
  }, {sticky: true});
  var chosen = null;
  group.on("click", function (e) {
    if (chosen) { group.resetStyle(chosen); }
    chosen = e.layer;
    chosen.setStyle({weight: 4, color: "#1a1a1a"});
    chosen.bringToFront();
  });
  {{ this._parent.get_name() }}.on("kitaku:selected", function () {
    if (chosen) { group.resetStyle(chosen); chosen = null; }
  });
  return group.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: str,
        colors,
        missing: str,
        tip: dict,
        attribution: str = "",
        name: str = "areas",
    ):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = name
        self.data = embed_json(data)
        self.attribution = script_json(attribution)
        self.colors = script_json(list(colors))
        self.missing = script_json(missing)
        self.tip = script_json(tip)


class Selection(MacroElement):
    """The chosen area's outline drawn thick on top of the areas; not clickable.

    ``data`` is a GeoJSON feature (EPSG:4326, lon/lat). When added to the map
    it fires ``kitaku:selected``, so the outline a click drew on the
    Choropleth gives way to this one and a single area stays marked.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {interactive: false,
  style: {color: "#000", weight: 5, opacity: 1, fill: false,
          className: "kitaku-selected"}})
  .on("add", function () { this._map.fire("kitaku:selected"); })
  .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, data: str):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = "selected_area"
        self.data = embed_json(data)


class Outline(MacroElement):
    """The ward outline drawn on top of the areas; not clickable.

    ``data`` (GeoJSON) is drawn as given, unless ``derive_from`` names a
    Choropleth: then the outline is derived in the browser from its areas
    (the edges that belong to exactly one area, i.e. the outer edges of a
    coverage) and ``data`` is not sent at all.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var style = {color: "#111", weight: 3, fill: false, opacity: 0.9,
               interactive: false};
  {% if not this.derive_from %}
  return L.geoJSON({{ this.data }}, {interactive: false, style: style})
    .addTo({{ this._parent.get_name() }});
  {% else %}
  var seen = {};
  function rings(latlngs) {
    return L.LineUtil.isFlat(latlngs) ? [latlngs] : [].concat.apply([],
      latlngs.map(rings));
  }
  function key(p) { return p.lat.toFixed(6) + "," + p.lng.toFixed(6); }
  {{ this.derive_from }}.eachLayer(function (layer) {
    rings(layer.getLatLngs()).forEach(function (ring) {
      for (var i = 0; i < ring.length; i++) {
        var a = ring[i], b = ring[(i + 1) % ring.length];
        var ka = key(a), kb = key(b), k = ka < kb ? ka + "|" + kb : kb + "|" + ka;
        seen[k] = seen[k] ? null : [a, b];
      }
    });
  });
  var edges = Object.keys(seen).map(function (k) { return seen[k]; })
    .filter(Boolean);
  return L.polyline(edges, style).addTo({{ this._parent.get_name() }});
  {% endif %}
})();
{% endmacro %}
"""
    )

    def __init__(self, data: str, derive_from: str | None = None):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = "outline"
        self.derive_from = derive_from
        self.data = "" if derive_from else embed_json(data)


class Labels(MacroElement):
    """Text labels at points, readable without background tiles.

    ``points`` are ``[lat, lon, escaped_text]`` (folium order).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.layerGroup(
  {{ this.points }}.map(function (p) {
    return L.marker([p[0], p[1]], {interactive: false, keyboard: false,
      icon: L.divIcon({className: "kitaku-label", iconSize: null,
                       html: "<span>" + p[2] + "</span>"})});
  })
).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, points: list[list]):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = "labels"
        self.points = script_json(points)


class Legend(MacroElement):
    """A legend box in a map corner; ``html`` was built from escaped text.

    The top right corner is the emptiest over the ward; a ``<details>`` box
    in ``html`` lets a phone user fold the legend away by its title.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: {{ this.position }}});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create("div", "kitaku-legend");
  div.innerHTML = {{ this.html }};
  L.DomEvent.disableClickPropagation(div);
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, html: str, position: str = "topright"):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = "legend"
        self.html = script_json(html)
        self.position = script_json(position)


#: Zoom levels a map may lose to keep its areas clear of the legend.
FIT_ZOOM_LOSS = 0.5


class FitAreas(MacroElement):
    """Open the map fitted to ``bounds``, beside the legend when that is cheap.

    ``bounds`` is ``[[south, west], [north, east]]`` in degrees. When moving
    the areas left of the top-right legend costs at most ``zoom_loss`` zoom
    levels, the map does so and the legend hides nothing; otherwise (a phone,
    say) it fits as usual with ``padding`` pixels around the areas. Add it
    after the :class:`Legend`.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, bounds, pad) {
  var legend = map.getContainer().querySelector(".kitaku-legend");
  var width = legend ? legend.offsetWidth : 0;
  var beside = [width + 2 * pad[0], 2 * pad[1]];
  var zoomBeside = map.getBoundsZoom(bounds, false, L.point(beside));
  var zoom = map.getBoundsZoom(bounds, false, L.point(2 * pad[0], 2 * pad[1]));
  if (width && zoomBeside + {{ this.zoom_loss }} >= zoom) {
    map.fitBounds(bounds, {paddingTopLeft: pad,
                           paddingBottomRight: [width + pad[0], pad[1]]});
  } else {
    map.fitBounds(bounds, {padding: pad});
  }
})({{ this._parent.get_name() }}, {{ this.bounds }}, {{ this.padding }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        bounds: list[list[float]],
        padding: tuple[int, int],
        zoom_loss: float = FIT_ZOOM_LOSS,
    ):
        """Keep the bounds (degrees), padding (pixels) and zoom levels allowed."""
        super().__init__()
        self._name = "fit_areas"
        self.bounds = script_json(bounds)
        self.padding = script_json(list(padding))
        self.zoom_loss = script_json(float(zoom_loss))


class FacilityLayer(JSCSSMixin, MacroElement):
    """Points of one category drawn as an inline-SVG symbol, with popups.

    Each feature carries ``p``, its escaped popup HTML. With ``cluster`` the
    points are grouped by Leaflet.markercluster where they are dense.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var icon = L.divIcon({className: "kitaku-symbol", html: {{ this.svg }},
                        iconSize: [18, 18], iconAnchor: [9, 9],
                        popupAnchor: [0, -8]});
  var points = L.geoJSON({{ this.data }}, {
    pointToLayer: function (f, latlng) {
      return L.marker(latlng, {icon: icon, alt: ""})
        .bindPopup(f.properties.p, {maxWidth: 260});
    }
  });
  {% if this.cluster %}
  var group = L.markerClusterGroup({maxClusterRadius: 40,
    disableClusteringAtZoom: 16, showCoverageOnHover: false});
  group.addLayer(points);
  {% else %}
  var group = points;
  {% endif %}
  return group.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, data: str, svg: str, cluster: bool, name: str):
        """Keep the data for the template (already escaped JSON)."""
        super().__init__()
        self._name = name
        self.data = embed_json(data)
        self.svg = script_json(svg)
        self.cluster = cluster
        self.default_js = []
        self.default_css = []

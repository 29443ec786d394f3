"""The map explorer in Chromium with the internet blocked (streamlit run)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kitaku_maps import karte
from kitaku_maps.cli import main
from kitaku_maps.maps import MapView, build_map, standalone_html, web_geometry
from kitaku_maps.maps.state import default_indicator, indicators_of, years_of
from tests.browser_support import OfflinePage, map_frame, only_allowed
from tests.map_fixture import EVIL_NAME, make_bundle

pytestmark = pytest.mark.browser

#: What a standalone map file may load: itself and its inline data.
FILE_URLS = ("file:", "data:")


#: The first facility symbol whose centre is not covered by anything else.
FREE_SYMBOL = """() => {
  const symbols = [...document.querySelectorAll(".leaflet-marker-icon.kitaku-symbol")];
  return symbols.findIndex((icon) => {
    const box = icon.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    return x > 0 && y > 0 && x < innerWidth && y < innerHeight &&
      icon.contains(document.elementFromPoint(x, y));
  });
}"""

#: Boxes of the map, of all drawn areas together, of the legend and of the names.
LAYOUT = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  const areas = [...document.querySelectorAll("path.leaflet-interactive")].map(box);
  return {
    map: box(document.querySelector(".leaflet-container")),
    areas: [Math.min(...areas.map((a) => a[0])), Math.min(...areas.map((a) => a[1])),
            Math.max(...areas.map((a) => a[2])), Math.max(...areas.map((a) => a[3]))],
    legend: box(document.querySelector(".kitaku-legend")),
    names: [...document.querySelectorAll(".kitaku-label span")].map(box),
  };
}"""


#: Whether leaflet.css applies yet (before, controls flow below the map).
LEAFLET_STYLED = """() => {
  const pane = document.querySelector(".leaflet-map-pane");
  return pane !== null && getComputedStyle(pane).position === "absolute";
}"""


def overlaps(a: list[float], b: list[float]) -> bool:
    """Whether two [left, top, right, bottom] boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_nothing_needed_came_from_outside(blocked: list[str]) -> None:
    """Only background tiles may have been refused: no script, style or font."""
    needed = [u for u in blocked if re.search(r"\.(js|css|woff2?|ttf)(\?|$)", u)]
    assert not needed, needed


def test_districts_legend_and_click_with_internet_blocked(streamlit_url, offline_page):
    view = offline_page(f"{streamlit_url}/")
    frame = map_frame(view.page)

    assert frame.locator("path.leaflet-interactive").count() == 21
    legend = frame.locator(".kitaku-legend")
    assert legend.is_visible()
    assert "データなし" in legend.inner_text()
    assert "高齢化率" in legend.inner_text()
    assert frame.locator(".kitaku-label").count() == 21
    assert_nothing_needed_came_from_outside(view.blocked)
    assert not view.errors, view.errors

    frame.locator("path.leaflet-interactive").nth(3).dispatch_event("click")
    metric = view.page.get_by_test_id("stMetricValue")
    metric.first.wait_for(timeout=60_000)
    assert "%" in metric.first.inner_text()
    view.page.wait_for_url(re.compile(r"district=D\d\d"), timeout=30_000)
    frame.wait_for_function(
        "document.querySelectorAll('path.kitaku-selected').length === 1",
        timeout=30_000,
    )


def test_phone_viewport_has_no_horizontal_scrolling(streamlit_url, offline_page):
    view = offline_page(f"{streamlit_url}/", width=390, height=844)
    frame = map_frame(view.page)

    assert frame.locator("path.leaflet-interactive").count() == 21
    widths = view.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], widths
    frame.wait_for_function(
        "document.documentElement.scrollWidth <= window.innerWidth", timeout=30_000
    )


def test_facility_symbol_opens_a_popup_with_name_address_and_source(
    streamlit_url, offline_page, bundle
):
    view = offline_page(f"{streamlit_url}/?layers=shelter")
    frame = map_frame(view.page)
    for _ in range(2):
        frame.locator(".leaflet-control-zoom-in").dispatch_event("click")
        frame.wait_for_function("!document.querySelector('.leaflet-zoom-anim')")

    frame.wait_for_function(f"({FREE_SYMBOL})() >= 0", timeout=30_000)
    # A DOM click on the symbol itself: a rerun may shift the page under a
    # mouse click aimed at the iframe, which then lands on a widget above it.
    frame.locator(".leaflet-marker-icon.kitaku-symbol").nth(
        frame.evaluate(FREE_SYMBOL)
    ).dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)

    name = popup.locator("b").first.inner_text()
    shelters = bundle.facilities[bundle.facilities["category_id"] == "shelter"]
    facility = shelters[shelters["name_ja"] == name].iloc[0]
    source = bundle.sources.set_index("source_id").loc[facility["source_id"]]
    credit = source["credit_ja"] if isinstance(source["credit_ja"], str) else ""
    text = popup.inner_text()
    assert facility["address_ja"] in text
    assert f"出典: {credit or source['title_ja']}・{facility['as_of']}時点" in text
    assert not view.errors, view.errors


@pytest.mark.parametrize("width", [1280, 390])
def test_map_opens_fitted_to_the_ward_with_every_name_clear_of_the_legend(
    streamlit_url, offline_page, width
):
    view = offline_page(f"{streamlit_url}/", width=width, height=844)
    frame = map_frame(view.page)
    frame.locator(".kitaku-legend").wait_for()
    frame.wait_for_function(LEAFLET_STYLED, timeout=30_000)
    layout = frame.evaluate(LAYOUT)

    map_box, areas = layout["map"], layout["areas"]
    filled = max(
        (areas[2] - areas[0]) / (map_box[2] - map_box[0]),
        (areas[3] - areas[1]) / (map_box[3] - map_box[1]),
    )
    assert filled >= 0.8, layout
    assert len(layout["names"]) == 21
    hidden = [n for n in layout["names"] if overlaps(n, layout["legend"])]
    assert not hidden, layout


def test_map_without_background_still_draws_shelters_and_legend(
    streamlit_url, offline_page
):
    view = offline_page(f"{streamlit_url}/?base=none&layers=shelter")
    frame = map_frame(view.page)

    frame.locator(".kitaku-legend").wait_for(timeout=30_000)
    frame.locator(".marker-cluster, .kitaku-symbol").first.wait_for(timeout=30_000)
    assert frame.locator(".leaflet-tile").count() == 0
    credits = frame.locator(".leaflet-control-attribution").inner_text()
    assert "デモの数値" in credits
    assert not view.errors, view.errors


#: Boxes [left, top, right, bottom] of the map and of the open tooltip.
TOOLTIP_BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  return {map: box(document.querySelector(".leaflet-container")),
          tip: box(document.querySelector(".leaflet-tooltip"))};
}"""


def test_phone_tooltip_stays_inside_the_map(streamlit_url, offline_page):
    view = offline_page(f"{streamlit_url}/?layers=", width=390, height=844)
    frame = map_frame(view.page)
    frame.wait_for_function(LEAFLET_STYLED, timeout=30_000)
    paths = frame.locator("path.leaflet-interactive")

    for index in range(paths.count()):
        paths.nth(index).hover(force=True)
        frame.locator(".leaflet-tooltip").wait_for(timeout=10_000)
        boxes = frame.evaluate(TOOLTIP_BOXES)
        map_box, tip = boxes["map"], boxes["tip"]
        assert map_box[0] <= tip[0] and tip[2] <= map_box[2], (index, boxes)


def other_district_indicator(bundle) -> tuple[str, int]:
    """A district-level indicator other than the default, and its earliest year."""
    rows = indicators_of(bundle, None, ("district",))
    default = default_indicator(bundle)
    for indicator_id in rows["indicator_id"]:
        years = years_of(bundle, indicator_id)
        if indicator_id != default and len(years) > 1:
            return str(indicator_id), years[0]
    raise AssertionError("the default bundle has a single district indicator")


def test_the_old_map_address_opens_the_same_view_at_the_root(
    streamlit_url, offline_page, bundle
):
    indicator_id, year = other_district_indicator(bundle)
    code = str(bundle.districts["district_code"].iloc[4])
    query = f"indicator={indicator_id}&year={year}&scheme=quantiles&base=none"
    view = offline_page(f"{streamlit_url}/map?{query}&layers=school&district={code}")
    frame = map_frame(view.page)

    view.page.wait_for_url(re.compile(rf"/\?.*indicator={indicator_id}"))
    assert urlparse(view.page.url).path == "/"
    assert f"district={code}" in view.page.url
    name = karte.indicator_info(bundle, indicator_id)["name_ja"]
    legend = frame.locator(".kitaku-legend")
    legend.wait_for()
    assert f"{name}（{year}年度）" in legend.inner_text()
    assert frame.locator(".leaflet-tile").count() == 0
    view.page.get_by_test_id("stMetricValue").first.wait_for()
    assert "Page not found" not in view.page.inner_text("body")


def refuse_dialog(dialog, errors: list[str]) -> None:
    """Record a dialog the page opened (an escaped script never opens one)."""
    errors.append(f"dialog: {dialog.message}")
    dialog.dismiss()


def open_offline_file(chromium, path: Path) -> OfflinePage:
    """Open a local HTML file with every request but file and data URLs refused."""
    context = chromium.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    view = OfflinePage(page)
    page.route("**/*", only_allowed(view, lambda url: url.startswith(FILE_URLS)))
    page.on("pageerror", lambda error: view.errors.append(str(error)))
    page.on("dialog", lambda dialog: refuse_dialog(dialog, view.errors))
    page.goto(path.as_uri())
    page.locator(".kitaku-legend").wait_for()
    return view


def test_cli_file_draws_districts_legend_names_and_symbols_offline(
    chromium, bundle, tmp_path
):
    out = tmp_path / "map.html"
    code = str(bundle.districts["district_code"].iloc[0])
    args = ["map", "--layers", "shelter,school", "--district", code, "--out", str(out)]
    assert main(args) == 0
    view = open_offline_file(chromium, out)
    page = view.page

    assert page.locator("path.leaflet-interactive").count() == len(bundle.districts)
    assert page.locator(".kitaku-label").count() == len(bundle.districts)
    assert page.locator("path.kitaku-selected").count() == 1
    assert "単位" in page.locator(".kitaku-legend").inner_text()
    assert page.locator(".kitaku-symbol, .marker-cluster").count() > 0
    assert "地理院タイル" in page.locator(".leaflet-control-attribution").inner_text()
    assert_nothing_needed_came_from_outside(view.blocked)
    assert not view.errors, view.errors
    page.context.close()


def test_file_hatches_missing_districts_and_shows_a_script_name_as_text(
    chromium, tmp_path
):
    bundle = make_bundle()
    bundle = replace(bundle, facilities=bundle.facilities.iloc[:5])
    view = MapView("aging_rate", 2024, layers=("shelter",))
    out = tmp_path / "map.html"
    fmap = build_map(bundle, web_geometry(bundle), view, assets="inline")
    html = standalone_html(fmap)
    out.write_text(html, encoding="utf-8")
    view = open_offline_file(chromium, out)
    page = view.page

    missing = page.locator("path.kitaku-missing")
    assert missing.count() == 1
    fill = missing.evaluate("(path) => getComputedStyle(path).fill")
    assert "kitaku-hatch" in fill
    assert "データなし (1)" in page.locator(".kitaku-legend").inner_text()

    symbols = page.locator(".kitaku-symbol")
    texts = []
    for index in range(symbols.count()):
        symbols.nth(index).click(force=True)
        texts.append(page.locator(".leaflet-popup-content").last.inner_text())
    assert any(EVIL_NAME in text for text in texts), texts
    assert page.locator(".leaflet-popup-content script").count() == 0
    assert not view.errors, view.errors
    page.context.close()


#: Whether no part of an element cuts its text short (with an ellipsis).
WHOLE_TEXT_SHOWN = """(element) => [element, ...element.querySelectorAll("*")]
  .every((e) => e.scrollWidth <= e.clientWidth + 1)"""


def test_phone_with_panel_change_view_and_options_open_has_no_horizontal_scroll(
    streamlit_url, offline_page, bundle
):
    indicator_id, year = other_district_indicator(bundle)
    code = str(bundle.districts["district_code"].iloc[4])
    url = f"{streamlit_url}/?indicator={indicator_id}&from={year}&district={code}"
    view = offline_page(url, width=390, height=844)
    map_frame(view.page)
    view.page.get_by_test_id("stMetricValue").first.wait_for()
    view.page.get_by_test_id("stExpander").first.locator("summary").click()
    view.page.get_by_text("色分けの方法").wait_for()

    widths = view.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], widths
    metric = view.page.get_by_test_id("stMetricValue").first
    assert metric.evaluate(WHOLE_TEXT_SHOWN), metric.inner_text()


def test_ward_map_on_a_desktop_keeps_every_ward_clear_of_the_legend(
    streamlit_url, offline_page, bundle
):
    ward_level = bundle.indicators[bundle.indicators["level"] == "ward"]
    indicator = ward_level["indicator_id"].iloc[0]
    view = offline_page(f"{streamlit_url}/?indicator={indicator}&layers=", width=1280)
    frame = map_frame(view.page)
    frame.locator(".kitaku-legend").wait_for()
    frame.wait_for_function(LEAFLET_STYLED, timeout=30_000)
    layout = frame.evaluate(LAYOUT)

    assert len(layout["names"]) == len(bundle.wards)
    assert not overlaps(layout["areas"], layout["legend"]), layout

"""The map explorer in Chromium with the internet blocked (streamlit run)."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import map_frame

pytestmark = pytest.mark.browser


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

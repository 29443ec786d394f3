"""Open a district chart from the map explorer in Chromium, internet blocked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kitaku_maps import karte
from tests.browser_support import map_frame

pytestmark = pytest.mark.browser

#: Milliseconds to wait for a page's content after navigation.
PAGE_TIMEOUT_MS = 90_000


def test_map_click_then_side_panel_link_opens_the_district_chart(
    streamlit_url, offline_page, bundle
):
    view = offline_page(f"{streamlit_url}/")
    page = view.page
    frame = map_frame(page)

    frame.locator("path.leaflet-interactive").nth(4).dispatch_event("click")
    page.wait_for_url(re.compile(r"district=D\d\d"), timeout=PAGE_TIMEOUT_MS)
    code = re.search(r"district=(D\d\d)", page.url).group(1)
    name = bundle.districts.set_index("district_code").loc[code, "name_ja"]
    link = page.get_by_role("link", name=re.compile("カルテを見る"))
    link.first.wait_for(timeout=PAGE_TIMEOUT_MS)

    link.first.click()
    page.wait_for_url(
        re.compile(rf"/district\?(.*&)?district={code}"), timeout=PAGE_TIMEOUT_MS
    )
    heading = page.get_by_role(
        "heading", name=f"{name}{bundle.meta['district_term_ja']}カルテ"
    )
    heading.first.wait_for(timeout=PAGE_TIMEOUT_MS)

    first_sentence = karte.district_profile(bundle, code)["sentence"].iloc[0]
    page.get_by_text(first_sentence).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("7つの重点目標のスコアカード").first).to_be_visible()
    assert not [u for u in view.blocked if re.search(r"\.(js|css|woff2?)(\?|$)", u)]
    assert not view.errors, view.errors


def test_district_chart_by_url_shows_that_district(streamlit_url, offline_page, bundle):
    code = bundle.districts["district_code"].iloc[-1]
    name = bundle.districts["name_ja"].iloc[-1]
    view = offline_page(f"{streamlit_url}/district?district={code}")

    title = f"{name}{bundle.meta['district_term_ja']}カルテ"
    view.page.get_by_role("heading", name=title).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    expect(view.page.get_by_text("デモ用の仮の数値").first).to_be_visible()

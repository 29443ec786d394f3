"""The nearest-shelter page in Chromium with the internet blocked, at phone width."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from kitaku_maps.nearest import FacilityFinder
from tests.browser_support import map_frame
from tests.nearest_support import pdf_text

#: A phone's viewport (CSS pixels).
PHONE = {"width": 390, "height": 844}

#: Smallest comfortable tap target, CSS pixels.
MIN_TAP_PX = 40


def leaflet_frame(page, timeout_s: float = 120.0):
    """The frame of the folium map once Leaflet has set it up (paths or not)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames[1:]:
            try:
                if frame.locator(".leaflet-container .leaflet-control-zoom").count():
                    return frame
            except PlaywrightError:
                continue  # detached by a rerun
        page.wait_for_timeout(200)
    urls = [frame.url for frame in page.frames]
    raise AssertionError(f"no Leaflet map appeared in any frame: {urls}")


def drawn_answers(page, count: int, timeout_s: float = 120.0) -> list[str]:
    """The rank labels of the map once it draws ``count`` lines to the answers.

    The map remounts when the answers change, so lines and labels are read
    together and read again when the frame was replaced meanwhile.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = map_frame(page)
        try:
            if frame.locator("path.kitaku-nearest-line").count() == count:
                return frame.locator(".leaflet-tooltip").all_inner_texts()
        except PlaywrightError:
            pass  # detached by a rerun; look again
        page.wait_for_timeout(200)
    raise AssertionError(f"the map never drew {count} lines to the answers")


def assert_place_label_on_the_map(page) -> None:
    """Assert the chosen place's label lies inside the map, not off its edge."""
    frame = map_frame(page)
    label = frame.locator(".leaflet-tooltip", has_text="選んだ場所")
    expect(label).to_have_count(1)
    box = label.bounding_box()
    area = frame.locator(".leaflet-container").bounding_box()
    assert area["x"] <= box["x"] <= area["x"] + area["width"] - box["width"]


@pytest.mark.browser
def test_type_a_town_pick_flood_see_three_listed_and_drawn(
    streamlit_url, offline_page, bundle
) -> None:
    town = bundle.towns[bundle.towns["town_ja"] == "楡木三丁目"].iloc[0]
    expected = FacilityFinder.from_bundle(bundle).nearest(
        town.lat, town.lon, "shelter", "flood", 3
    )
    view = offline_page(f"{streamlit_url}/nearest", **PHONE)
    page = view.page

    field = page.get_by_label("町名・住所で探す")
    field.wait_for(timeout=90_000)
    field.fill("楡木3丁目")
    field.press("Enter")
    page.get_by_role("radio", name="洪水", exact=True).click()
    page.wait_for_url(re.compile(r"hazard=flood"), timeout=60_000)

    # The list of the previous choice may still show while the page reruns:
    # expect() retries until the flood answer is the one on screen.
    for rank, facility in enumerate(expected, start=1):
        heading = page.get_by_role("heading", name=f"{rank}. {facility.name}")
        expect(heading).to_be_visible(timeout=60_000)
    page.get_by_text(
        f"{expected[0].direction}へ {expected[0].distance_m:,.0f} m"
    ).wait_for()

    assert set(drawn_answers(page, 3)) >= {"1", "2", "3"}
    assert_place_label_on_the_map(page)

    hazard_choice = page.get_by_role("radio", name="洪水", exact=True)
    assert hazard_choice.bounding_box()["height"] >= MIN_TAP_PX
    for step in ("Decrement", "Increment"):
        box = page.get_by_role("button", name=step).bounding_box()
        assert min(box["width"], box["height"]) >= MIN_TAP_PX
    links = page.get_by_role("link", name="地理院地図で開く")
    expect(links).to_have_count(3)
    assert all(links.nth(i).bounding_box()["height"] >= MIN_TAP_PX for i in range(3))
    assert "town=" in page.url and "hazard=flood" in page.url

    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="印刷用の避難所メモ").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") == 1
    # The QR code's address, printed under it: the server the phone is on.
    assert f"{streamlit_url}/nearest?town=" in "".join(pdf_text(pdf).split())
    assert not view.errors
    assert all("cyberjapandata.gsi.go.jp" in url for url in view.blocked)


@pytest.mark.browser
def test_phone_location_is_asked_on_a_tap_and_answers(
    streamlit_url, offline_page, bundle
) -> None:
    lat, lon = 32.8700, 130.7200
    expected = FacilityFinder.from_bundle(bundle).nearest(lat, lon, "shelter", None, 3)
    view = offline_page(f"{streamlit_url}/nearest", **PHONE)
    page = view.page
    page.context.set_geolocation({"latitude": lat, "longitude": lon})
    page.context.grant_permissions(["geolocation"], origin=streamlit_url)

    button = page.get_by_role("button", name="現在地から探す")
    button.wait_for(timeout=90_000)
    assert button.bounding_box()["height"] >= MIN_TAP_PX
    button.click()

    page.get_by_role("heading", name="現在地 から近い順").wait_for(timeout=60_000)
    page.get_by_role("heading", name=f"1. {expected[0].name}").wait_for()
    assert f"lat={lat:.6f}" in page.url
    assert not view.errors


@pytest.mark.browser
def test_tapping_the_map_chooses_the_place(streamlit_url, offline_page) -> None:
    view = offline_page(f"{streamlit_url}/nearest?hazard=earthquake")
    page = view.page
    page.get_by_text("町名を入力するか").first.wait_for(timeout=90_000)

    frame = leaflet_frame(page)
    frame.locator(".leaflet-container").click(position={"x": 200, "y": 200})

    page.get_by_role("heading", name="1.", exact=False).first.wait_for(timeout=60_000)
    expect(page.get_by_text("地図の地点").first).to_be_visible()
    assert "lat=" in page.url and "lon=" in page.url
    assert set(drawn_answers(page, 3)) >= {"1", "2", "3"}


@pytest.mark.browser
def test_phone_location_on_a_plain_http_address_says_why_not(
    streamlit_url, offline_page
) -> None:
    view = offline_page(f"{streamlit_url}/nearest", **PHONE)
    page = view.page
    # What a phone sees at http://<server's LAN address>: not a secure page.
    page.add_init_script(
        "Object.defineProperty(window, 'isSecureContext', {get: () => false})"
    )
    page.reload()

    button = page.get_by_role("button", name="現在地から探す")
    button.wait_for(timeout=90_000)
    button.click()

    expect(page.get_by_text("https で始まるアドレスで開いたときだけ")).to_be_visible(
        timeout=60_000
    )
    assert not view.errors

"""The printable handout: one A4 page, Japanese font embedded, the place named."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest

from kitaku_maps.handout import (
    DEFAULT_APP_URL,
    app_base_url,
    app_link,
    font_path,
    make_handout,
)
from kitaku_maps.handout_map import draw_place_map
from kitaku_maps.nearest import FacilityFinder
from kitaku_maps.places import Place, TownMatcher
from tests.nearest_support import pdf_text


@pytest.fixture(scope="module")
def handout(bundle) -> bytes:
    matcher = TownMatcher(bundle.towns, ("熊本市", "北区"))
    place = matcher.match("楡木三丁目").place
    finder = FacilityFinder.from_bundle(bundle)
    return make_handout(
        bundle, finder, place, "flood", 3, printed_on=dt.date(2026, 9, 1)
    )


def test_handout_is_one_a4_page(handout) -> None:
    assert handout.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", handout)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595\.28\s+841\.89\s*\]", handout)


def test_japanese_font_is_embedded(handout) -> None:
    assert font_path().name == "ipaexg.ttf"
    assert b"/FontFile2" in handout
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+IPAexGothic", handout)


def test_handout_names_the_place_shelters_and_date(handout) -> None:
    text = pdf_text(handout)

    assert "楡木三丁目" in text
    assert "楡木小学校" in text
    assert "印刷日: 2026-09-01" in text
    assert "指定緊急避難場所" in text
    assert "出典" in text


def test_qr_link_reopens_this_view() -> None:
    town = Place("楡木三丁目", 32.85, 130.75, source="towns")
    point = Place("現在地", 32.85, 130.75, source="point")

    by_town = urlparse(app_link(town, "flood", 3, "https://example.org/app/"))
    by_point = parse_qs(urlparse(app_link(point, None, 5, "http://h")).query)

    assert by_town.path == "/app/nearest"
    assert parse_qs(by_town.query) == {
        "town": ["楡木三丁目"],
        "hazard": ["flood"],
        "n": ["3"],
    }
    assert by_point == {"lat": ["32.850000"], "lon": ["130.750000"], "n": ["5"]}


@pytest.mark.parametrize(
    ("page_url", "base"),
    [
        ("https://maps.example.jp/kitaku/nearest", "https://maps.example.jp/kitaku"),
        ("http://192.168.1.5:8501/nearest/", "http://192.168.1.5:8501"),
        ("https://maps.example.jp/", "https://maps.example.jp"),
    ],
)
def test_qr_base_is_the_address_the_user_is_on(page_url, base) -> None:
    assert app_base_url(page_url) == base
    assert app_link(Place("x", 32.8, 130.7, source="point"), None, 3, base).startswith(
        f"{base}/nearest?"
    )


def test_qr_base_falls_back_without_a_browser() -> None:
    assert app_base_url(None) == DEFAULT_APP_URL
    assert app_base_url("", "https://fallback.example") == "https://fallback.example"


def test_handout_qr_text_shows_the_given_address(bundle) -> None:
    place = Place("現在地", 32.87, 130.72, source="point")
    finder = FacilityFinder.from_bundle(bundle)

    pdf = make_handout(bundle, finder, place, None, 3, "https://maps.example.jp/k")

    assert "https://maps.example.jp/k/nearest?lat=32.870000" in pdf_text(pdf)


def test_handout_credits_the_town_points_and_the_gsi_shelter_list(
    bundle, handout
) -> None:
    text = pdf_text(handout)
    credits = bundle.sources.set_index("source_id")["credit_ja"]

    # The place is a town point (CC BY: credit required); the shelters'
    # points and IDs come from the GSI list merged into the portal records.
    assert credits["geolonia_towns"] in text
    assert credits["gsi_shelters"] in text
    assert "nan時点" not in text


def test_handout_map_names_the_place(bundle) -> None:
    place = Place("楡木三丁目", 32.8472, 130.7520)

    figure = draw_place_map(bundle, place, {}, font_path())

    assert "楡木三丁目" in [t.get_text() for t in figure.axes[0].texts]


def test_handout_outside_the_ward_warns_of_nearer_shelters_beyond(bundle) -> None:
    place = Place("駅", 32.790, 130.689, source="point")
    finder = FacilityFinder.from_bundle(bundle)

    pdf = make_handout(bundle, finder, place, "flood", 3)

    assert f"この地点は{bundle.meta['ward_name_ja']}の外です" in pdf_text(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1

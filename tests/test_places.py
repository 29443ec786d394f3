"""The offline town matcher on the ward's real towns."""

from __future__ import annotations

import pytest
import requests

from kitaku_maps import places
from kitaku_maps.places import PlaceLookupError, TownMatcher, kanji_to_int
from tests.nearest_support import real_towns


@pytest.fixture(scope="module")
def matcher() -> TownMatcher:
    return TownMatcher(real_towns(), prefixes=("熊本市", "北区"))


@pytest.mark.parametrize(
    ("typed", "town"),
    [
        ("楡木三丁目", "楡木三丁目"),
        ("楡木3丁目", "楡木三丁目"),
        ("楡木３丁目", "楡木三丁目"),
        ("楡木3", "楡木三丁目"),
        ("楡木三", "楡木三丁目"),
        (" 楡木 ３ 丁目 ", "楡木三丁目"),
        ("熊本市北区楡木3-5-1", "楡木三丁目"),
        ("熊本県熊本市北区植木町岩野285-35", "植木町岩野"),
        ("植木町岩野", "植木町岩野"),
        ("植木町一木", "植木町一木"),
        ("武蔵ヶ丘9丁目", "武蔵ケ丘九丁目"),
        ("清水町打越", "清水町大字打越"),
        ("八景水谷2", "八景水谷二丁目"),
    ],
)
def test_typed_names_find_the_town(matcher, typed, town) -> None:
    match = matcher.match(typed)

    assert match.found, match.message_ja
    assert match.place.name_ja == town


def test_matched_town_has_its_real_point(matcher) -> None:
    place = matcher.match("楡木3丁目").place

    assert place.lat == pytest.approx(32.87, abs=0.05)
    assert place.lon == pytest.approx(130.72, abs=0.05)


def test_matched_town_names_the_source_to_credit(bundle) -> None:
    matcher = TownMatcher(bundle.towns, ("熊本市", "北区"))

    place = matcher.match("楡木3丁目").place

    row = bundle.towns[bundle.towns["town_id"] == place.town_id].iloc[0]
    assert place.source_id == row["source_id"] != ""


def test_partial_name_offers_the_candidates(matcher) -> None:
    match = matcher.match("楡木")

    assert not match.found
    assert [p.name_ja for p in match.candidates] == [
        f"楡木{n}丁目" for n in "一二三四五六"
    ]
    assert "6件" in match.message_ja


@pytest.mark.parametrize("typed", ["楡木9丁目", "楡木35"])
def test_chome_that_does_not_exist_offers_the_town_s_chome(matcher, typed) -> None:
    match = matcher.match(typed)

    assert not match.found
    assert "楡木一丁目" in [p.name_ja for p in match.candidates]


@pytest.mark.parametrize("typed", ["東京都千代田区", "楡木町", "ゆめ町"])
def test_unknown_name_gets_a_clear_message(matcher, typed) -> None:
    match = matcher.match(typed)

    assert not match.found
    assert match.candidates == []
    assert f"「{typed}」に一致する町名が見つかりません" in match.message_ja


def test_empty_input_asks_for_a_name(matcher) -> None:
    assert "町名を入力してください" in matcher.match("  ").message_ja


@pytest.mark.parametrize(
    ("text", "value"), [("三", 3), ("十", 10), ("十二", 12), ("二十一", 21)]
)
def test_kanji_numbers(text, value) -> None:
    assert kanji_to_int(text) == value


def test_gsi_search_unreachable_says_so_without_network(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(places.requests, "get", refuse)

    with pytest.raises(PlaceLookupError) as raised:
        places.search_gsi_address("熊本市北区楡木3-5-1")
    assert "接続できませんでした" in raised.value.message_ja


def test_gsi_answer_becomes_places(monkeypatch) -> None:
    class Answer:
        def raise_for_status(self) -> None:
            return None

        def json(self) -> list:
            return [
                {
                    "geometry": {"coordinates": [130.72, 32.87], "type": "Point"},
                    "properties": {"title": "熊本県熊本市北区楡木三丁目"},
                }
            ]

    monkeypatch.setattr(places.requests, "get", lambda *a, **k: Answer())

    found = places.search_gsi_address("楡木三丁目")

    assert [(p.name_ja, p.lat, p.lon, p.source) for p in found] == [
        ("熊本県熊本市北区楡木三丁目", 32.87, 130.72, "gsi")
    ]


def test_gsi_search_waits_only_a_few_seconds(monkeypatch) -> None:
    waited = []

    def hang(*args, timeout=None, **kwargs):
        waited.append(timeout)
        raise requests.ReadTimeout("read timed out")

    monkeypatch.setattr(places.requests, "get", hang)

    with pytest.raises(PlaceLookupError) as raised:
        places.search_gsi_address("熊本市北区楡木3-5-1")
    assert waited and 0 < waited[0] <= 5
    assert "インターネットにつながっていない" in raised.value.message_ja


@pytest.mark.parametrize(
    "answer",
    [
        [{"properties": {"title": "楡木"}}],
        [{"geometry": {"coordinates": ["東", "北"]}}],
        ["楡木"],
    ],
)
def test_gsi_answer_without_a_point_is_refused_in_japanese(monkeypatch, answer) -> None:
    class Answer:
        def raise_for_status(self) -> None:
            return None

        def json(self) -> list:
            return answer

    monkeypatch.setattr(places.requests, "get", lambda *a, **k: Answer())

    with pytest.raises(PlaceLookupError) as raised:
        places.search_gsi_address("楡木三丁目")
    assert "想定外の応答" in raised.value.message_ja
    assert "answer 1" in str(raised.value)

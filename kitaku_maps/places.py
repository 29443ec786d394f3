"""Where is the user: typed town names matched offline, GSI address search online.

Towns come from the bundle's ``towns.csv`` (one representative point per town,
``lat``/``lon`` in EPSG:4326). Matching tolerates kanji, arabic and full-width
numbers (楡木三丁目 = 楡木3丁目 = 楡木３丁目), a missing 丁目 (楡木3), a
leading city or ward name and a trailing block number (楡木3-5-1).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import requests

from kitaku_maps.errors import KitakuError

logger = logging.getLogger(__name__)

#: GSI address search (returns GeoJSON-like features, coordinates lon, lat).
GSI_ADDRESS_SEARCH_URL = "https://msearch.gsi.go.jp/address-search/AddressSearch"

#: Seconds to wait for the GSI address search before giving up.
GSI_TIMEOUT_SECONDS = 3.0

#: Most candidates offered for a partial name.
MAX_CANDIDATES = 20

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_KANJI_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_NUMBER = "[〇一二三四五六七八九十]+"
_CHOME = re.compile(f"({_KANJI_NUMBER}|[0-9]+)丁目")
_TRAILING_KANJI_NUMBER = re.compile(f"({_KANJI_NUMBER})$")

#: Spelling variants folded together before comparing (after NFKC).
_VARIANTS = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ー": "-", "−": "-"})

#: A leading prefecture name (熊本県), dropped before comparing.
_PREFECTURE = re.compile("^.{2,3}?[都道府県]")


class PlaceLookupError(KitakuError, ConnectionError):
    """The online address search could not be reached or answered badly."""

    def __init__(self, message: str, message_ja: str) -> None:
        super().__init__(message)
        self.message_ja = message_ja


@dataclass(frozen=True)
class Place:
    """A named point: ``lat``/``lon`` in degrees (EPSG:4326).

    ``source`` says how it was found (``towns``, ``gsi``, ``point``);
    ``source_id`` is the ``sources.csv`` row to credit for its position.
    """

    name_ja: str
    lat: float
    lon: float
    town_id: str = ""
    district_code: str = ""
    source: str = "towns"
    source_id: str = ""


@dataclass(frozen=True)
class PlaceMatch:
    """The answer to a typed place: one place, candidates, or nothing."""

    query: str
    place: Place | None = None
    candidates: list[Place] = field(default_factory=list)
    message_ja: str = ""

    @property
    def found(self) -> bool:
        """Whether exactly one place matched."""
        return self.place is not None


def kanji_to_int(text: str) -> int:
    """Return the value of a kanji number below 100 (三 -> 3, 十二 -> 12)."""
    if "十" not in text:
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return _KANJI_DIGITS.get(tens, 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0)


def place_key(text: str, prefixes: tuple[str, ...] = ()) -> str:
    """Return the matching key of a place name: NFKC, 丁目 as a plain number.

    ``prefixes`` (a city and a ward name, say) are dropped from the start.

    >>> place_key("楡木三丁目"), place_key("楡木３丁目")
    ('楡木3', '楡木3')
    >>> place_key("Ａ市楡木3-5-1", ("Ａ市",))
    '楡木3-5-1'

    """
    key = unicodedata.normalize("NFKC", str(text)).translate(_VARIANTS)
    key = "".join(key.split())
    key = _PREFECTURE.sub("", key)
    for prefix in prefixes:
        prefix = unicodedata.normalize("NFKC", prefix)
        key = key.removeprefix(prefix) if key != prefix else key
    key = key.replace("大字", "").replace("字", "")
    return _CHOME.sub(lambda m: str(_number(m.group(1))), key)


def _number(text: str) -> int:
    """Return the value of an arabic or kanji number."""
    return int(text) if text.isdigit() else kanji_to_int(text)


class TownMatcher:
    """Match typed names against the ward's towns, offline.

    ``towns`` has the columns of ``towns.csv``: ``town_id``, ``town_ja``,
    ``koaza_ja``, ``lat``, ``lon`` (EPSG:4326) and ``district_code``.
    ``prefixes`` are names users may type first (the city, the ward).
    """

    def __init__(self, towns: pd.DataFrame, prefixes: tuple[str, ...] = ()) -> None:
        self.prefixes = tuple(prefixes)
        self.places = [_place_of(row) for row in towns.itertuples(index=False)]
        self._by_key: dict[str, Place] = {}
        for place in self.places:
            self._by_key.setdefault(place_key(place.name_ja, self.prefixes), place)
        logger.debug("town matcher over %d towns", len(self.places))

    def match(self, text: str) -> PlaceMatch:
        """Return the town ``text`` names, the candidates it may mean, or why not."""
        query = (text or "").strip()
        example = self.places[0].name_ja if self.places else ""
        if not query:
            return PlaceMatch(
                query, message_ja=f"町名を入力してください（例: {example}）。"
            )

        keys = _keys_of(place_key(query, self.prefixes))
        for key in keys:
            place = self._exact(key)
            if place is not None:
                return PlaceMatch(query, place=place)

        candidates = self._partial(keys[-1]) or self._partial(_base_of(keys[-1]))
        if candidates:
            shown = candidates[:MAX_CANDIDATES]
            return PlaceMatch(
                query,
                candidates=shown,
                message_ja=f"「{query}」に当てはまる町が{len(candidates)}件あります"
                f"（{len(shown)}件を表示）。一つ選んでください。",
            )

        return PlaceMatch(
            query,
            message_ja=f"「{query}」に一致する町名が見つかりません。"
            f"町名（例: {example}）を入力するか、地図をタップしてください。",
        )

    def _exact(self, key: str) -> Place | None:
        """Return the town whose key is ``key`` or starts it (block numbers after)."""
        if key in self._by_key:
            return self._by_key[key]

        # The longest town key that begins the input, with the remainder not
        # continuing a number (楡木3 must not match 楡木35).
        best = None
        for town_key, place in self._by_key.items():
            rest = key[len(town_key) :]
            if not key.startswith(town_key) or not rest:
                continue
            if town_key[-1].isdigit() and rest[0].isdigit():
                continue
            if best is None or len(town_key) > len(best[0]):
                best = (town_key, place)

        return best[1] if best else None

    def _partial(self, key: str) -> list[Place]:
        """Return the towns whose key contains ``key``, in the list's order."""
        return [p for k, p in self._by_key.items() if key and key in k]


def _keys_of(key: str) -> list[str]:
    """Return the keys to try for a query's key, most literal first."""
    keys = [key]

    # A trailing kanji number without 丁目 (楡木三) is tried as a 丁目 number.
    trailing = _TRAILING_KANJI_NUMBER.search(key)
    if trailing:
        keys.append(key[: trailing.start()] + str(kanji_to_int(trailing.group(1))))

    return keys


def _base_of(key: str) -> str:
    """Return a key without its trailing numbers (楡木9 -> 楡木)."""
    return re.sub("[0-9-]+$", "", key)


def _place_of(row) -> Place:
    """Return the Place of one ``towns.csv`` row."""
    koaza = row.koaza_ja if isinstance(row.koaza_ja, str) else ""
    return Place(
        name_ja=f"{row.town_ja}{koaza}",
        lat=float(row.lat),
        lon=float(row.lon),
        town_id=str(row.town_id),
        district_code=str(getattr(row, "district_code", "") or ""),
        source_id=_cell_text(getattr(row, "source_id", "")),
    )


def _cell_text(value: object) -> str:
    """A table cell as text, '' when missing (NaN or None)."""
    return value if isinstance(value, str) else ""


def search_gsi_address(text: str, timeout: float = GSI_TIMEOUT_SECONDS) -> list[Place]:
    """Look an address up with the GSI address search (online; lat/lon EPSG:4326).

    Raises PlaceLookupError when the service cannot be reached in ``timeout``
    seconds or answers with something other than the expected JSON list.
    """
    try:
        response = requests.get(
            GSI_ADDRESS_SEARCH_URL, params={"q": text}, timeout=timeout
        )
        response.raise_for_status()
        features = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("GSI address search unavailable: %s", error)
        raise PlaceLookupError(
            f"GSI address search at {GSI_ADDRESS_SEARCH_URL} unavailable: {error}",
            "国土地理院の住所検索に接続できませんでした（インターネットに"
            "つながっていない可能性があります）。町名を入力するか、地図を"
            "タップしてください。",
        ) from error

    return _places_of_features(features)


def _places_of_features(features: object) -> list[Place]:
    """Return the places of the GSI answer (coordinates are lon, lat)."""
    if not isinstance(features, list):
        raise PlaceLookupError(
            "GSI address search: expected a JSON list, found "
            f"{type(features).__name__}",
            "国土地理院の住所検索から想定外の応答がありました。"
            "町名を入力するか、地図をタップしてください。",
        )

    places = []
    for number, feature in enumerate(features[:MAX_CANDIDATES], start=1):
        try:
            lon, lat = feature["geometry"]["coordinates"][:2]
            title = str(feature.get("properties", {}).get("title", ""))
            places.append(Place(title, float(lat), float(lon), source="gsi"))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise PlaceLookupError(
                f"GSI address search: answer {number} lacks a point "
                f"geometry.coordinates [lon, lat] ({error!r}); found {feature!r:.200}",
                "国土地理院の住所検索から想定外の応答がありました。"
                "町名を入力するか、地図をタップしてください。",
            ) from error
    return places

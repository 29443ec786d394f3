"""Nearest shelters and facilities for residents, and shelter coverage per district.

Queries take a point as (lat, lon) degrees in EPSG:4326, the order folium and
phones use; distances are straight-line metres in ``settings.METRIC_CRS``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.nearest import NearestIndex
from kitaku_maps import settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import InputFormatError
from kitaku_maps.importers.shelters import GSI_SOURCE

logger = logging.getLogger(__name__)

#: The category whose records carry hazard flags and opening records.
SHELTER_CATEGORY = "shelter"

#: The hazard choice meaning "any shelter, whatever its hazard flags".
ANY_HAZARD = "any"

#: Default number of results.
DEFAULT_COUNT = 3

#: The 8 compass points in Japanese, clockwise from north.
COMPASS_JA: tuple[str, ...] = ("北", "北東", "東", "南東", "南", "南西", "西", "北西")

#: Shelter-coverage indicators: which hazard, which distance, which weight.
COVERAGE_RULES_CSV = Path(__file__).parent / "catalogue_data" / "coverage.csv"

#: What residents are told about the distances and walking times.
WALK_ASSUMPTION_JA = (
    f"距離は直線距離です。徒歩時間は分速{settings.WALK_METRES_PER_MINUTE:.0f}m"
    "で直線距離を歩いた場合の目安で、実際の道のりはもっと長くなります。"
)


#: Said beside opening records: they are history, not the state right now.
OPENING_RECORD_NOTE_JA = (
    "開設状況はデータに残る記録（{as_of}時点）で、いま開いているかどうかでは"
    "ありません。避難の前に、市や区の最新の情報を確かめてください。"
)


@dataclass(frozen=True)
class NearestFacility:
    """One answer: a facility, how far (metres, straight line) and which way."""

    facility_id: str
    name: str
    category: str
    category_name: str
    distance_m: float
    walk_min: int
    bearing_deg: float
    direction: str
    hazards: list[str]
    hazard_ids: list[str]
    address: str
    gsi_url: str
    lat: float
    lon: float
    open_status: str = ""
    open_status_ja: str = ""
    as_of: str = ""
    kinds_ja: list[str] = field(default_factory=list)
    status: str = ""
    source_id: str = ""
    credit_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The answer as plain JSON-ready values."""
        return asdict(self)


def direction_ja(bearing_deg: float) -> str:
    """Return the 8-point compass direction in Japanese of a bearing (degrees)."""
    return COMPASS_JA[int(((bearing_deg % 360) + 22.5) // 45) % 8]


def walk_minutes(distance_m: float) -> int:
    """Return the estimated walking minutes of a straight-line distance (metres)."""
    return max(1, math.ceil(distance_m / settings.WALK_METRES_PER_MINUTE))


def gsi_maps_url(lat: float, lon: float, zoom: int = 17) -> str:
    """Return the GSI Maps (地理院地図) link centred on (lat, lon) degrees."""
    return f"https://maps.gsi.go.jp/#{zoom}/{lat:.6f}/{lon:.6f}/"


def hazard_flags(facilities: pd.DataFrame, hazards: pd.DataFrame) -> pd.DataFrame:
    """Return one boolean column per hazard id: 1 = suitable, empty/0 = not."""
    flags = {}
    for hazard in hazards.itertuples(index=False):
        values = facilities.get(hazard.column, pd.Series(index=facilities.index))
        flags[hazard.hazard_id] = pd.to_numeric(values, errors="coerce").fillna(0) == 1
    return pd.DataFrame(flags, index=facilities.index)


class FacilityFinder:
    """The nearest facilities of a bundle, with one spatial index built once.

    Read-only after construction, so one instance can be shared by sessions.
    ``area`` (polygons, any CRS) is where the facilities were collected, named
    ``area_name_ja``; without it no answer is questioned for lying beyond it.
    """

    def __init__(
        self,
        facilities: gpd.GeoDataFrame,
        categories: pd.DataFrame,
        hazards: pd.DataFrame,
        area: gpd.GeoDataFrame | None = None,
        area_name_ja: str = "",
    ) -> None:
        self.facilities = facilities.to_crs(settings.WEB_CRS).reset_index(drop=True)
        self.categories = categories.set_index("category_id")["name_ja"].to_dict()
        self.hazards = hazards.sort_values("order").reset_index(drop=True)
        self.hazard_names = dict(
            zip(self.hazards["hazard_id"], self.hazards["name_ja"], strict=True)
        )
        self.flags = hazard_flags(self.facilities, self.hazards)
        self.index = NearestIndex(
            self.facilities.geometry.x.to_numpy(),
            self.facilities.geometry.y.to_numpy(),
            settings.METRIC_CRS,
        )
        self._masks = self._all_masks()
        self.area = None if area is None else metric_area(area)
        self._edge = None if self.area is None else self.area.boundary
        self.area_name_ja = area_name_ja
        logger.info("nearest index over %d facilities", len(self.facilities))

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> FacilityFinder:
        """Return the finder of a loaded bundle (its area: the ward outline)."""
        return cls(
            bundle.facilities,
            bundle.categories,
            bundle.hazards,
            bundle.outline,
            str(bundle.meta.get("ward_name_ja", "")),
        )

    def nearest(
        self,
        lat: float,
        lon: float,
        category: str = SHELTER_CATEGORY,
        hazard: str | None = None,
        n: int = DEFAULT_COUNT,
    ) -> list[NearestFacility]:
        """Return the ``n`` nearest facilities to (lat, lon) degrees, nearest first.

        With a ``hazard`` other than ``"any"``, only shelters flagged as
        suitable for it are considered (``category`` is then ``shelter``).
        """
        _check_point(lat, lon)
        mask = self.mask(category, hazard)
        found = self.index.query(lon, lat, k=n, mask=mask)
        return [
            self._answer(int(p), float(d), float(b))
            for p, d, b in zip(
                found.positions, found.distances_m, found.bearings_deg, strict=True
            )
        ]

    def nearest_per_hazard(
        self, lat: float, lon: float, n: int = DEFAULT_COUNT
    ) -> dict[str, list[NearestFacility]]:
        """Return the nearest suitable shelters per hazard id, in hazard order."""
        return {h: self.nearest(lat, lon, hazard=h, n=n) for h in self.hazard_names}

    def beyond_area_note_ja(
        self, lat: float, lon: float, found: Sequence[NearestFacility]
    ) -> str:
        """Say when a facility beyond the area could be nearer than the first answer.

        The data holds only the area's facilities: for a point (lat, lon
        degrees) outside the area, or closer to its edge (metres, straight
        line) than to the first answer, a nearer one may lie beyond the edge.
        Returns '' when that cannot happen or the area is unknown.
        """
        if self.area is None or self.area.is_empty:
            return ""
        point = Point(self.index.project(lon, lat))
        name = self.area_name_ja or "対象地域"
        only = f"データにあるのは{name}内の施設だけなので、"

        if not self.area.contains(point):
            return (
                f"この地点は{name}の外です。{only}"
                f"もっと近い施設が{name}の外にあるかもしれません。"
            )
        edge_m = self._edge.distance(point)
        if found and edge_m < found[0].distance_m:
            return (
                f"{name}の境界まで約{edge_m:,.0f} mです。{only}"
                f"境界の向こうにもっと近い施設があるかもしれません。"
            )
        return ""

    @property
    def shelters_without_hazards(self) -> int:
        """How many shelters have no hazard flags at all (unknown, not 'none')."""
        columns = [c for c in self.hazards["column"] if c in self.facilities]
        shelters = self.facilities["category_id"] == SHELTER_CATEGORY
        unknown = self.facilities[columns].isna().all(axis=1) if columns else shelters
        return int((shelters & unknown).sum())

    def mask(self, category: str, hazard: str | None) -> np.ndarray:
        """Return which facilities a (category, hazard) choice keeps (read-only)."""
        return self._masks[self.mask_key(category, hazard)]

    def mask_key(self, category: str, hazard: str | None) -> tuple[str, str]:
        """Return the (category, hazard) key of a query, refusing unknown ones."""
        if hazard in (None, "", ANY_HAZARD):
            key = (category, ANY_HAZARD)
        else:
            key = (SHELTER_CATEGORY, hazard)

        if key not in self._masks:
            raise InputFormatError(
                f"unknown category or hazard {key}; expected a category of "
                f"{sorted(self.categories)} and a hazard of "
                f"{[ANY_HAZARD, *self.hazard_names]}",
                f"種類「{key[0]}」または災害の種類「{key[1]}」が見つかりません。",
            )
        return key

    def _all_masks(self) -> dict[tuple[str, str], np.ndarray]:
        """Return the facility mask of every (category, hazard) choice."""
        category = self.facilities["category_id"].to_numpy()
        masks = {(c, ANY_HAZARD): category == c for c in self.categories}
        shelters = category == SHELTER_CATEGORY
        for hazard in self.hazard_names:
            masks[(SHELTER_CATEGORY, hazard)] = shelters & self.flags[hazard].to_numpy()

        # Build each sub-index now, so queries never change shared state.
        for mask in masks.values():
            mask.flags.writeable = False
            self.index.subset(mask)
        return masks

    def _answer(
        self, position: int, distance: float, bearing: float
    ) -> NearestFacility:
        """Return the answer for one facility row."""
        row = self.facilities.iloc[position]
        point = row.geometry
        hazard_ids = [h for h in self.hazard_names if self.flags.at[position, h]]
        # Only shelters open and close; other places carry no such record.
        is_shelter = row["category_id"] == SHELTER_CATEGORY
        status, status_ja = opening_status(row) if is_shelter else ("", "")
        return NearestFacility(
            facility_id=str(row["facility_id"]),
            name=str(row["name_ja"]),
            category=str(row["category_id"]),
            category_name=self.categories.get(row["category_id"], ""),
            distance_m=round(distance, 1),
            walk_min=walk_minutes(distance),
            bearing_deg=round(bearing, 1),
            direction=direction_ja(bearing),
            hazards=[self.hazard_names[h] for h in hazard_ids],
            hazard_ids=hazard_ids,
            address=_text(row.get("address_ja")),
            gsi_url=gsi_maps_url(point.y, point.x),
            lat=round(point.y, 6),
            lon=round(point.x, 6),
            open_status=status,
            open_status_ja=status_ja,
            as_of=_date_text(row.get("as_of")),
            kinds_ja=shelter_kinds_ja(row),
            status=_text(row.get("status")),
            source_id=_text(row.get("source_id")),
            credit_ids=credit_ids(row),
        )


def opening_status(row: pd.Series) -> tuple[str, str]:
    """Return whether a shelter was open when its data was taken, and a sentence.

    ``opened_at``/``closed_at`` are the real opening record (local time) in
    the source file dated ``as_of``: a record with an opening and no closing
    was open when the file was taken. Status ``open``, ``closed``, or ``""``
    when the record has no opening.
    """
    opened = pd.to_datetime(_text(row.get("opened_at")) or None, errors="coerce")
    closed = pd.to_datetime(_text(row.get("closed_at")) or None, errors="coerce")
    as_of = _date_text(row.get("as_of"))
    if pd.isna(opened) or not as_of:
        return "", "開設の記録はありません。" if as_of else ""

    since = f"{opened:%Y-%m-%d %H:%M}開設"
    if pd.isna(closed):
        return "open", f"{as_of}時点で開設中（{since}）"
    return "closed", f"{as_of}時点では閉鎖（{since}、{closed:%Y-%m-%d %H:%M}閉鎖）"


def metric_area(area: gpd.GeoDataFrame):
    """Return the union of ``area``'s polygons in ``settings.METRIC_CRS``."""
    return area.to_crs(settings.METRIC_CRS).union_all()


def credit_ids(row: pd.Series) -> list[str]:
    """Return the sources to credit for a facility row, its own first.

    A merged shelter took its point and national ID from the GSI list, so
    that list is credited too.
    """
    ids = [_text(row.get("source_id"))]
    if _text(row.get("gsi_common_id")):
        ids.append(GSI_SOURCE)
    return list(dict.fromkeys(i for i in ids if i))


def shelter_kinds_ja(row: pd.Series) -> list[str]:
    """Return the Japanese kinds of a shelter (指定避難所, 指定緊急避難場所 ...)."""
    kinds = {
        "is_designated_shelter": "指定避難所",
        "is_emergency_site": "指定緊急避難場所",
        "is_welfare_shelter": "福祉避難所",
    }
    return [name for column, name in kinds.items() if _flag(row.get(column))]


def _flag(value: object) -> bool:
    """Whether a 0/1 cell is 1."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return bool(number == 1)


def _date_text(value: object) -> str:
    """A date cell (text or timestamp) as ``YYYY-MM-DD``, '' when missing."""
    day = pd.to_datetime(_text(value) or None, errors="coerce")
    return "" if pd.isna(day) else f"{day:%Y-%m-%d}"


def _text(value: object) -> str:
    """A cell as text, '' when missing."""
    return (
        ""
        if value is None or (isinstance(value, float) and np.isnan(value))
        else str(value)
    )


def _check_point(lat: float, lon: float) -> None:
    """Refuse a point that is not (lat, lon) degrees."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputFormatError(
            f"expected latitude -90..90 and longitude -180..180 degrees, "
            f"found lat={lat}, lon={lon}",
            f"緯度・経度が正しくありません（緯度 {lat}、経度 {lon}）。",
        )


def coverage_rules(path: Path = COVERAGE_RULES_CSV) -> pd.DataFrame:
    """Return the coverage-indicator rules: indicator, hazard, metres, weight."""
    rules = pd.read_csv(path, dtype=str, keep_default_na=False)
    rules["distance_m"] = rules["distance_m"].astype(float)
    return rules


def compute_coverage(
    towns: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    hazards: pd.DataFrame,
    district_codes: Sequence[str],
    rules: pd.DataFrame | None = None,
    ward_code: str = "",
) -> pd.DataFrame:
    """Return ``values.csv`` rows: per district, the share (%) of towns far away.

    For each rule (an indicator id, a hazard id or ``any``, a distance in
    metres and a weight ``towns`` or ``population``), a district's value is
    the share of its towns (or of their residents) whose representative
    point (``lat``/``lon`` degrees, EPSG:4326) is farther than the distance,
    in a straight line in ``settings.METRIC_CRS``, from every shelter
    suitable for the hazard. With a ``ward_code``, one more row per rule
    gives the same share over all the districts' towns together (level
    ``ward``): the ward's own figure, not a mean of district shares.
    Rows are ``status`` ``computed``, dated by the shelters' ``as_of``.
    """
    rules = coverage_rules() if rules is None else rules
    finder = FacilityFinder(facilities, _categories_of(facilities), hazards)
    shelters = facilities[facilities["category_id"] == SHELTER_CATEGORY]
    dates = shelters["as_of"].map(_date_text)
    as_of = max(d for d in [*dates, ""])
    in_ward = towns["district_code"].isin(list(district_codes)).to_numpy()

    rows = []
    for rule in rules.itertuples(index=False):
        mask = finder.mask(SHELTER_CATEGORY, rule.hazard_id)
        distances = finder.index.nearest_distances(
            towns["lon"].to_numpy(), towns["lat"].to_numpy(), mask=mask
        )
        far = distances > rule.distance_m
        shares = _district_shares(towns, far, rule.weight)
        rows += [
            _value_row(rule, code, shares.get(code), as_of) for code in district_codes
        ]
        if ward_code:
            whole = towns[in_ward].assign(district_code=ward_code)
            share = _district_shares(whole, far[in_ward], rule.weight).get(ward_code)
            rows.append(_value_row(rule, ward_code, share, as_of, level="ward"))

    logger.info("computed %d coverage values for %d rules", len(rows), len(rules))
    return pd.DataFrame(rows)


def _district_shares(towns: pd.DataFrame, far: np.ndarray, weight: str) -> pd.Series:
    """Return the share (%) of far towns (or residents) per district code."""
    if weight == "population":
        population = pd.to_numeric(towns["population"], errors="coerce")
        frame = pd.DataFrame(
            {
                "district": towns["district_code"],
                "far": far * population,
                "all": population,
            }
        )
        grouped = frame.groupby("district")
        known = grouped["all"].count() == grouped.size()
        shares = grouped["far"].sum() / grouped["all"].sum() * 100
        return shares[known & (grouped["all"].sum() > 0)]

    frame = pd.DataFrame({"district": towns["district_code"], "far": far})
    return frame.groupby("district")["far"].mean() * 100


def _value_row(
    rule, code: str, share: float | None, as_of: str, level: str = "district"
) -> dict:
    """Return one ``values.csv`` row (empty value with a reason when unknown)."""
    known = share is not None and not pd.isna(share)
    return {
        "indicator_id": rule.indicator_id,
        "level": level,
        "area_code": code,
        "fiscal_year": fiscal_year_of(as_of),
        "value": round(float(share), 1) if known else None,
        "missing_reason": "" if known else "not_collected",
        "status": "computed",
        "as_of": as_of,
        "source_id": rule.source_id,
    }


def fiscal_year_of(date: str) -> int:
    """Return the fiscal year (April-March, by its starting year) of a date."""
    day = pd.Timestamp(date)
    return day.year if day.month >= 4 else day.year - 1


def _categories_of(facilities: pd.DataFrame) -> pd.DataFrame:
    """A minimal categories table for the categories present."""
    ids = sorted(facilities["category_id"].dropna().unique())
    return pd.DataFrame({"category_id": ids, "name_ja": ids})

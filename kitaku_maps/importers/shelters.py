"""Shelters from the GSI designated-shelter list and the prefecture portal.

The GSI list (国土地理院 指定緊急避難場所・指定避難所データ, GeoJSON) gives the
national common ID and a surveyed point; the portal (防災情報くまもと, JSON
``{"items": [...]}``) gives hazard and kind flags and the opening record of
the latest event. The two are merged into one layer without duplicates and
limited to the ward outline.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.io import pick_column, points_from_table, read_layer
from kitaku_maps import settings
from kitaku_maps.errors import InputFormatError
from kitaku_maps.importers.common import date_in_name, facilities_frame

logger = logging.getLogger(__name__)

#: Source ids of the two shelter lists.
GSI_SOURCE = "gsi_shelters"
PORTAL_SOURCE = "kumamoto_portal"

#: Portal hazard flags -> bundle hazard ids.
PORTAL_HAZARDS = {
    "floodShFlg": "flood",
    "sedimentDisasterShFlg": "landslide",
    "earthquakeShFlg": "earthquake",
    "landsideWaterShFlg": "inland_flood",
    "stormSurgeShFlg": "storm_surge",
    "tsunamiShFlg": "tsunami",
}

#: Portal kind flags -> bundle columns.
PORTAL_KINDS = {
    "designatedEvacShFlg": "is_designated_shelter",
    "edesignatedEvacShFlg": "is_emergency_site",
    "welfareEvacShFlg": "is_welfare_shelter",
}

#: Records of the two lists further apart than this (metres) match by name only.
MATCH_METRES = 50.0

#: Least name similarity (0-1) for records matched by address or distance.
NAME_SIMILARITY = 0.5


def read_gsi_shelters(
    path: Path,
    name_column: str | None = None,
    address_column: str | None = None,
    id_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Read the GSI designated-shelter GeoJSON as ``name_ja``, ``address_ja``, ids.

    The file declares no CRS; it is longitude/latitude (EPSG:4326).
    """
    frame = read_layer(path, assume_crs=settings.WEB_CRS)
    name = pick_column(frame, path.name, "shelter name", name_column, ("施設・場所名",))
    address = pick_column(frame, path.name, "address", address_column, ("住所",))
    common_id = pick_column(frame, path.name, "common ID", id_column, ("共通ID",))
    accepted = (
        frame["受入対象者"] if "受入対象者" in frame else pd.Series("", frame.index)
    )

    return gpd.GeoDataFrame(
        {
            "name_ja": frame[name].astype(str).str.strip(),
            "address_ja": frame[address].astype(str).str.strip(),
            "gsi_common_id": frame[common_id].astype(str).str.strip(),
            "accepted_ja": accepted.fillna("").astype(str).str.strip(),
        },
        geometry=frame.geometry.to_crs(settings.WEB_CRS),
    )


def read_portal_shelters(path: Path) -> gpd.GeoDataFrame:
    """Read the portal's ``{"items": [...]}`` JSON with its flags, EPSG:4326."""
    table = _portal_table(path)
    missing = [
        c for c in ("facilityId", "name", "address", *PORTAL_HAZARDS) if c not in table
    ]
    if missing:
        raise InputFormatError(
            f"{path.name}: expected the portal fields {', '.join(missing)}; "
            f"found: {', '.join(table.columns)}.",
            f"ファイル {path.name}: 項目 {'、'.join(missing)} が必要ですが、"
            f"ありませんでした。ファイルの項目: {'、'.join(table.columns)}",
        )

    frame = points_from_table(
        table, "longitude", "latitude", path.name, drop_blank=True
    )
    frame["as_of"] = date_in_name(path)
    return frame


def _portal_table(path: Path) -> pd.DataFrame:
    """The portal's records as a table of strings."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputFormatError(
            f"{path}: cannot be read as UTF-8 JSON ({error}).",
            f"ファイル {Path(path).name}: UTF-8 の JSON が必要ですが、"
            f"読み込めませんでした（{error}）。",
        ) from error

    items = payload.get("items") if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not items:
        raise InputFormatError(
            f'{path.name}: expected a JSON list of shelters (or {{"items": [...]}}), '
            "found none.",
            f"ファイル {path.name}: 避難所の一覧（items）が必要ですが、"
            "見つかりませんでした。",
        )
    return pd.DataFrame(items).fillna("")


def merge_shelters(
    gsi: gpd.GeoDataFrame,
    portal: gpd.GeoDataFrame,
    outline: shapely.Geometry,
    gsi_as_of: str = "",
) -> gpd.GeoDataFrame:
    """One shelter layer from both lists, inside ``outline`` (EPSG:4326).

    Portal records keep their flags and opening record; a matching GSI record
    adds its common ID and its point. GSI records with no match are added
    with hazards unknown (empty). Returns the facilities layout, EPSG:4326.
    """
    gsi = _inside(gsi, outline)
    portal = _inside(portal, outline)
    pairs = match_records(gsi, portal)

    matched = _from_portal(portal, gsi, pairs)
    alone = _from_gsi(gsi.drop(index=list(pairs.values())), gsi_as_of)
    shelters = pd.concat([matched, alone], ignore_index=True)

    logger.info(
        "merged %d portal and %d GSI shelters into %d sites (%d matched)",
        len(portal),
        len(gsi),
        len(shelters),
        len(pairs),
    )
    return shelters.sort_values("facility_id", ignore_index=True)


def _inside(frame: gpd.GeoDataFrame, outline: shapely.Geometry) -> gpd.GeoDataFrame:
    """The records whose point lies inside ``outline`` (EPSG:4326)."""
    return frame[frame.geometry.intersects(outline)]


def match_records(gsi: gpd.GeoDataFrame, portal: gpd.GeoDataFrame) -> dict:
    """Pairs portal index -> GSI index of the same site, one-to-one.

    Same normalised name first; then same normalised address or less than
    ``MATCH_METRES`` apart, with similar names. Closest pairs win.
    """
    metric_gsi = gsi.geometry.to_crs(settings.METRIC_CRS)
    metric_portal = portal.geometry.to_crs(settings.METRIC_CRS)
    candidates = []

    for p, p_point in metric_portal.items():
        for g, g_point in metric_gsi.items():
            rank = _match_rank(portal.loc[p], gsi.loc[g], p_point.distance(g_point))
            if rank is not None:
                candidates.append((rank, p_point.distance(g_point), p, g))

    pairs: dict = {}
    for _, _, p, g in sorted(candidates, key=lambda c: (c[0], c[1], str(c[2]))):
        if p not in pairs and g not in pairs.values():
            pairs[p] = g
    return pairs


def _match_rank(portal: pd.Series, gsi: pd.Series, metres: float) -> int | None:
    """0 for the same name, 1 for address or distance with a similar name."""
    p_name, g_name = name_key(portal["name"]), name_key(gsi["name_ja"])
    if p_name == g_name:
        return 0

    similar = difflib.SequenceMatcher(None, p_name, g_name).ratio() >= NAME_SIMILARITY
    same_address = address_key(portal["address"]) == address_key(gsi["address_ja"])
    if similar and (same_address or metres < MATCH_METRES):
        return 1
    return None


def name_key(name: str) -> str:
    """A facility name for comparing: NFKC, no spaces or brackets' contents."""
    key = unicodedata.normalize("NFKC", str(name))
    key = re.sub(r"[(（【].*?[)）】]", "", key)
    return "".join(key.split())


def address_key(address: str) -> str:
    """An address for comparing: NFKC, no prefecture, 丁目/番地/号 as hyphens.

    >>> address_key("熊本県熊本市北区楠3丁目2-1") == address_key("熊本市北区楠3-2-1")
    True
    """
    key = "".join(unicodedata.normalize("NFKC", str(address)).split())
    key = re.sub(r"^.{2,3}?[都道府県](?=.+[市郡])", "", key)
    key = re.sub(r"(丁目|番地|番|号|の|ー|−|―|‐|\?)", "-", key)
    return key.rstrip("-")


def _from_portal(
    portal: gpd.GeoDataFrame, gsi: gpd.GeoDataFrame, pairs: dict
) -> gpd.GeoDataFrame:
    """Facility records of the portal's shelters, with the GSI's ID and point."""
    records = pd.DataFrame(
        {
            "facility_id": "SH-" + portal["facilityId"].astype(str),
            "name_ja": portal["name"].str.strip(),
            "address_ja": portal["address"].map(_clean_address),
            "source_id": PORTAL_SOURCE,
            "as_of": portal["as_of"],
            "portal_facility_id": portal["facilityId"].astype(str),
            "opened_at": portal["shelterStartTimestamp"].map(local_minute),
            "closed_at": portal["shelterEndTimestamp"].map(local_minute),
        },
        index=portal.index,
    )
    for flag, column in {**PORTAL_KINDS, **_hazard_columns()}.items():
        records[column] = (portal[flag].astype(str).str.strip() == "1").astype(int)

    geometry = portal.geometry.copy()
    for p, g in pairs.items():
        records.loc[p, "gsi_common_id"] = gsi.loc[g, "gsi_common_id"]
        geometry.loc[p] = gsi.geometry.loc[g]

    records["category_id"] = "shelter"
    records["status"] = "official"
    return facilities_frame(records, geometry.to_numpy(), settings.WEB_CRS)


def _from_gsi(gsi: gpd.GeoDataFrame, as_of: str) -> gpd.GeoDataFrame:
    """Facility records of GSI shelters the portal does not list.

    The GSI list has no hazard types (left empty: unknown); ``受入対象者`` is
    filled only for shelters reserved for people needing care (welfare).
    """
    records = pd.DataFrame(
        {
            "facility_id": "SH-" + gsi["gsi_common_id"],
            "category_id": "shelter",
            "name_ja": gsi["name_ja"].map(lambda n: " ".join(n.split())),
            "address_ja": gsi["address_ja"].map(_clean_address),
            "status": "official",
            "source_id": GSI_SOURCE,
            "as_of": as_of,
            "description_ja": gsi["accepted_ja"],
            "is_designated_shelter": 1,
            "is_emergency_site": 0,
            "is_welfare_shelter": (gsi["accepted_ja"] != "").astype(int),
            "gsi_common_id": gsi["gsi_common_id"],
        },
        index=gsi.index,
    )
    return facilities_frame(records, gsi.geometry.to_numpy(), settings.WEB_CRS)


def _hazard_columns() -> dict[str, str]:
    """Portal hazard flag -> ``hazard_<id>`` column."""
    return {flag: f"hazard_{hazard}" for flag, hazard in PORTAL_HAZARDS.items()}


def _clean_address(address: str) -> str:
    """An address as published, with NFKC digits and no stray spaces or '?'."""
    text = unicodedata.normalize("NFKC", str(address)).replace("?", "-")
    return " ".join(text.split())


def local_minute(timestamp: str) -> str | None:
    """``2026-07-28 18:50:00`` -> ``2026-07-28 18:50`` (local time); None if blank."""
    parsed = pd.to_datetime(str(timestamp).strip() or None, errors="coerce")
    return None if pd.isna(parsed) else parsed.strftime("%Y-%m-%d %H:%M")


def read_open_status(path: Path, shelters: gpd.GeoDataFrame) -> pd.DataFrame:
    """Daily open (1) / closed (0) record per shelter, in long form.

    ``path`` is a table with ``reference_common_id`` (the GSI common ID) or
    ``portal_shelter_id`` and one ``YYYY-MM-DD`` column per date; rows are
    joined to ``shelters`` by those IDs. Returns ``facility_id``, ``date``,
    ``is_open``, sorted.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    dates = [c for c in table.columns if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)]
    table["facility_id"] = _facility_ids(table, shelters)

    unknown = table["facility_id"] == ""
    if unknown.any():
        logger.warning("%s: %d rows match no shelter", path.name, int(unknown.sum()))

    long = table[~unknown].melt(
        id_vars="facility_id", value_vars=dates, var_name="date", value_name="is_open"
    )
    long = long[long["is_open"].isin(["0", "1"])].astype({"is_open": int})
    return long.sort_values(["facility_id", "date"], ignore_index=True)


def _facility_ids(table: pd.DataFrame, shelters: gpd.GeoDataFrame) -> pd.Series:
    """The facility id of each row, by GSI common ID, else by portal ID ('')."""
    result = pd.Series("", index=table.index, dtype="str")
    keys = (
        ("reference_common_id", "gsi_common_id"),
        ("portal_shelter_id", "portal_facility_id"),
    )

    for column, shelter_column in keys:
        if column not in table:
            continue
        known = shelters[shelters[shelter_column].fillna("") != ""]
        ids = known.set_index(shelter_column)["facility_id"]
        found = table[column].map(ids).fillna("")
        result = result.where(result != "", found)

    return result

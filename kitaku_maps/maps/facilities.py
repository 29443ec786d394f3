"""Facility layers: which points to show, and their escaped popups.

Names, symbols and colours of categories come from ``categories.csv``; hazard
names from ``hazards.csv``. Every value from data is escaped with
``html.escape`` before it is put into popup HTML.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from kitaku_maps.bundle import Bundle

logger = logging.getLogger(__name__)

#: Shelter kinds users filter by: id -> Japanese label (rules in ``_kind_mask``).
SHELTER_KINDS: dict[str, str] = {
    "designated": "指定避難所",
    "emergency_only": "指定緊急避難場所のみ",
    "welfare": "福祉避難所",
}

#: Japanese names of the shelter flags shown in popups.
SHELTER_FLAG_LABELS = {
    "is_designated_shelter": "指定避難所",
    "is_emergency_site": "指定緊急避難場所",
    "is_welfare_shelter": "福祉避難所",
}

#: Japanese names of ``school_kind`` values.
SCHOOL_KIND_LABELS = {
    "elementary": "小学校",
    "junior_high": "中学校",
    "high": "高等学校",
}

#: The shelter category id of ``categories.csv`` the filters apply to.
SHELTER_CATEGORY = "shelter"

#: Points per layer above which markers are clustered.
CLUSTER_FROM = 30

#: Largest photo file (bytes) of the bundle folder put into a popup; a larger
#: one would make every page that shows the layer slow to load.
MAX_PHOTO_BYTES = 512 * 1024

#: ``photo_url`` values used as they are: web addresses and inline images.
PHOTO_AS_IS = re.compile(r"^(https?://|data:image/)", re.IGNORECASE)


@dataclass(frozen=True)
class ShelterFilter:
    """Shelters to keep: suitable for every hazard in ``hazards`` (ids) and of
    any kind in ``kinds`` (ids of ``SHELTER_KINDS``); empty means no filter."""

    hazards: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacilityPoints:
    """One category's points ready for the map."""

    category_id: str
    name_ja: str
    symbol: str
    color: str
    count: int
    geojson: str

    @property
    def cluster(self) -> bool:
        """Whether the points are dense enough to cluster."""
        return self.count >= CLUSTER_FROM


def facility_points(
    bundle: Bundle, category_ids: Sequence[str], shelters: ShelterFilter
) -> list[FacilityPoints]:
    """The chosen categories' points (in catalogue order) with popups."""
    categories = bundle.categories.sort_values("order")
    chosen = categories[categories["category_id"].isin(category_ids)]
    credits = _credits(bundle)
    hazard_names = dict(
        zip(bundle.hazards["column"], bundle.hazards["name_ja"], strict=True)
    )

    layers = []
    for category in chosen.itertuples(index=False):
        rows = bundle.facilities[
            bundle.facilities["category_id"] == category.category_id
        ]
        if category.category_id == SHELTER_CATEGORY:
            rows = filter_shelters(rows, shelters, bundle.hazards)
        popups = [
            popup_html(row, category.name_ja, credits, hazard_names, bundle.path)
            for row in rows.itertuples(index=False)
        ]
        layers.append(
            FacilityPoints(
                category_id=category.category_id,
                name_ja=category.name_ja,
                symbol=category.symbol,
                color=category.color,
                count=len(rows),
                geojson=_points_geojson(rows, popups),
            )
        )
    logger.debug("facility layers: %s", {f.category_id: f.count for f in layers})
    return layers


def filter_shelters(
    rows: gpd.GeoDataFrame, shelters: ShelterFilter, hazards: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Keep shelters suitable for every chosen hazard and of a chosen kind."""
    columns = dict(zip(hazards["hazard_id"], hazards["column"], strict=True))
    keep = pd.Series(True, index=rows.index)

    for hazard_id in shelters.hazards:
        keep &= _flag(rows, columns[hazard_id])

    if shelters.kinds:
        kind_match = pd.Series(False, index=rows.index)
        for kind in shelters.kinds:
            kind_match |= _kind_mask(rows, kind)
        keep &= kind_match

    return rows[keep]


def _kind_mask(rows: gpd.GeoDataFrame, kind: str) -> pd.Series:
    """Rows of one shelter kind (``SHELTER_KINDS`` id)."""
    if kind == "designated":
        return _flag(rows, "is_designated_shelter")
    if kind == "welfare":
        return _flag(rows, "is_welfare_shelter")
    if kind == "emergency_only":
        return _flag(rows, "is_emergency_site") & ~_flag(rows, "is_designated_shelter")
    raise ValueError(
        f"unknown shelter kind {kind!r}; expected one of {list(SHELTER_KINDS)}"
    )


def _flag(rows: pd.DataFrame, column: str) -> pd.Series:
    """A 0/1 column as booleans (missing = no)."""
    if column not in rows.columns:
        return pd.Series(False, index=rows.index)
    return pd.to_numeric(rows[column], errors="coerce").fillna(0).astype(int) == 1


def popup_html(
    row,
    category_name: str,
    credits: dict,
    hazard_names: dict,
    photo_folder: Path | None = None,
) -> str:
    """The popup of one facility: name, kind, address, attributes, photo, source.

    ``photo_folder`` is the bundle folder that relative ``photo_url`` paths
    are read from (see ``photo_src``).
    """
    esc = _escaped
    lines = [
        f"<b>{esc(row.name_ja)}</b>",
        f'<span class="s">{esc(category_name)}</span>',
    ]
    lines += [esc(v) for v in (_text(row, "address_ja"),) if v]
    lines += [esc(line) for line in _attribute_lines(row, hazard_names)]
    if _text(row, "description_ja"):
        lines.append(esc(_text(row, "description_ja")))

    photo = photo_src(_text(row, "photo_url"), photo_folder)
    image = (
        f'<img src="{esc(photo)}" alt="{esc(row.name_ja)}" loading="lazy">'
        if photo
        else ""
    )
    source = f'<div class="s">{esc(_source_line(row, credits))}</div>'
    return f'<div class="kitaku-popup">{"<br>".join(lines)}{image}{source}</div>'


def photo_src(photo: str, folder: Path | None) -> str:
    """The ``src`` of a facility photo ('' when there is none to show).

    A web address (``https://...``) is kept: it shows when online. A path
    relative to the bundle ``folder`` (e.g. ``photos/park.jpg``) becomes a
    data URI, so the photo shows in the app and in a saved file without
    internet; a missing, outside, non-image or too large file is left out
    (logged), never drawn as a broken image.
    """
    if not photo or PHOTO_AS_IS.match(photo):
        return photo
    if folder is None:
        return ""
    root = Path(folder).resolve()
    path = (root / photo).resolve()
    mime = mimetypes.guess_type(path.name)[0] or ""
    if root not in path.parents or not path.is_file() or not mime.startswith("image/"):
        logger.warning("photo %r is not an image file in %s; left out", photo, root)
        return ""
    if path.stat().st_size > MAX_PHOTO_BYTES:
        logger.warning(
            "photo %s is over %d KiB; left out (make it smaller)",
            path,
            MAX_PHOTO_BYTES // 1024,
        )
        return ""
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _attribute_lines(row, hazard_names: dict) -> list[str]:
    """The category's attributes as Japanese lines (shelter kinds, hazards...)."""
    lines = []
    kinds = [
        label for column, label in SHELTER_FLAG_LABELS.items() if _is_set(row, column)
    ]
    if kinds:
        lines.append("種別: " + "・".join(kinds))
    hazards = [name for column, name in hazard_names.items() if _is_set(row, column)]
    if hazards:
        lines.append("対応する災害: " + "、".join(hazards))
    if _text(row, "opened_at"):
        closed = _text(row, "closed_at")
        lines.append(f"開設記録: {_text(row, 'opened_at')}〜{closed}")
    school_kind = SCHOOL_KIND_LABELS.get(_text(row, "school_kind"))
    if school_kind:
        lines.append(f"学校の種類: {school_kind}")
    return lines


def _source_line(row, credits: dict) -> str:
    """Where the record comes from and as of when; demo records say so."""
    source = credits.get(_text(row, "source_id"), _text(row, "source_id"))
    parts = [f"出典: {source}"]
    if _text(row, "as_of"):
        parts.append(f"{_text(row, 'as_of')}時点")
    if _text(row, "status") == "demo":
        parts.append("デモ用のサンプル（実在しません）")
    return "・".join(parts)


def _credits(bundle: Bundle) -> dict[str, str]:
    """Source id -> the credit to show (credit, else title)."""
    sources = bundle.sources
    credit = sources["credit_ja"].where(
        sources["credit_ja"].notna(), sources["title_ja"]
    )
    return dict(zip(sources["source_id"].astype(str), credit.astype(str), strict=True))


def _points_geojson(rows: gpd.GeoDataFrame, popups: list[str]) -> str:
    """A FeatureCollection of the points (lon, lat) whose only property is ``p``."""
    geometries = shapely.to_geojson(shapely.set_precision(rows.geometry.values, 1e-6))
    features = [
        f'{{"type":"Feature","properties":{json.dumps({"p": p}, ensure_ascii=False)},'
        f'"geometry":{g}}}'
        for p, g in zip(popups, geometries, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _text(row, column: str) -> str:
    """A column of a row as stripped text ('' when absent or missing)."""
    value = getattr(row, column, None)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _is_set(row, column: str) -> bool:
    """Whether a 0/1 column of a row is 1."""
    return _text(row, column) in ("1", "1.0", "True")


def _escaped(value) -> str:
    """``value`` as HTML-escaped text."""
    return html.escape(str(value))

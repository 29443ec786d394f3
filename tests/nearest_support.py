"""Shared helpers of the nearest-facility tests: real towns, a brute force, PDF text."""

from __future__ import annotations

import json
import re
import zlib

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from kitaku_maps import settings

TOWNS_SOURCE = settings.SOURCE_DATA_DIR / "towns" / "geolonia_kita_ku_towns.json"

_GEOD = Geod(ellps="GRS80")


def real_towns() -> pd.DataFrame:
    """The ward's real towns as ``towns.csv`` rows: the bundle's, else the source."""
    bundle_towns = settings.DATA_DIR / "towns.csv"
    if bundle_towns.exists():
        return pd.read_csv(bundle_towns, dtype={"town_id": str, "koaza_ja": str})
    if not TOWNS_SOURCE.exists():
        pytest.skip(f"real towns absent: neither {bundle_towns} nor {TOWNS_SOURCE}")

    records = json.loads(TOWNS_SOURCE.read_text(encoding="utf-8"))
    return pd.DataFrame(
        {
            "town_id": [f"T{i:03d}" for i in range(len(records))],
            "town_ja": [r["town"] for r in records],
            "koaza_ja": [r["koaza"] for r in records],
            "lat": [r["lat"] for r in records],
            "lon": [r["lng"] for r in records],
            "district_code": "",
        }
    )


def geodesic_metres(
    lon: float, lat: float, lons: np.ndarray, lats: np.ndarray
) -> np.ndarray:
    """Brute force: geodesic metres (GRS80) from (lon, lat) to every point."""
    count = len(lons)
    _, _, distances = _GEOD.inv(np.full(count, lon), np.full(count, lat), lons, lats)
    return np.asarray(distances)


def assert_same_order_as_geodesic(
    found: np.ndarray, lon: float, lat: float, lons: np.ndarray, lats: np.ndarray
) -> None:
    """Assert ``found`` are the geodesically nearest points, ties within 0.5 m."""
    geodesic = geodesic_metres(lon, lat, lons, lats)
    expected = np.sort(geodesic)[: len(found)]
    np.testing.assert_allclose(geodesic[found], expected, atol=0.5)


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the page, decoded through the font's ToUnicode map.

    Enough of PDF for fpdf2's output: 2-byte glyph codes in literal strings
    shown with ``Tj``, and ``bfchar`` entries in the map.
    """
    parts = [pdf]
    for body in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(body))
        except zlib.error:
            continue
    glyphs = {}
    for part in parts:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", part, re.S):
            for code, uni in re.findall(rb"<([0-9A-F]{4})>\s*<([0-9A-F]+)>", block):
                glyphs[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    lines = []
    for part in parts:
        for literal in re.findall(rb"\((.*?)(?<!\\)\) Tj", part, re.S):
            raw = _unescape(literal)
            codes = [int.from_bytes(raw[i : i + 2]) for i in range(0, len(raw), 2)]
            lines.append("".join(glyphs.get(c, "?") for c in codes))
    return "\n".join(lines)


def _unescape(literal: bytes) -> bytes:
    """The bytes of a PDF literal string (backslash escapes resolved)."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(match: re.Match) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return simple.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)

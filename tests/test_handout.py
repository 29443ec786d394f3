"""The printable handout: one A4 page, Japanese font embedded, the place named."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from urllib.parse import parse_qs, urlparse

import pytest

from kitaku_maps.handout import app_link, font_path, make_handout
from kitaku_maps.nearest import FacilityFinder
from kitaku_maps.places import Place, TownMatcher


@pytest.fixture(scope="module")
def handout(bundle) -> bytes:
    matcher = TownMatcher(bundle.towns, ("熊本市", "北区"))
    place = matcher.match("楡木三丁目").place
    finder = FacilityFinder.from_bundle(bundle)
    return make_handout(
        bundle, finder, place, "flood", 3, printed_on=dt.date(2026, 9, 1)
    )


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

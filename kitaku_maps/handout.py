"""A printable one-page A4 handout: a place's nearest shelters per hazard.

The small map is drawn with matplotlib from the bundle's own geometry (no
tiles, so it works offline); the PDF is written with fpdf2 and embeds the
IPAexGothic font shipped inside the ``japanize_matplotlib`` package.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
import os
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import segno
from fpdf import FPDF
from matplotlib import font_manager

from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import InputFormatError
from kitaku_maps.handout_map import draw_place_map
from kitaku_maps.nearest import WALK_ASSUMPTION_JA, FacilityFinder, NearestFacility
from kitaku_maps.places import Place

logger = logging.getLogger(__name__)

#: Where the QR code points when the page's own address is unknown (the CLI,
#: tests): the app's public address from the environment, or the default.
DEFAULT_APP_URL = os.environ.get("KITAKU_APP_URL", "http://localhost:8501")

#: URL path of the nearest-shelter page (as in streamlit_app.py).
PAGE_PATH = "nearest"

#: The font family name used inside the PDF.
FONT = "IPAexGothic"

#: One plain sentence each on the two kinds of shelter.
SHELTER_KINDS_JA = (
    "指定緊急避難場所: 災害が迫ったとき、まず命を守るために逃げる場所です。",
    "指定避難所: 家に戻れないとき、しばらく寝泊まりして過ごす場所です。",
)

_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@cache
def font_path() -> Path:
    """Return the IPAexGothic TTF inside japanize_matplotlib (not imported)."""
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or spec.origin is None:
        raise InputFormatError(
            "the japanize_matplotlib package (IPAexGothic font) is not installed",
            "日本語フォント（japanize_matplotlib）がインストールされていません。",
        )
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    font_manager.fontManager.addfont(str(path))
    return path


def app_base_url(page_url: str | None, fallback: str = DEFAULT_APP_URL) -> str:
    """Return the app's base address from the address of one of its pages.

    ``page_url`` is what the browser shows without the query (Streamlit's
    ``st.context.url``, e.g. ``https://host/app/nearest``); the page path is
    dropped. Without it (no browser), ``fallback``.
    """
    if not page_url:
        return fallback
    base = page_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return base.removesuffix(f"/{PAGE_PATH}")


def app_link(place: Place, hazard: str | None, n: int, base_url: str) -> str:
    """Return the app URL that reopens this view (query parameters)."""
    params: dict[str, str] = {}
    if place.source == "towns":
        params["town"] = place.name_ja
    else:
        params |= {"lat": f"{place.lat:.6f}", "lon": f"{place.lon:.6f}"}
    if hazard:
        params["hazard"] = hazard
    params["n"] = str(n)
    return f"{base_url.rstrip('/')}/{PAGE_PATH}?{urlencode(params)}"


def make_handout(
    bundle: Bundle,
    finder: FacilityFinder,
    place: Place,
    hazard: str | None = None,
    n: int = 3,
    app_url: str = DEFAULT_APP_URL,
    printed_on: dt.date | None = None,
) -> bytes:
    """Return the one-page A4 PDF for ``place`` (lat/lon degrees, EPSG:4326)."""
    per_hazard = finder.nearest_per_hazard(place.lat, place.lon, n)
    labels = _labels_of(per_hazard)
    printed_on = printed_on or dt.date.today()

    pdf = _new_pdf(bundle, place)
    _header(pdf, bundle, place, printed_on)
    _map_and_qr(pdf, bundle, place, labels, app_link(place, hazard, n, app_url))
    _explanations(pdf)
    _shelter_table(pdf, finder, per_hazard, labels)
    nearest = sorted((f for _, f in labels.values()), key=lambda f: f.distance_m)
    note = finder.beyond_area_note_ja(place.lat, place.lon, nearest[:1])
    _credits(pdf, bundle, place, labels, note)

    logger.info("handout for %s: %d shelters", place.name_ja, len(labels))
    return bytes(pdf.output())


def _labels_of(per_hazard: dict[str, list[NearestFacility]]) -> dict[str, tuple]:
    """Return facility id -> (letter, facility), nearest first, for the map."""
    unique = {f.facility_id: f for found in per_hazard.values() for f in found}
    ordered = sorted(unique.values(), key=lambda f: f.distance_m)
    return {f.facility_id: (_LABELS[i % 26], f) for i, f in enumerate(ordered)}


def _new_pdf(bundle: Bundle, place: Place) -> FPDF:
    """Return an A4 portrait PDF with the Japanese font and metadata set."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 12, 12)
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.set_title(f"{place.name_ja} 近くの避難所")
    pdf.set_subject(bundle.meta.get("title_ja", ""))
    pdf.add_page()
    return pdf


def _header(pdf: FPDF, bundle: Bundle, place: Place, printed_on: dt.date) -> None:
    """Write the title, the place and the printing date."""
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 9, f"{place.name_ja} から近い避難所", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    pdf.cell(
        0,
        5,
        f"{bundle.meta.get('ward_name_ja', '')}　地点: 緯度 {place.lat:.5f}、"
        f"経度 {place.lon:.5f}　印刷日: {printed_on:%Y-%m-%d}",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _map_and_qr(
    pdf: FPDF, bundle: Bundle, place: Place, labels: dict, link: str
) -> None:
    """Place the small map on the left and the QR code on the right."""
    top = pdf.get_y() + 2
    figure = draw_place_map(bundle, place, labels, font_path())
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=170)
    pdf.image(image, x=12, y=top, w=112, h=112)

    qr = io.BytesIO()
    segno.make(link, error="m").save(qr, kind="png", scale=6, border=2)
    pdf.image(qr, x=140, y=top + 4, w=50, h=50)
    pdf.set_xy(132, top + 56)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(66, 4.5, "スマートフォンで読み取ると、この画面をアプリで開けます。")
    pdf.set_font(FONT, size=6)
    pdf.set_x(132)
    pdf.multi_cell(66, 3, link)
    pdf.set_y(top + 114)


def _explanations(pdf: FPDF) -> None:
    """Explain the two kinds of shelter and the walking-time assumption."""
    pdf.set_font(FONT, size=8.5)
    for sentence in (*SHELTER_KINDS_JA, WALK_ASSUMPTION_JA):
        pdf.multi_cell(0, 4.2, sentence, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _shelter_table(
    pdf: FPDF,
    finder: FacilityFinder,
    per_hazard: dict[str, list[NearestFacility]],
    labels: dict,
) -> None:
    """Write the nearest shelters per hazard as a compact table."""
    widths = (20, 8, 58, 18, 14, 12, 56)
    heads = ("災害の種類", "地図", "避難先", "直線距離", "徒歩", "方角", "種類")
    pdf.set_font(FONT, size=8)
    pdf.set_fill_color(230, 230, 230)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 5, head, border=1, fill=True)
    pdf.ln(5)

    for hazard_id, found in per_hazard.items():
        name = finder.hazard_names[hazard_id]
        if not found:
            pdf.cell(widths[0], 4.6, name, border=1)
            pdf.cell(
                sum(widths[1:]), 4.6, "対応する避難所がデータにありません", border=1
            )
            pdf.ln(4.6)
        for rank, facility in enumerate(found):
            cells = (
                name if rank == 0 else "",
                labels[facility.facility_id][0],
                _fit(pdf, facility.name, widths[2] - 1),
                f"{facility.distance_m:,.0f} m",
                f"約{facility.walk_min}分",
                facility.direction,
                _fit(pdf, "・".join(facility.kinds_ja), widths[6] - 1),
            )
            for width, text in zip(widths, cells, strict=True):
                pdf.cell(width, 4.6, text, border="LR" if rank else "LRT")
            pdf.ln(4.6)
    pdf.cell(sum(widths), 0, "", border="T")
    pdf.ln(2)


def _credits(
    pdf: FPDF, bundle: Bundle, place: Place, labels: dict, note_ja: str
) -> None:
    """Write the data's as-of dates, the credits of the sources shown, notes."""
    source_ids = {i for _, f in labels.values() for i in f.credit_ids}
    source_ids |= {place.source_id}
    source_ids |= set(bundle.outline["source_id"]) | set(bundle.districts["source_id"])
    sources = bundle.sources[bundle.sources["source_id"].isin(source_ids)]

    pdf.set_y(max(pdf.get_y(), 246))
    pdf.set_font(FONT, size=7)
    lines = [_credit_line(row) for row in sources.itertuples(index=False)]
    if note_ja:
        lines.append(note_ja)
    lines.append("避難の前に、市や区の最新の情報で開設状況を確かめてください。")
    for line in lines:
        if pdf.get_y() > pdf.h - 15:
            logger.warning("handout: %d credit lines did not fit", len(lines))
            break
        pdf.multi_cell(0, 3.4, line, new_x="LMARGIN", new_y="NEXT")


def _credit_line(source) -> str:
    """One ``sources.csv`` row as a credit with its as-of date when known."""
    as_of = f"（{source.as_of}時点）" if isinstance(source.as_of, str) else ""
    return f"出典: {source.credit_ja or source.title_ja}{as_of}"


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Return ``text`` shortened with … to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"

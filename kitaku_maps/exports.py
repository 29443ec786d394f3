"""Downloads: tables as CSV and Excel, map layers as GeoJSON, charts as PNG.

CSV is UTF-8 with a byte-order mark so Excel opens Japanese text correctly.
PNG charts use the IPAexGothic font shipped inside the installed
``japanize_matplotlib`` package (found without importing it), so Japanese
labels render on a fresh machine without system fonts.
"""

from __future__ import annotations

import importlib.util
import io
import logging
from functools import cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from kitaku_maps.errors import InputFormatError

matplotlib.use("Agg")

logger = logging.getLogger(__name__)

#: The font file inside the ``japanize_matplotlib`` package.
FONT_PACKAGE, FONT_FILE = "japanize_matplotlib", "fonts/ipaexg.ttf"

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_MIME = "application/geo+json"
PNG_MIME = "image/png"


def table_to_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV bytes in UTF-8 with BOM (Excel shows Japanese)."""
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def table_to_xlsx(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """The table as an Excel workbook (.xlsx) with one sheet."""
    buffer = io.BytesIO()
    plain = frame.copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.api.extensions.ExtensionDtype):
            plain[column] = plain[column].astype(object).where(plain[column].notna())
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        plain.to_excel(writer, sheet_name=sheet_name[:31], index=False)
    return buffer.getvalue()


def layer_to_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """A map layer as GeoJSON bytes in EPSG:4326 (longitude, latitude)."""
    if frame.crs is None:
        raise InputFormatError(
            "layer has no CRS; expected a GeoDataFrame with a CRS",
            "地図レイヤーに座標参照系（CRS）がありません。",
        )
    web = frame.to_crs("EPSG:4326")
    return web.to_json(na="null", drop_id=True, ensure_ascii=False).encode("utf-8")


@cache
def japanese_font() -> str:
    """Register the bundled IPAexGothic with matplotlib and return its name."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / FONT_FILE
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            name = font_manager.FontProperties(fname=str(path)).get_name()
            logger.info("using Japanese font %s from %s", name, path)
            return name
    raise InputFormatError(
        f"Japanese font not found: expected {FONT_FILE} in package {FONT_PACKAGE}",
        "日本語フォントが見つかりません。japanize-matplotlib を入れてください。",
    )


def use_japanese_font() -> None:
    """Make matplotlib draw Japanese text with the bundled font."""
    matplotlib.rcParams["font.family"] = japanese_font()
    matplotlib.rcParams["axes.unicode_minus"] = False


def figure_to_png(figure: Figure, dpi: int = 150) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()

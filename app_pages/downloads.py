"""Download buttons shared by the chart and analysis pages."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from matplotlib.figure import Figure

from kitaku_maps import exports


def table_downloads(frame: pd.DataFrame, stem: str, key: str) -> None:
    """Buttons to download a table as CSV (UTF-8 with BOM) and as Excel."""
    left, right = st.columns(2)
    left.download_button(
        "CSVでダウンロード",
        exports.table_to_csv(frame),
        file_name=f"{stem}.csv",
        mime=exports.CSV_MIME,
        key=f"{key}-csv",
    )
    right.download_button(
        "Excelでダウンロード",
        exports.table_to_xlsx(frame),
        file_name=f"{stem}.xlsx",
        mime=exports.XLSX_MIME,
        key=f"{key}-xlsx",
    )


def figure_download(figure: Figure, stem: str, key: str) -> None:
    """Show a chart (rendered once as PNG) and offer that PNG for download."""
    png = exports.figure_to_png(figure)
    st.image(png)
    st.download_button(
        "画像（PNG）でダウンロード",
        png,
        file_name=f"{stem}.png",
        mime=exports.PNG_MIME,
        key=f"{key}-png",
    )


def layer_download(layer: gpd.GeoDataFrame, stem: str, key: str) -> None:
    """A button to download a map layer as GeoJSON (EPSG:4326)."""
    st.download_button(
        "地図データ（GeoJSON）でダウンロード",
        exports.layer_to_geojson(layer),
        file_name=f"{stem}.geojson",
        mime=exports.GEOJSON_MIME,
        key=f"{key}-geojson",
    )

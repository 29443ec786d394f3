"""Display tables of the district chart: Japanese headers, formatted values.

The pages show these frames as they are; the numbers come from
:mod:`kitaku_maps.karte`, so what the app shows matches ``table``.
"""

from __future__ import annotations

import pandas as pd

from kitaku_maps import karte
from kitaku_maps.bundle import Bundle
from kitaku_maps.sentences import format_value


def _signed(value: float, decimals: int, unit: str) -> str:
    """A change with its sign and unit (points for percentages)."""
    if value is None or pd.isna(value):
        return "—"
    unit = "pt" if unit == "%" else unit
    return f"{value:+,.{decimals}f}{unit}"


def indicator_rows(bundle: Bundle, profile: pd.DataFrame) -> pd.DataFrame:
    """One display row per indicator of a district profile (one goal or all).

    Columns: 指標, 値, 年度, 区平均 (the ward's name), 市平均, 順位, 前年度比,
    2024年度比, 推移 (values over the years, for a line-chart column), 備考.
    """
    meta = bundle.meta
    decimals = bundle.indicators.set_index("indicator_id")["decimals"]
    ward_label = f"{meta['ward_name_ja']}平均"
    city_label = f"{meta['city_name_ja']}平均"
    rows = []
    for _, row in profile.iterrows():
        places = int(decimals[row["indicator_id"]])
        unit = row["unit"]
        rows.append(
            {
                "指標": row["name_ja"],
                "値": format_value(row.get("value"), unit, places),
                "年度": _year(row.get("fiscal_year")),
                ward_label: format_value(row.get("ward_average"), unit, places),
                city_label: format_value(row.get("city_average"), unit, places),
                "順位": _rank(row, meta),
                "前年度比": _signed(row.get("change_previous"), places, unit),
                f"{karte.POLICY_BASELINE_YEAR}年度比": _since_baseline(
                    row, places, unit
                ),
                "推移": _trend(bundle, row),
                "備考": _note(row, meta),
            }
        )
    return pd.DataFrame(rows)


def _since_baseline(row: pd.Series, places: int, unit: str) -> str:
    """The change since the policy baseline; 「基準年度」 for that year itself."""
    if row.get("fiscal_year") == karte.POLICY_BASELINE_YEAR:
        return "基準年度"
    return _signed(row.get("change_baseline"), places, unit)


def _year(year) -> str:
    """A fiscal year as 「2025年度」, or a dash."""
    return "—" if year is None or pd.isna(year) else f"{int(year)}年度"


def _rank(row: pd.Series, meta: dict) -> str:
    """「3位/21校区」 (or among the wards); a dash when unranked."""
    rank = row.get("rank")
    if rank is None or pd.isna(rank):
        return "—"
    word = meta["district_term_ja"] if row["level"] == "district" else "区"
    order = "（高い順）" if row["better"] == "neutral" else ""
    return f"{int(rank)}位/{int(row['n_ranked'])}{word}{order}"


def _trend(bundle: Bundle, row: pd.Series) -> list[float]:
    """Values of the district (or the ward, for ward figures) over the years."""
    series = karte.indicator_series(bundle, row["indicator_id"], row["area_code"])
    return [float(v) for v in series["value"] if pd.notna(v)]


def _note(row: pd.Series, meta: dict) -> str:
    """Marks for ward figures, surveys and demonstration values."""
    notes = []
    if row["is_ward_figure"]:
        term = meta["district_term_ja"]
        notes.append(f"{meta['ward_name_ja']}全体の値（{term}別の値なし）")
    if row["kind"] == "survey":
        notes.append("市民アンケート")
    if row.get("small_count"):
        notes.append("件数が少なく年ごとの変動が大きい（比較・分析で千人あたりを参照）")
    if row.get("status") == "demo":
        notes.append("デモ値")
    return "・".join(notes)

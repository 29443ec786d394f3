"""Display tables of the district chart and the analysis page: Japanese
headers, formatted values, and the Japanese form of tables for download.

The pages show these frames as they are; the numbers come from
:mod:`kitaku_maps.karte`, so what the app shows matches ``table``.
"""

from __future__ import annotations

import pandas as pd

from kitaku_maps import karte, scores
from kitaku_maps.bundle import Bundle
from kitaku_maps.sentences import MISSING_REASONS_JA, format_value


def _signed(value: float, decimals: int, unit: str) -> str:
    """A change with its sign and unit (points for percentages)."""
    if value is None or pd.isna(value):
        return "—"
    unit = "pt" if unit == "%" else unit
    if round(value, decimals) == 0:
        return f"±{0:.{decimals}f}{unit}"
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
    """「3位/21校区」 (or among the wards); a dash when unranked or alone."""
    rank = row.get("rank")
    if rank is None or pd.isna(rank) or int(row.get("n_ranked") or 0) < 2:
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


def scorecard_rows(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The goal scorecard with Japanese headers; ``スコア`` numeric (NaN = none).

    ``scorecard`` is :func:`kitaku_maps.scores.goal_scorecard`. This is the
    frame that is downloaded: a goal without comparable indicators has an
    empty score cell.
    """
    has_scores = scorecard["n_indicators"] > 0
    return pd.DataFrame(
        {
            "重点目標": scorecard["title_ja"],
            "評価": scorecard["score"]
            .map(scores.score_words)
            .where(has_scores, NO_SCORE_JA),
            "スコア": pd.to_numeric(scorecard["score"]).round(2),
            "指標数": scorecard["n_indicators"],
            "いちばん良い指標": scorecard["strongest_ja"].fillna("—"),
            "いちばん課題のある指標": scorecard["weakest_ja"].fillna("—"),
        }
    )


#: 評価 of a goal with no indicator to compare.
NO_SCORE_JA = "比べられる指標なし"


def scorecard_display(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`scorecard_rows` for the screen: scores as 「+0.16」, a dash for none."""
    shown = rows.copy()
    shown["スコア"] = [
        "—" if pd.isna(score) else f"{score:+.2f}" for score in rows["スコア"]
    ]
    return shown


#: Japanese headers of the English columns of analysis tables (downloads).
EXPORT_HEADERS_JA = {
    "area_code": "コード",
    "district_code": "コード",
    "name_ja": "名称",
    "value": "値",
    "unit": "単位",
    "rank": "順位",
    "status": "値の種類",
    "as_of": "時点",
    "missing_reason": "値がない理由",
    "boundary_status": "境界",
    "count": "件数",
    "population": "人口（延べ）",
    "years": "年数",
    "rate": "人口千人あたり（年平均）",
    "lower": "95%区間の下限",
    "upper": "95%区間の上限",
    "unstable": "件数が少なく不安定",
    "local_i": "局所モランI",
    "p_sim": "p値（並べ替え検定）",
    "quadrant": "象限",
    "cluster": "クラスター",
    "island": "隣接なし",
}

#: Words of the ``status`` and ``boundary_status`` values (downloads).
STATUS_JA = {
    "official": "公表値",
    "demo": "デモ値",
    "computed": "計算値",
    "approximate": "推定",
}


def export_table(
    frame: pd.DataFrame, meta: dict, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """An analysis table with Japanese headers and status words, for download.

    ``names`` renames further columns (e.g. ``{"x": "高齢化率"}``); the ward
    and city averages are named after the bundle's ward and city (in a table
    of the wards, ``ward_average`` is the home ward's own value).
    """
    ward_figure = frame.attrs.get("level") == "ward"
    headers = {
        **EXPORT_HEADERS_JA,
        "ward_average": f"{meta['ward_name_ja']}" + ("の値" if ward_figure else "平均"),
        "city_average": f"{meta['city_name_ja']}平均",
        **(names or {}),
    }
    words = {**STATUS_JA, **MISSING_REASONS_JA}
    table = frame.copy()
    for column in ("status", "boundary_status", "missing_reason"):
        if column in table.columns:
            table[column] = table[column].replace(words)
    return table.rename(columns=headers)

"""Display tables of the district chart and the analysis page: Japanese
headers, formatted values, and the Japanese form of tables for download.

The pages show these frames as they are; the numbers come from
:mod:`kitaku_maps.karte`, so what the app shows matches ``table``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kitaku_maps import karte, scores, small_counts
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


def profile_export(bundle: Bundle, profile: pd.DataFrame) -> pd.DataFrame:
    """A district profile as numbers for download (CSV/Excel), one row per indicator.

    Numbers stay numbers (rounded to the indicator's decimals), so a
    spreadsheet can compute with them; 値の範囲 says whether the value is the
    district's own or the whole ward's, and 文 is the generated sentence.
    """
    meta = bundle.meta
    decimals = bundle.indicators.set_index("indicator_id")["decimals"]
    places = profile["indicator_id"].map(decimals).astype(int)
    term = meta["district_term_ja"]

    def number(column: str) -> list:
        """One column rounded row by row to each indicator's decimals."""
        values = pd.to_numeric(profile[column], errors="coerce")
        return [
            None if pd.isna(v) else round(float(v), int(p))
            for v, p in zip(values, places, strict=True)
        ]

    baseline = karte.POLICY_BASELINE_YEAR
    return pd.DataFrame(
        {
            "重点目標": profile["goal_ja"],
            "指標": profile["name_ja"],
            "単位": profile["unit"],
            "年度": pd.to_numeric(profile["fiscal_year"]).astype("Int64"),
            "値の範囲": profile["is_ward_figure"].map(
                {True: f"{meta['ward_name_ja']}全体", False: term}
            ),
            "値": number("value"),
            f"{meta['ward_name_ja']}平均": number("ward_average"),
            f"{meta['city_name_ja']}平均": number("city_average"),
            "順位": pd.to_numeric(profile["rank"]).astype("Int64"),
            "順位の母数": pd.to_numeric(profile["n_ranked"]).astype("Int64"),
            "前年度からの変化": number("change_previous"),
            f"{baseline}年度からの変化": number("change_baseline"),
            "値の種類": profile["status"].replace(STATUS_JA),
            "時点": profile["as_of"],
            "文": profile["sentence"],
        }
    )


def ward_figure_rows(bundle: Bundle, profile: pd.DataFrame) -> pd.DataFrame:
    """:func:`indicator_rows` of ward figures: 「北区の値」, no ward-average column.

    The value of a ward figure is the ward's own, so its "ward average" would
    only repeat it.
    """
    ward = bundle.meta["ward_name_ja"]
    rows = indicator_rows(bundle, profile).drop(columns=f"{ward}平均")
    return rows.rename(columns={"値": f"{ward}の値"})


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
    return f"{int(rank)}位/{int(row['n_ranked'])}{word}{RANK_ORDER_JA[row['better']]}"


#: How ranks run, by the catalogue's ``better``: 1 = best, or the highest value.
RANK_ORDER_JA = {
    "higher": "",
    "lower": "（低いほど上位）",
    "neutral": "（高い順）",
}


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
        notes.append("件数が少なく年ごとの変動が大きい（人口千人あたりは下の文）")
    if row.get("status") == "demo":
        notes.append("デモ値")
    return "・".join(notes)


def rounded(table: pd.DataFrame, info: pd.Series) -> pd.DataFrame:
    """An indicator table with value and averages rounded as the app shows them.

    To the indicator's ``decimals``; whole numbers (``decimals`` 0) become
    integers, so a CSV says 8080, not 8080.0. Used by the ``table`` command
    and the analysis downloads, so both give the same numbers as the pages.
    """
    places = int(info["decimals"])
    out = table.copy()
    for column in ("value", "ward_average", "city_average"):
        numbers = pd.to_numeric(out[column], errors="coerce").astype(float)
        numbers = numbers.round(places)
        out[column] = numbers.round().astype("Int64") if places == 0 else numbers
    out.attrs = dict(table.attrs)
    return out


def compare_display(table: pd.DataFrame, bundle: Bundle) -> pd.DataFrame:
    """:func:`kitaku_maps.analysis.compare_districts` for the screen.

    Values as the district chart shows them (the indicator's decimals, unit,
    thousands separators); differences signed (points for percentages).
    """
    catalogue = bundle.indicators.set_index("name_ja")
    shown = table.astype(object).copy()
    differences = [c for c in table.columns if str(c).startswith("差（")]
    values = [c for c in table.columns if c not in ("指標", "単位", "年度")]
    for index, row in table.iterrows():
        info = catalogue.loc[row["指標"]]
        places, unit = int(info["decimals"]), str(info["unit"])
        for column in values:
            shown.at[index, column] = (
                _signed(row[column], places, unit)
                if column in differences
                else format_value(row[column], unit, places)
            )
    shown["年度"] = table["年度"].map(_year)
    return shown.drop(columns="単位")


def averages_note(bundle: Bundle) -> str:
    """How the ward and city averages are computed, in plain Japanese.

    The same rules as :mod:`kitaku_maps.karte` (and the ``table`` command).
    """
    ward, city = bundle.meta["ward_name_ja"], bundle.meta["city_name_ja"]
    term = bundle.meta["district_term_ja"]
    catalogue = bundle.indicators
    ages_column = catalogue.get("weight_ages", pd.Series("", index=catalogue.index))
    weighted = catalogue[ages_column.fillna("").astype(str) != ""]
    ages = "、".join(
        f"{row['name_ja']}は{_ages_ja(str(row['weight_ages']))}"
        for _, row in weighted.iterrows()
    )
    return (
        f"{ward}平均の求め方: 人数・件数の指標は{term}あたりの平均（{ward}の合計÷"
        f"値のある{term}の数）。率・割合の指標は{ward}の公表値、公表値がなければ"
        f"各{term}の値を人口で重み付けした平均（{ward}全体の率にあたり、{term}の値の"
        f"単純な平均ではありません"
        + (f"。重みは対象の年齢の人口: {ages}" if ages else "")
        + f"）。{city}平均は{city}の公表値がある率・割合のみ。"
    )


def _ages_ja(ages: str) -> str:
    """An age range in words: 「65+」 -> 「65歳以上」, 「40-74」 -> 「40〜74歳」."""
    if ages.endswith("+"):
        return f"{ages[:-1]}歳以上"
    return ages.replace("-", "〜") + "歳"


def small_count_note(bundle: Bundle, row: pd.Series, pool_years: int = 3) -> str:
    """A small count of one district per 1,000 residents with its interval.

    For example 「2024年度は人口千人あたり0.48件（95%区間0.06〜1.74）。件数が
    少なく不安定で、2022〜2024年度の3年をまとめると年平均0.95件（95%区間
    0.49〜1.67）」. Empty for ward figures or when the district has no count.
    """
    year = row.get("fiscal_year")
    if row["is_ward_figure"] or year is None or pd.isna(year):
        return ""
    indicator_id, code, year = row["indicator_id"], row["area_code"], int(year)
    one = _rate_row(bundle, indicator_id, code, year, 1)
    if one is None:
        return ""
    unit = row["unit"]
    text = f"{year}年度は人口千人あたり{_rate_text(one, unit)}"
    if one["unstable"]:
        text += "。件数が少なく不安定"
    pooled = _rate_row(bundle, indicator_id, code, year, pool_years)
    if pooled is not None and pooled["years"] > 1:
        first = year - pool_years + 1
        text += (
            f"で、{first}〜{year}年度の{int(pooled['years'])}年をまとめると年平均"
            f"{_rate_text(pooled, unit)}"
            + ("。まとめても件数が少なく不安定" if pooled["unstable"] else "")
        )
    return text


def _rate_row(bundle: Bundle, indicator_id: str, code: str, year: int, pool: int):
    """One district's row of :func:`small_counts.rates_per_thousand`, or None."""
    rates = small_counts.rates_per_thousand(bundle, indicator_id, year, pool)
    row = rates.set_index("area_code").loc[code]
    return None if pd.isna(row["rate"]) else row


def _rate_text(row: pd.Series, unit: str) -> str:
    """「0.95件（95%区間0.49〜1.67）」."""
    return f"{row['rate']:.2f}{unit}（95%区間{row['lower']:.2f}〜{row['upper']:.2f}）"


def sentence_line(bundle: Bundle, row: pd.Series) -> str:
    """A profile row's sentence with its changes and, for small counts, the rate
    per 1,000 residents (not escaped)."""
    text = row["sentence"] + (f"（{row['change_ja']}）" if row["change_ja"] else "")
    if row["small_count"]:
        rate = small_count_note(bundle, row)
        text += f" {rate}。" if rate else ""
    return text


def survey_note(row: pd.Series, term: str) -> str:
    """「name: 市民アンケート（2024年度）の設問「…」。区全体の値で…」 (not escaped)."""
    question = str(row.get("survey_question_ja") or "").strip()
    year = row.get("fiscal_year")
    when = f"{int(year)}年度" if year is not None and pd.notna(year) else "年度不明"
    return (
        f"{row['name_ja']}: 市民アンケート（{when}）"
        + (f"の設問「{question}」" if question else "")
        + f"。区全体の値で、この{term}だけの値ではありません。"
    )


def facility_counts(categories: pd.DataFrame, facilities: pd.DataFrame) -> pd.DataFrame:
    """種類 and 数 of facilities per category, in the categories' order."""
    counts = facilities["category_id"].value_counts()
    numbers = categories["category_id"].map(counts).fillna(0).astype(int)
    return pd.DataFrame({"種類": categories["name_ja"], "数": numbers})


#: Image files a photo in the bundle folder may be.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def photo_source(bundle: Bundle, item: pd.Series) -> str | None:
    """Where a facility's photo is: a web address, or a file in the bundle folder.

    ``photo_url`` may be an ``http(s)://`` address or a path relative to the
    bundle folder (e.g. ``photos/park.jpg``); a path that leaves the folder,
    is not an image or does not exist gives ``None``.
    """
    photo = str(item.get("photo_url") or "").strip()
    if photo.startswith(("http://", "https://")):
        return photo
    if not photo or not photo.lower().endswith(PHOTO_SUFFIXES):
        return None
    folder = Path(bundle.path).resolve()
    path = (folder / photo).resolve()
    return str(path) if path.is_relative_to(folder) and path.is_file() else None


def facility_line(item: pd.Series) -> str:
    """「name（address）（デモ）」 for a facility list (not escaped)."""
    address = str(item.get("address_ja") or "").strip()
    demo = "（デモ）" if item.get("status") == "demo" else ""
    return str(item["name_ja"]) + (f"（{address}）" if address else "") + demo


def scorecard_rows(scorecard: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """The goal scorecard with Japanese headers; ``スコア`` numeric (NaN = none).

    ``scorecard`` is :func:`kitaku_maps.scores.goal_scorecard`. This is the
    frame that is downloaded: a goal without comparable indicators has an
    empty score cell and says why in 評価 (see :func:`basis_words`); the last
    column gives the home ward's rank among the wards on the goal's
    ward-level rates and survey results.
    """
    has_scores = scorecard["n_indicators"] > 0
    basis = scorecard["basis"].map(lambda b: basis_words(b, meta))
    return pd.DataFrame(
        {
            "重点目標": scorecard["title_ja"],
            "評価": scorecard["score"].map(scores.score_words).where(has_scores, basis),
            "スコア": pd.to_numeric(scorecard["score"]).round(2),
            "指標数": scorecard["n_indicators"],
            "いちばん良い指標": scorecard["strongest_ja"].fillna("—"),
            "いちばん課題のある指標": scorecard["weakest_ja"].fillna("—"),
            standing_header(meta): scorecard["ward_standing_ja"].replace("", "—"),
        }
    )


def standing_header(meta: dict) -> str:
    """Header of the ward-standing column, e.g. 「北区全体の順位（区の比較）」."""
    return f"{meta['ward_name_ja']}全体の順位（区の比較）"


def basis_words(basis: str, meta: dict) -> str:
    """評価 of a goal without a score: why there is none, in a few words."""
    words = {
        scores.BASIS_NEUTRAL: "向きのない指標のみ",
        scores.BASIS_WARD: f"{meta['ward_name_ja']}全体の値のみ",
    }
    return words.get(basis, NO_SCORE_JA)


#: 評価 of a goal with no indicator at all.
NO_SCORE_JA = "指標なし"


def scorecard_notes(
    scorecard: pd.DataFrame, standings: pd.DataFrame, meta: dict
) -> list[str]:
    """One plain sentence or two per goal without a score: why, and what there is.

    ``standings`` is :func:`kitaku_maps.scores.ward_standings`. For example
    「産業振興: 校区別の値はなく、北区全体の値だけです。北区全体では、…の割合は
    20.2%で5区中5位（2024年度）です。」. Texts are not escaped.
    """
    notes = []
    for _, row in scorecard[scorecard["n_indicators"] == 0].iterrows():
        mine = standings[standings["goal_id"] == row["goal_id"]]
        text = _why_no_score(row, meta)
        if len(mine):
            text += f"{meta['ward_name_ja']}全体では、{_standing_clauses(mine)}です。"
        if row["ward_counts_ja"]:
            text += (
                f"件数の指標（{_few_names(row['ward_counts_ja'])}）は区の規模の違いを"
                "含むため区どうしの順位は付けず、値と推移を下の表に示しています。"
            )
        notes.append(f"{row['title_ja']}: {text}")
    return notes


def _few_names(names: str, most: int = 2) -> str:
    """「A、B」, or 「Aなど6指標」 when ``names`` (joined by 、) lists more."""
    parts = names.split("、")
    if len(parts) <= most:
        return names
    return f"{parts[0]}など{len(parts)}指標"


def _standing_clauses(standings: pd.DataFrame) -> str:
    """「Aは47.7%で5区中2位（2024年度）、Bは…」 for the ward's standings."""
    return "、".join(
        f"{row['name_ja']}は"
        f"{format_value(row['value'], row['unit'], int(row['decimals']))}で"
        f"{int(row['n_ranked'])}区中{int(row['rank'])}位（{int(row['fiscal_year'])}年度）"
        for _, row in standings.iterrows()
    )


def _why_no_score(row: pd.Series, meta: dict) -> str:
    """Why a goal has no score, in one sentence."""
    term = meta["district_term_ja"]
    if row["basis"] == scores.BASIS_NEUTRAL:
        return (
            f"{term}別の指標（{row['neutral_ja']}）は値の大小だけでは良し悪しが"
            f"決まらないため点数にしていません（値と順位は下の「{row['title_ja']}」"
            "の表にあります）。"
        )
    if row["basis"] == scores.BASIS_WARD:
        return f"{term}別の値はなく、{meta['ward_name_ja']}全体の値だけです。"
    return "この目標の指標にはまだ値がありません。"


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


def sources_line(bundle: Bundle, profile: pd.DataFrame) -> str:
    """「出典: …（2025-03-31時点）、…」 for the values shown of profile rows.

    Each shown value (indicator, area, year) is looked up in the bundle's
    values, so the line names exactly the sources behind the table; ''
    when nothing is shown.
    """
    shown = profile.dropna(subset=["fiscal_year"])
    keys = pd.DataFrame(
        {
            "indicator_id": shown["indicator_id"].astype(str),
            "area_code": shown["area_code"].astype(str),
            "fiscal_year": shown["fiscal_year"].astype(int),
        }
    )
    used = bundle.values.merge(keys, on=["indicator_id", "area_code", "fiscal_year"])
    if used.empty:
        return ""

    titles = bundle.sources.set_index("source_id")["title_ja"]
    dated = used.groupby("source_id")["as_of"].max().sort_index()
    parts = [
        f"{titles.get(source, source)}（{as_of}時点）"
        for source, as_of in dated.items()
    ]
    return "出典: " + "、".join(parts)

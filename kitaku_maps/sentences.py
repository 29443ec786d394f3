"""Plain-Japanese sentences about an indicator, generated from the data.

For example 「高齢化率は32.1%で、北区平均の約1.2倍、21校区中4番目に高い。」.
The ward's name and the word for a district come from ``bundle.meta``.
Counts (people, cases, facilities) are 多い/少ない; rates and shares are
高い/低い (「人口は…21校区中4番目に少ない」).

Words for a value against an average (ratio = value / average):

====================  ==========================
ratio                 words
====================  ==========================
0.95 to 1.05          ほぼ同じ
1.05 to 1.15          やや高い
1.15 to 1.9           約1.2倍 (one decimal)
1.9 to 2.1            約2倍
2.1 and over          約2.5倍, 約3倍 (one decimal, ``.0`` dropped)
0.85 to 0.95          やや低い
0.55 to 0.85          約6割 (tenths)
0.45 to 0.55          約半分
under 0.45            約3割, 1割未満
====================  ==========================

Tenths and decimals are rounded half up (0.25 -> 約3割), not to even.
"""

from __future__ import annotations

import math

import pandas as pd

#: Words of ``missing_reason`` values.
MISSING_REASONS_JA = {
    "suppressed": "秘匿",
    "not_collected": "未集計",
}


def format_value(value: float, unit: str, decimals: int) -> str:
    """A value with thousands separators, fixed decimals and its unit."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.{int(decimals)}f}{unit}"


#: Words for "higher" and "lower": for counts, and for rates and shares.
HIGH_LOW_COUNT = ("多い", "少ない")
HIGH_LOW_RATE = ("高い", "低い")


def high_low(kind: str) -> tuple[str, str]:
    """(higher, lower) in words for an indicator kind: 多い/少ない for counts."""
    return HIGH_LOW_COUNT if kind == "count" else HIGH_LOW_RATE


def _half_up(number: float, decimals: int = 0) -> float:
    """``number`` rounded half up (Python's ``round`` rounds half to even)."""
    scale = 10**decimals
    return math.floor(number * scale + 0.5 + 1e-9) / scale


def _number(ratio: float) -> str:
    """One decimal, without a trailing ``.0`` (2.0 -> 2, 1.25 -> 1.3)."""
    text = f"{_half_up(ratio, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def ratio_words(
    value: float, average: float, label: str, words: tuple[str, str] = HIGH_LOW_RATE
) -> str:
    """How a value compares with an average, e.g. 「北区平均の約1.2倍」.

    ``words`` are the (higher, lower) words, see :func:`high_low`. Empty when
    either number is missing or not positive (no ratio to speak of).
    """
    if pd.isna(value) or pd.isna(average) or average <= 0 or value <= 0:
        return ""
    ratio = value / average
    higher, lower = words
    if 0.95 <= ratio < 1.05:
        return f"{label}とほぼ同じ"
    if 1.05 <= ratio < 1.15:
        return f"{label}よりやや{higher}"
    if 0.85 <= ratio < 0.95:
        return f"{label}よりやや{lower}"
    if 1.9 <= ratio < 2.1:
        return f"{label}の約2倍"
    if ratio >= 1.15:
        return f"{label}の約{_number(ratio)}倍"
    if 0.45 <= ratio < 0.55:
        return f"{label}の約半分"
    if ratio < 0.1:
        return f"{label}の1割未満"
    return f"{label}の約{int(_half_up(ratio * 10))}割"


def rank_words(
    values: dict[str, float],
    area_code: str,
    count_word: str,
    words: tuple[str, str] = HIGH_LOW_RATE,
) -> str:
    """Where one area stands by value, e.g. 「21校区中4番目に高い」.

    ``values`` maps area codes to values (NaN = missing); ``words`` are the
    (higher, lower) words. The position is counted from the top in the upper
    half and from the bottom in the lower half; ties share it.
    """
    present = {code: v for code, v in values.items() if not pd.isna(v)}
    if area_code not in present or len(present) < 2:
        return ""
    value = present[area_code]
    n = len(present)
    from_top = sum(v > value for v in present.values()) + 1
    from_bottom = sum(v < value for v in present.values()) + 1
    tied = sum(v == value for v in present.values()) > 1
    prefix = f"{n}{count_word}中" + ("同率で" if tied else "")
    higher, lower = words

    if from_top <= from_bottom:
        place = "最も" if from_top == 1 else f"{from_top}番目に"
        return f"{prefix}{place}{higher}"
    place = "最も" if from_bottom == 1 else f"{from_bottom}番目に"
    return f"{prefix}{place}{lower}"


def indicator_sentence(
    info: pd.Series, table: pd.DataFrame, area_code: str, meta: dict
) -> str:
    """One sentence on an area's value, its ward average and its rank.

    ``table`` is :func:`kitaku_maps.karte.indicator_table` of one year.
    """
    return table_sentences(info, table, meta).get(str(area_code), "")


def table_sentences(info: pd.Series, table: pd.DataFrame, meta: dict) -> dict[str, str]:
    """:func:`indicator_sentence` for every area of ``table``, by area code."""
    values = dict(zip(table["area_code"], table["value"], strict=True))
    reasons = dict(zip(table["area_code"], table["missing_reason"], strict=True))
    if info["level"] == "district":
        label = f"{meta['ward_name_ja']}平均"
        average = table["ward_average"].iloc[0] if len(table) else float("nan")
        count_word, subject = meta["district_term_ja"], info["name_ja"]
    else:
        label = f"{meta['city_name_ja']}平均"
        if info["kind"] == "count":
            wards = int(table["value"].notna().sum())
            label = f"{meta['city_name_ja']}の{wards}区の平均"
        average = table["city_average"].iloc[0] if len(table) else float("nan")
        count_word, subject = "区", f"{meta['ward_name_ja']}の{info['name_ja']}"

    year = table.attrs.get("fiscal_year", "")
    sentences = {}
    for code, value in values.items():
        if pd.isna(value):
            why = MISSING_REASONS_JA.get(str(reasons[code]), "データなし")
            sentences[code] = (
                f"{info['name_ja']}の{year}年度の値はありません（{why}）。"
            )
            continue
        shown = format_value(value, info["unit"], int(info["decimals"]))
        words = high_low(str(info["kind"]))
        parts = [f"{subject}は{shown}"]
        parts += [
            p
            for p in (
                ratio_words(value, average, label, words),
                rank_words(values, code, count_word, words),
            )
            if p
        ]
        sentences[code] = _join_clauses(parts)
    return sentences


#: Endings of comparison words and their continuative forms, used when
#: another clause follows (「やや高い、」 reads as a list; 「やや高く、」 flows).
CONTINUATIVE = (
    ("高い", "高く"),
    ("低い", "低く"),
    ("多い", "多く"),
    ("少ない", "少なく"),
    ("同じ", "同じで"),
)


def _continuative(clause: str) -> str:
    """「北区平均よりやや高い」 -> 「北区平均よりやや高く」; nouns stay as they are."""
    for ending, joined in CONTINUATIVE:
        if clause.endswith(ending):
            return clause[: -len(ending)] + joined
    return clause


def _join_clauses(parts: list[str]) -> str:
    """「AはBで、C、D。」 with every clause but the last in continuative form."""
    head, *rest = parts
    if not rest:
        return f"{head}。"
    middle = [_continuative(clause) for clause in rest[:-1]]
    return f"{head}で、" + "".join(f"{clause}、" for clause in middle) + rest[-1] + "。"


def change_words(change: float, info: pd.Series, since: str) -> str:
    """A change in words, e.g. 「2024年度から1.2ポイント上昇」."""
    if change is None or pd.isna(change):
        return ""
    unit = "ポイント" if info["unit"] == "%" else str(info["unit"])
    decimals = int(info["decimals"])
    if math.isclose(round(change, decimals), 0.0, abs_tol=1e-12):
        return f"{since}から横ばい"
    direction = "増加" if change > 0 else "減少"
    if info["unit"] == "%":
        direction = "上昇" if change > 0 else "低下"
    return f"{since}から{abs(change):,.{decimals}f}{unit}{direction}"

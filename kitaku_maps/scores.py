"""Standardised scores of districts, and the goal scorecard of one district.

A score is the z-score of a district's latest value among the districts
(mean 0, standard deviation 1, population standard deviation), oriented so
that higher is always better: indicators where lower is better are negated.
Neutral indicators have no good direction and are left out of the scorecard
(the heat table can still show them, unoriented). Ward-level indicators are
left out: they are not the district's own figures.

Counts that can be shown per 1,000 residents (``per_population`` in the
catalogue) are scored per 1,000 residents, so a district is not better or
worse just for being large; small counts (``small_count``) are pooled over
:data:`SCORE_POOL_YEARS` years first, so a district is not judged on one
year's noise.

A goal with no scored indicator says why (:data:`BASIS_NEUTRAL`: its district
indicators have no good direction; :data:`BASIS_WARD`: it has ward figures
only), and every goal carries the home ward's standing among the city's wards
on its ward-level rates, shares and survey results (:func:`ward_standings`).
Ward-level counts get no standing: they mostly reflect the wards' sizes.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kitaku_maps import karte, small_counts
from kitaku_maps.bundle import Bundle

logger = logging.getLogger(__name__)

#: Columns of :func:`goal_scorecard`, in order.
SCORECARD_COLUMNS = [
    "goal_id",
    "title_ja",
    "score",
    "n_indicators",
    "strongest_id",
    "strongest_ja",
    "strongest_score",
    "weakest_id",
    "weakest_ja",
    "weakest_score",
    "basis",
    "neutral_ja",
    "ward_counts_ja",
    "ward_standing_ja",
]

#: Years pooled for the rate of a small count in the scores.
SCORE_POOL_YEARS = 3

#: ``basis`` of a scorecard row: scored on the district's own indicators.
BASIS_DISTRICT = "district"

#: ``basis``: the goal's district indicators all lack a good direction.
BASIS_NEUTRAL = "neutral"

#: ``basis``: the goal has figures of the whole ward only.
BASIS_WARD = "ward"

#: ``basis``: the goal has no indicator with values.
BASIS_NONE = "none"

#: Columns of :func:`ward_standings`, in order.
STANDING_COLUMNS = [
    "goal_id",
    "indicator_id",
    "name_ja",
    "fiscal_year",
    "value",
    "unit",
    "decimals",
    "rank",
    "n_ranked",
]


def district_indicators(bundle: Bundle, include_neutral: bool = False) -> pd.DataFrame:
    """Catalogue rows of district-level indicators in goal and catalogue order."""
    catalogue = bundle.indicators
    keep = catalogue["level"] == "district"
    if not include_neutral:
        keep &= catalogue["better"] != "neutral"
    goal_order = bundle.goals.set_index("goal_id")["order"]
    rows = catalogue[keep].assign(goal_order=catalogue["goal_id"].map(goal_order))
    return rows.sort_values(["goal_order", "order"]).drop(columns="goal_order")


def standardised_scores(
    bundle: Bundle, fiscal_year: int | None = None, include_neutral: bool = False
) -> pd.DataFrame:
    """Districts (rows, by code) x district-level indicators (columns) z-scores.

    Each indicator uses ``fiscal_year`` or, when ``None``, its latest year.
    Oriented so that higher is better; neutral indicators (when included) are
    not oriented. An indicator with no spread gets 0 for every district.
    """
    codes = karte.areas(bundle, "district")["area_code"]
    scores = {}
    for _, info in district_indicators(bundle, include_neutral).iterrows():
        indicator_id = str(info["indicator_id"])
        year = fiscal_year or karte.latest_year(bundle, indicator_id)
        if year is None:
            continue
        values = scored_values(bundle, info, year).reindex(codes)
        scores[indicator_id] = zscores(values) * (
            -1.0 if info["better"] == "lower" else 1.0
        )
    return pd.DataFrame(scores, index=pd.Index(codes, name="area_code"))


def _flag(info: pd.Series, column: str) -> bool:
    """A 0/1 catalogue column as a bool (blank = 0)."""
    value = info.get(column)
    return bool(int(value)) if value is not None and pd.notna(value) else False


def is_per_population(info: pd.Series) -> bool:
    """Whether the scores use the indicator per 1,000 residents."""
    return str(info["kind"]) == "count" and _flag(info, "per_population")


def scored_values(bundle: Bundle, info: pd.Series, fiscal_year: int) -> pd.Series:
    """The values a score is computed from, by district code.

    The indicator's value, or for :func:`is_per_population` counts the count
    per 1,000 residents of that year; a small count is pooled over the
    :data:`SCORE_POOL_YEARS` years ending in ``fiscal_year`` (total count over
    person-years, see :func:`kitaku_maps.small_counts.rates_per_thousand`).
    """
    indicator_id = str(info["indicator_id"])
    if is_per_population(info):
        pool = SCORE_POOL_YEARS if _flag(info, "small_count") else 1
        rates = small_counts.rates_per_thousand(bundle, indicator_id, fiscal_year, pool)
        return rates.set_index("area_code")["rate"]
    table = karte.indicator_table(bundle, indicator_id, fiscal_year)
    return table.set_index("area_code")["value"]


def zscores(values: pd.Series) -> pd.Series:
    """(value - mean) / standard deviation over the non-missing values."""
    spread = values.std(ddof=0)
    if not spread or np.isnan(spread):
        return values.where(values.isna(), 0.0)
    return (values - values.mean()) / spread


def goal_scorecard(bundle: Bundle, district_code: str) -> pd.DataFrame:
    """One row per goal: the district's mean score and its best/worst indicator.

    ``score`` is the mean oriented z-score over the goal's scored indicators
    (NaN when the goal has none with a district value, e.g. only ward figures).
    ``basis`` says what the row rests on (``BASIS_*``), ``neutral_ja`` names
    the goal's district indicators without a good direction, ``ward_counts_ja``
    its ward-level counts (which get no standing among the wards), and
    ``ward_standing_ja`` gives the home ward's rank among the wards on the
    goal's ward-level rates (e.g. 「…の割合 2位/5区」), "" when none.
    """
    scores = karte.memoised(bundle, "scores", standardised_scores)
    names = bundle.indicators.set_index("indicator_id")["name_ja"]
    goal_of = bundle.indicators.set_index("indicator_id")["goal_id"]
    groups = score_groups(bundle)
    own = scores.loc[district_code] if district_code in scores.index else pd.Series()
    standings = ward_standings(bundle)

    rows = []
    for _, goal in bundle.goals.sort_values("order").iterrows():
        ids = [i for i in scores.columns if goal_of[i] == goal["goal_id"]]
        goal_scores = own.reindex(ids).dropna()
        row = _goal_row(goal, goal_scores, names, groups)
        row.update(_goal_context(bundle, goal["goal_id"], standings))
        if len(goal_scores):
            row["basis"] = BASIS_DISTRICT
        rows.append(row)
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def _goal_context(bundle: Bundle, goal_id: str, standings: pd.DataFrame) -> dict:
    """``basis``, ``neutral_ja``, ``ward_counts_ja`` and ``ward_standing_ja``."""
    catalogue = bundle.indicators[bundle.indicators["goal_id"] == goal_id]
    with_values = catalogue[
        catalogue["indicator_id"]
        .map(lambda i: karte.latest_year(bundle, i))
        .notna()
        .to_numpy()
    ]
    district = with_values[with_values["level"] == "district"]
    neutral = district[district["better"] == "neutral"]
    ward_counts = with_values[
        (with_values["level"] == "ward") & (with_values["kind"] == "count")
    ]
    if len(district):
        basis = BASIS_NEUTRAL
    else:
        basis = BASIS_WARD if (with_values["level"] == "ward").any() else BASIS_NONE

    mine = standings[standings["goal_id"] == goal_id]
    standing = "、".join(
        f"{row['name_ja']} {int(row['rank'])}位/{int(row['n_ranked'])}区"
        for _, row in mine.iterrows()
    )
    return {
        "basis": basis,
        "neutral_ja": "、".join(neutral["name_ja"]),
        "ward_counts_ja": "、".join(ward_counts["name_ja"]),
        "ward_standing_ja": standing,
    }


def ward_standings(bundle: Bundle) -> pd.DataFrame:
    """The home ward's rank among the wards on each ward-level rate (latest year).

    One row per ward-level indicator with a good direction whose kind is a
    rate, share or survey and that at least two wards have (``STANDING_COLUMNS``;
    rank 1 = best). Counts are left out: a ward total mostly reflects the
    ward's size, and ward populations are not in the bundle.
    """
    return karte.memoised(bundle, "ward_standings", _ward_standings).copy()


def _ward_standings(bundle: Bundle) -> pd.DataFrame:
    """Compute :func:`ward_standings`."""
    catalogue = bundle.indicators
    wanted = catalogue[
        (catalogue["level"] == "ward")
        & (catalogue["better"] != "neutral")
        & catalogue["kind"].isin(karte.RATE_KINDS)
    ]
    home = str(bundle.meta["ward_code"])
    rows = []
    for _, info in wanted.iterrows():
        year = karte.latest_year(bundle, str(info["indicator_id"]))
        if year is None:
            continue
        table = karte.indicator_table(bundle, str(info["indicator_id"]), year)
        own = table[table["area_code"] == home]
        n_ranked = int(table["value"].notna().sum())
        if own.empty or pd.isna(own["rank"].iloc[0]) or n_ranked < 2:
            continue
        rows.append(
            {
                **{c: info[c] for c in ("goal_id", "indicator_id", "name_ja")},
                **{c: info[c] for c in ("unit", "decimals")},
                "fiscal_year": year,
                "value": float(own["value"].iloc[0]),
                "rank": int(own["rank"].iloc[0]),
                "n_ranked": n_ranked,
            }
        )
    return pd.DataFrame(rows, columns=STANDING_COLUMNS)


def score_groups(bundle: Bundle) -> pd.Series:
    """The score group of each indicator id; an ungrouped one is its own group.

    Indicators of one ``score_group`` (catalogue column) measure one thing in
    several ways, e.g. the distance to a shelter for each hazard type: a goal
    score weighs the group once, not once per member.
    """
    catalogue = bundle.indicators.set_index("indicator_id")
    column = catalogue.get("score_group", pd.Series("", index=catalogue.index))
    named = column.fillna("").astype(str).str.strip()
    return named.where(named != "", catalogue.index.to_series())


def _goal_row(
    goal: pd.Series, goal_scores: pd.Series, names: pd.Series, groups: pd.Series
) -> dict:
    """The scorecard row of one goal from its indicators' scores.

    ``score`` is the mean over :func:`score_groups` of each group's mean; the
    strongest and weakest are single indicators.
    """
    row = {"goal_id": goal["goal_id"], "title_ja": goal["title_ja"]}
    row["n_indicators"] = len(goal_scores)
    if goal_scores.empty:
        return {**row, "score": np.nan}

    best, worst = goal_scores.idxmax(), goal_scores.idxmin()
    by_group = goal_scores.groupby(groups.reindex(goal_scores.index)).mean()
    return {
        **row,
        "score": float(by_group.mean()),
        "strongest_id": best,
        "strongest_ja": names[best],
        "strongest_score": float(goal_scores[best]),
        "weakest_id": worst,
        "weakest_ja": names[worst],
        "weakest_score": float(goal_scores[worst]),
    }


#: Words for a goal score (mean oriented z-score), from the top.
SCORE_WORDS = ((0.5, "強み"), (0.2, "やや強み"), (-0.2, "平均的"), (-0.5, "やや弱み"))


def score_words(score: float) -> str:
    """A plain word for a score: 強み, やや強み, 平均的, やや弱み or 弱み."""
    if score is None or np.isnan(score):
        return "—"
    for threshold, words in SCORE_WORDS:
        if score >= threshold:
            return words
    return "弱み"

"""Standardised scores of districts, and the goal scorecard of one district.

A score is the z-score of a district's latest value among the districts
(mean 0, standard deviation 1, population standard deviation), oriented so
that higher is always better: indicators where lower is better are negated.
Neutral indicators have no good direction and are left out of the scorecard
(the heat table can still show them, unoriented). Ward-level indicators are
left out: they are not the district's own figures.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from kitaku_maps import karte
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
        table = karte.indicator_table(bundle, indicator_id, year)
        values = table.set_index("area_code")["value"].reindex(codes)
        scores[indicator_id] = zscores(values) * (
            -1.0 if info["better"] == "lower" else 1.0
        )
    return pd.DataFrame(scores, index=pd.Index(codes, name="area_code"))


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
    """
    scores = standardised_scores(bundle)
    names = bundle.indicators.set_index("indicator_id")["name_ja"]
    goal_of = bundle.indicators.set_index("indicator_id")["goal_id"]
    own = scores.loc[district_code] if district_code in scores.index else pd.Series()

    rows = []
    for _, goal in bundle.goals.sort_values("order").iterrows():
        ids = [i for i in scores.columns if goal_of[i] == goal["goal_id"]]
        goal_scores = own.reindex(ids).dropna()
        rows.append(_goal_row(goal, goal_scores, names))
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def _goal_row(goal: pd.Series, goal_scores: pd.Series, names: pd.Series) -> dict:
    """The scorecard row of one goal from its indicators' scores."""
    row = {"goal_id": goal["goal_id"], "title_ja": goal["title_ja"]}
    row["n_indicators"] = len(goal_scores)
    if goal_scores.empty:
        return {**row, "score": np.nan}

    best, worst = goal_scores.idxmax(), goal_scores.idxmin()
    return {
        **row,
        "score": float(goal_scores.mean()),
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

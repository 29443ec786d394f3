"""District chart (校区カルテ) figures: per-area tables, ranks, averages, changes.

How the averages are computed (the ward would compute them the same way):

- **Ward average** of a district-level indicator:
  - ``count`` indicators (people, cases, facilities): the mean per district,
    i.e. the ward total divided by the number of districts with a value, so it
    compares like with like against one district's count;
  - ``rate``, ``share`` and ``survey`` indicators: the ward's own published
    or computed ward-level value in ``values.csv`` when it exists for that
    year; otherwise the mean of the districts weighted by their residents in
    the catalogue's ``weight_ages`` (all residents when blank; ``65+`` for a
    rate among people 65 and over) from ``population.csv``, which equals the
    ward-wide rate when the rate's denominator is those residents (the plain
    mean of districts is used only when no population is known).
- **City average** of a district-level indicator: the city's value in
  ``values.csv`` for rates, shares and surveys; none for counts (a city total
  cannot be compared with one district's count).
- For **ward-level** indicators the rows are the city's wards: the "ward
  average" is the home ward's own value, and the city average is the city's
  published value (rates) or the mean per ward over the wards with a value
  (counts; none when fewer than two wards have one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from kitaku_maps import sentences, settings
from kitaku_maps.bundle import Bundle, age_groups
from kitaku_maps.errors import KitakuError, UnknownDistrictError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The policy's baseline year, which changes are measured from (settings).
POLICY_BASELINE_YEAR = settings.POLICY_BASELINE_YEAR

#: Indicator kinds whose averages are population-weighted (not summed).
RATE_KINDS = ("rate", "share", "survey")

#: Columns of :func:`indicator_table`, in order.
TABLE_COLUMNS = [
    "area_code",
    "name_ja",
    "value",
    "unit",
    "rank",
    "ward_average",
    "city_average",
    "status",
    "as_of",
    "missing_reason",
]


class UnknownIndicatorError(KitakuError, KeyError):
    """An indicator id is not in the catalogue."""

    def __init__(self, indicator_id: str, known: list[str]) -> None:
        self.text = (
            f"unknown indicator {indicator_id!r}; expected one of: " + ", ".join(known)
        )
        self.message_ja = f"指標「{indicator_id}」はカタログにありません。"
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text


def indicator_info(bundle: Bundle, indicator_id: str) -> pd.Series:
    """The catalogue row of one indicator (``indicators.csv``)."""
    by_id = memoised(bundle, "catalogue", _catalogue_by_id)
    if indicator_id not in by_id:
        known = bundle.indicators["indicator_id"].tolist()
        raise UnknownIndicatorError(indicator_id, known)
    return by_id[indicator_id].copy()


def _catalogue_by_id(bundle: Bundle) -> dict[str, pd.Series]:
    """Catalogue rows by indicator id."""
    return {str(row["indicator_id"]): row for _, row in bundle.indicators.iterrows()}


def areas(bundle: Bundle, level: str) -> pd.DataFrame:
    """The areas of a level in display order: ``area_code`` and ``name_ja``."""
    return memoised(bundle, f"areas-{level}", lambda b: _areas(b, level)).copy()


def _areas(bundle: Bundle, level: str) -> pd.DataFrame:
    """The areas of a level, computed (see :func:`areas`)."""
    if level == "district":
        frame, code = bundle.districts, "district_code"
    elif level == "ward":
        frame, code = bundle.wards.sort_values("ward_code"), "ward_code"
    if level in ("district", "ward"):
        return pd.DataFrame(
            {
                "area_code": frame[code].astype(str).to_numpy(),
                "name_ja": frame["name_ja"].to_numpy(),
            }
        )
    return pd.DataFrame(
        {
            "area_code": [str(bundle.meta["city_code"])],
            "name_ja": [bundle.meta["city_name_ja"]],
        }
    )


def area_values(
    bundle: Bundle, indicator_id: str, level: str, fiscal_year: int | None = None
) -> pd.DataFrame:
    """Rows of ``values.csv`` for one indicator and level (and year, if given)."""
    frame = _values_by_indicator(bundle).get((indicator_id, level))
    if frame is None:
        return bundle.values.iloc[0:0].assign(area_code=pd.Series(dtype=str))
    if fiscal_year is not None:
        frame = frame[frame["fiscal_year"] == int(fiscal_year)]
    return frame


#: Derived read-only results per bundle, by ``id(bundle.values)``: the values
#: frame (kept to check identity, as bundles are not hashable) and a dict of
#: results. Only the latest few bundles are kept.
_MEMO: dict[int, tuple[pd.DataFrame, dict]] = {}

#: How many bundles :func:`memoised` keeps results for.
MEMO_BUNDLES = 4


def memoised(bundle: Bundle, key: str, compute: Callable[[Bundle], T]) -> T:
    """``compute(bundle)`` once per bundle and key (results are read-only)."""
    cached = _MEMO.get(id(bundle.values))
    if cached is None or cached[0] is not bundle.values:
        while len(_MEMO) >= MEMO_BUNDLES:
            _MEMO.pop(next(iter(_MEMO)))
        cached = _MEMO[id(bundle.values)] = (bundle.values, {})
    results = cached[1]
    if key not in results:
        results[key] = compute(bundle)
    return results[key]


def _values_by_indicator(bundle: Bundle) -> dict:
    """The bundle's values grouped by (indicator, level), computed once."""

    def split(bundle: Bundle) -> dict:
        """Group the values once; area codes as text."""
        values = bundle.values.assign(area_code=bundle.values["area_code"].astype(str))
        return dict(iter(values.groupby(["indicator_id", "level"])))

    return memoised(bundle, "values_by_indicator", split)


def years_of(bundle: Bundle, indicator_id: str) -> list[int]:
    """Fiscal years with at least one value of the indicator at its own level."""
    level = indicator_info(bundle, indicator_id)["level"]
    frame = area_values(bundle, indicator_id, level)
    return sorted({int(y) for y in frame.loc[frame["value"].notna(), "fiscal_year"]})


def latest_year(bundle: Bundle, indicator_id: str) -> int | None:
    """The latest fiscal year with a value of the indicator, or ``None``."""
    years = years_of(bundle, indicator_id)
    return years[-1] if years else None


def district_population(bundle: Bundle, fiscal_year: int, ages: str = "") -> pd.Series:
    """Residents per district code in a fiscal year, of ``ages`` (all when "").

    ``ages`` is a range such as ``"65+"`` or ``"40-74"`` (years of age).
    Uses the latest year at or before ``fiscal_year`` (the earliest year when
    there is none), so rates can be computed for years without a census.
    """
    population = bundle.population
    if population.empty:
        return pd.Series(dtype=float)
    years = sorted(population["fiscal_year"].unique())
    earlier = [y for y in years if y <= fiscal_year]
    year = earlier[-1] if earlier else years[0]
    rows = population[
        (population["fiscal_year"] == year)
        & population["age_group"].isin(age_groups(ages))
    ]
    totals = rows.groupby(rows["district_code"].astype(str))["population"].sum()
    return totals.astype(float)


def rank_values(values: pd.Series, better: str) -> pd.Series:
    """Ranks, 1 = best (highest for ``higher`` and ``neutral``, lowest for
    ``lower``); ties share the smallest rank; missing values stay unranked,
    and so does a value that is the only one (a rank among one says nothing)."""
    ranks = values.rank(method="min", ascending=(better == "lower"))
    if values.notna().sum() < 2:
        ranks = ranks * np.nan
    return ranks.astype("Int64")


def indicator_table(
    bundle: Bundle, indicator_id: str, fiscal_year: int
) -> pd.DataFrame:
    """One row per area of the indicator's level, with ranks and averages.

    Districts (or the city's wards, for ward-level indicators) in display
    order with ``TABLE_COLUMNS``. See the module docstring for the averages.
    Computed once per bundle, indicator and year; the caller gets a copy.
    """
    key = f"table-{indicator_id}-{int(fiscal_year)}"
    table = memoised(
        bundle, key, lambda b: _indicator_table(b, indicator_id, fiscal_year)
    )
    copy = table.copy()
    copy.attrs = dict(table.attrs)
    return copy


def _indicator_table(
    bundle: Bundle, indicator_id: str, fiscal_year: int
) -> pd.DataFrame:
    """Compute the table of :func:`indicator_table`."""
    info = indicator_info(bundle, indicator_id)
    level = str(info["level"])
    table = areas(bundle, level)

    values = area_values(bundle, indicator_id, level, fiscal_year)
    columns = ["area_code", "value", "status", "as_of", "missing_reason"]
    table = table.merge(values[columns], on="area_code", how="left")
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    table["unit"] = info["unit"]
    table["rank"] = rank_values(table["value"], str(info["better"]))

    ward_avg, city_avg = _averages(bundle, info, table, fiscal_year)
    table["ward_average"] = ward_avg
    table["city_average"] = city_avg
    table.attrs = {
        "indicator_id": indicator_id,
        "fiscal_year": int(fiscal_year),
        "level": level,
    }
    return table[TABLE_COLUMNS]


def _published(
    bundle: Bundle, indicator_id: str, level: str, code: str, year: int
) -> float:
    """The value in ``values.csv`` for one area and year, or NaN."""
    frame = area_values(bundle, indicator_id, level, year)
    hit = frame.loc[frame["area_code"] == str(code), "value"].dropna()
    return float(hit.iloc[0]) if len(hit) else np.nan


def _averages(
    bundle: Bundle, info: pd.Series, table: pd.DataFrame, year: int
) -> tuple[float, float]:
    """(ward average, city average) of one indicator and year."""
    indicator_id, kind = str(info["indicator_id"]), str(info["kind"])
    ward_code, city_code = bundle.meta["ward_code"], bundle.meta["city_code"]
    city_value = _published(bundle, indicator_id, "city", city_code, year)

    if str(info["level"]) == "ward":
        home = table.loc[table["area_code"] == str(ward_code), "value"]
        home_value = float(home.iloc[0]) if len(home) else np.nan
        if kind in RATE_KINDS:
            return home_value, city_value
        present = table["value"].dropna()
        return home_value, float(present.mean()) if len(present) > 1 else np.nan

    if kind not in RATE_KINDS:
        return float(table["value"].mean()), np.nan

    ward_value = _published(bundle, indicator_id, "ward", ward_code, year)
    if np.isnan(ward_value):
        weights = district_population(bundle, year, _weight_ages(info))
        ward_value = weighted_mean(table, weights)
    return ward_value, city_value


def _weight_ages(info: pd.Series) -> str:
    """The age range whose residents weight the ward average ('' for all)."""
    ages = info.get("weight_ages")
    return "" if ages is None or pd.isna(ages) else str(ages)


def weighted_mean(table: pd.DataFrame, population: pd.Series) -> float:
    """Population-weighted mean of ``value`` over rows with a value.

    Falls back to the plain mean when a district with a value has no
    population.
    """
    rows = table[table["value"].notna()]
    if rows.empty:
        return np.nan
    weights = rows["area_code"].map(population)
    if weights.isna().any() or weights.sum() <= 0:
        logger.warning("no population for some districts; using a plain mean")
        return float(rows["value"].mean())
    return float(np.average(rows["value"], weights=weights))


def indicator_changes(
    bundle: Bundle, indicator_id: str, fiscal_year: int
) -> pd.DataFrame:
    """Per area: value, change since the previous year and since the baseline.

    Columns ``area_code``, ``value``, ``previous_value``, ``change_previous``,
    ``baseline_value``, ``change_baseline`` (differences in the indicator's
    unit: points for rates) and ``change_previous_pct``/``change_baseline_pct``
    (relative change in percent, NaN when the earlier value is zero or missing).
    The baseline is ``POLICY_BASELINE_YEAR``; for that year itself the change
    since the baseline is zero. Computed once per bundle, indicator and year.
    """
    key = f"changes-{indicator_id}-{int(fiscal_year)}"
    changes = memoised(bundle, key, lambda b: _changes(b, indicator_id, fiscal_year))
    return changes.copy()


def _changes(bundle: Bundle, indicator_id: str, fiscal_year: int) -> pd.DataFrame:
    """Compute the frame of :func:`indicator_changes`."""
    level = str(indicator_info(bundle, indicator_id)["level"])
    frame = areas(bundle, level)[["area_code"]]
    frame["value"] = _year_values(bundle, indicator_id, level, fiscal_year, frame)
    frame["previous_value"] = _year_values(
        bundle, indicator_id, level, fiscal_year - 1, frame
    )
    baseline = POLICY_BASELINE_YEAR if fiscal_year >= POLICY_BASELINE_YEAR else None
    frame["baseline_value"] = (
        _year_values(bundle, indicator_id, level, baseline, frame)
        if baseline is not None
        else np.nan
    )

    for name, earlier in (
        ("previous", "previous_value"),
        ("baseline", "baseline_value"),
    ):
        frame[f"change_{name}"] = frame["value"] - frame[earlier]
        base = frame[earlier].where(frame[earlier] != 0)
        frame[f"change_{name}_pct"] = frame[f"change_{name}"] / base * 100.0
    return frame


def _year_values(
    bundle: Bundle, indicator_id: str, level: str, year: int, frame: pd.DataFrame
) -> pd.Series:
    """Values of one year aligned to ``frame['area_code']`` (NaN when missing)."""
    values = area_values(bundle, indicator_id, level, year)
    by_code = values.set_index("area_code")["value"]
    by_code = by_code[~by_code.index.duplicated()]
    return pd.to_numeric(frame["area_code"].map(by_code), errors="coerce")


def indicator_series(bundle: Bundle, indicator_id: str, area_code: str) -> pd.DataFrame:
    """One area's values over the years, with the ward and city averages.

    Columns ``fiscal_year``, ``value``, ``ward_average``, ``city_average``,
    one row per year that has any value of the indicator.
    """
    key = f"series-{indicator_id}"
    by_year = memoised(bundle, key, lambda b: _series_by_year(b, indicator_id))
    values = by_year.get(str(area_code), pd.Series(np.nan, index=by_year.index))
    return pd.DataFrame(
        {
            "fiscal_year": by_year.index.to_numpy(dtype=int),
            "value": values.to_numpy(dtype=float),
            "ward_average": by_year["ward_average"].to_numpy(dtype=float),
            "city_average": by_year["city_average"].to_numpy(dtype=float),
        }
    )


def _series_by_year(bundle: Bundle, indicator_id: str) -> pd.DataFrame:
    """Years (rows) x area codes and the two averages (columns)."""
    rows = {}
    for year in sorted(set(years_of(bundle, indicator_id))):
        table = indicator_table(bundle, indicator_id, year)
        row = dict(zip(table["area_code"], table["value"], strict=True))
        row["ward_average"] = table["ward_average"].iloc[0]
        row["city_average"] = table["city_average"].iloc[0]
        rows[year] = row
    level = str(indicator_info(bundle, indicator_id)["level"])
    columns = [*areas(bundle, level)["area_code"], "ward_average", "city_average"]
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)


def check_district(bundle: Bundle, district_code: str) -> str:
    """Return ``district_code`` if it is a district of the bundle, else raise."""
    codes = bundle.districts["district_code"].astype(str).tolist()
    if str(district_code) not in codes:
        names = bundle.districts["name_ja"].tolist()
        raise UnknownDistrictError(str(district_code), names, where="district")
    return str(district_code)


def district_profile(bundle: Bundle, district_code: str) -> pd.DataFrame:
    """Every indicator of every goal for one district, latest year first.

    One row per catalogue indicator in goal order: ``fiscal_year`` (latest with
    a value), ``value``, ``ward_average``, ``city_average``, ``rank`` and
    ``n_ranked`` (among the districts, or among the wards for ward figures),
    ``change_previous``/``change_baseline``, ``is_ward_figure`` (the value is
    the whole ward's, not the district's), ``sentence`` and ``change_ja``.
    City-only indicators are left out: they say nothing about a district.
    """
    code = check_district(bundle, district_code)
    goals = bundle.goals.set_index("goal_id")
    catalogue = bundle.indicators[bundle.indicators["level"] != "city"]
    catalogue = catalogue.assign(goal_order=catalogue["goal_id"].map(goals["order"]))
    rows = [
        _profile_row(bundle, info, code, goals.loc[info["goal_id"], "title_ja"])
        for _, info in catalogue.sort_values(["goal_order", "order"]).iterrows()
    ]
    return pd.DataFrame(rows)


def _profile_row(bundle: Bundle, info: pd.Series, code: str, goal_ja: str) -> dict:
    """The profile row of one indicator for one district."""
    indicator_id, level = str(info["indicator_id"]), str(info["level"])
    area = code if level == "district" else str(bundle.meta["ward_code"])
    row = {
        "goal_id": info["goal_id"],
        "goal_ja": goal_ja,
        "indicator_id": indicator_id,
        "area_code": area,
        "name_ja": info["name_ja"],
        "unit": info["unit"],
        "level": level,
        "kind": info["kind"],
        "better": info["better"],
        "is_ward_figure": level != "district",
        "small_count": bool(int(info.get("small_count") or 0)),
        "survey_question_ja": info.get("survey_question_ja", ""),
    }
    key = f"profile-{indicator_id}"
    records = memoised(bundle, key, lambda b: _profile_records(b, info))
    empty = {
        "fiscal_year": None,
        "value": np.nan,
        "sentence": f"{info['name_ja']}の値はありません。",
        "change_ja": "",
    }
    return {**row, **records.get(area, empty)}


def _profile_records(bundle: Bundle, info: pd.Series) -> dict[str, dict]:
    """Profile fields of one indicator's latest year for every area, by code."""
    indicator_id = str(info["indicator_id"])
    year = latest_year(bundle, indicator_id)
    if year is None:
        return {}

    table = indicator_table(bundle, indicator_id, year)
    changes = indicator_changes(bundle, indicator_id, year)
    texts = sentences.table_sentences(info, table, bundle.meta)
    n_ranked = int(table["value"].notna().sum())
    merged = table.merge(changes.drop(columns="value"), on="area_code", how="left")
    records = {}
    for record in merged.to_dict(orient="records"):
        code = record["area_code"]
        records[code] = {
            "fiscal_year": year,
            "value": record["value"],
            "ward_average": record["ward_average"],
            "city_average": record["city_average"],
            "rank": record["rank"],
            "n_ranked": n_ranked,
            "change_previous": record["change_previous"],
            "change_baseline": record["change_baseline"],
            "status": record["status"],
            "as_of": record["as_of"],
            "sentence": texts[code],
            "change_ja": _change_text(
                info, year, record["change_previous"], record["change_baseline"]
            ),
        }
    return records


def _change_text(info: pd.Series, year: int, previous: float, baseline: float) -> str:
    """Changes since the previous year and since the baseline, in words."""
    texts = [sentences.change_words(previous, info, f"前年度（{year - 1}年度）")]
    if year - 1 > POLICY_BASELINE_YEAR:
        texts.append(
            sentences.change_words(baseline, info, f"{POLICY_BASELINE_YEAR}年度")
        )
    return "、".join(text for text in texts if text)

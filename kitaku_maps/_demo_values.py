"""Demo and computed indicator values, driven by the catalogue's ``demo_*`` columns.

``demo_method`` says how an indicator's demo values are made:

- ``age_total``: people in ``demo_ages`` (all when empty) x ``demo_factor``;
- ``age_share``: percentage of the population in ``demo_ages``;
- ``per_1000``: ``demo_base`` per 1,000 people in ``demo_ages``, varied per area
  by ``demo_spread`` (log sd) and ``demo_rurality``, changing by ``demo_trend``
  (relative) a year; ``small_count`` indicators are Poisson draws;
- ``level``: ``demo_base`` +- ``demo_spread`` (absolute) per area, plus
  ``demo_trend`` a year, kept within ``demo_min``..``demo_max``;
- ``facility_count``: computed, the real facilities of ``demo_category``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps.bundle import VALUE_COLUMNS, age_groups

DEMO_SOURCE = "kitaku_demo"
COMPUTED_SOURCE = "kitaku_computed"


def stream(seed: int, *keys: str) -> np.random.Generator:
    """A random generator for one named purpose, independent of the others."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


class AreaPopulation:
    """Population by area and fiscal year: districts by age, wards and city."""

    def __init__(self, population: pd.DataFrame, ward_codes, home: str) -> None:
        self.population = population
        self.years = sorted(int(y) for y in population["fiscal_year"].unique())
        self.home = home
        self.ward_codes = sorted(str(code) for code in ward_codes)
        self.authored = catalogue.read_text_table("demo_wards").set_index("ward_code")

    def district(self, ages: str = "") -> pd.DataFrame:
        """District x year table of the population in ``ages`` (all when empty)."""
        chosen = self.population[self.population["age_group"].isin(age_groups(ages))]
        return chosen.pivot_table(
            index="district_code",
            columns="fiscal_year",
            values="population",
            aggfunc="sum",
        ).astype(float)

    def ward_rurality(self) -> pd.Series:
        """The authored rurality (z-score like) of each ward, by ward code."""
        return self.authored["rurality"].astype(float)

    def ward(self) -> pd.DataFrame:
        """Ward x year table of people (home ward = sum of its districts)."""
        rows = {}
        for code in self.ward_codes:
            if code == self.home:
                rows[code] = self.district().sum()
                continue
            row = self.authored.loc[code]
            years = np.array(self.years) - int(row["fiscal_year"])
            growth = (1 + float(row["annual_change"])) ** years
            rows[code] = pd.Series(float(row["population"]) * growth, self.years)
        return pd.DataFrame(rows).T

    def city(self) -> pd.DataFrame:
        """One-row table of the city's people; the code is the wards' ``xxx00``."""
        return self.ward().sum().to_frame(self.ward_codes[0][:3] + "00").T

    def base(self, level: str, ages: str, scope: str) -> pd.DataFrame:
        """Area x year population an indicator of ``level`` is measured against."""
        if level == "district":
            return self.district(ages)
        if level == "city":
            return self.city()
        wards = self.ward()
        return wards.loc[[self.home]] if scope == "home" else wards


def demo_values(
    indicators: pd.DataFrame,
    areas: AreaPopulation,
    profile: pd.DataFrame,
    seed: int,
    config: dict[str, float],
    as_of: str,
) -> pd.DataFrame:
    """Demo values of every indicator with a demo method, for the value years."""
    years = list(range(int(config["first_value_year"]), int(config["last_year"]) + 1))
    rurality = pd.concat(
        [profile.set_index("district_code")["rurality"], areas.ward_rurality()]
    )
    frames = []

    for spec in indicators.itertuples(index=False):
        make = GENERATORS.get(str(spec.demo_method))
        if make is None:
            continue
        rng = stream(seed, spec.indicator_id)
        table = make(spec, areas, rurality, rng, config)[years]
        frames.append(to_rows(spec, table, "demo", as_of, DEMO_SOURCE))
        if has_city_figure(spec, table):
            city = city_figure(table, areas)
            frames.append(
                to_rows(spec._replace(level="city"), city, "demo", as_of, DEMO_SOURCE)
            )

    return pd.concat(frames, ignore_index=True)


def has_city_figure(spec, table: pd.DataFrame) -> bool:
    """Whether a ward-level rate, share or survey of every ward gets a city row.

    The city publishes such figures for itself too (e.g. the citizen survey's
    city-wide result); counts do not need one (the wards' mean stands in).
    """
    return spec.level == "ward" and spec.kind != "count" and len(table) > 1


def city_figure(table: pd.DataFrame, areas: AreaPopulation) -> pd.DataFrame:
    """The city's figure of a ward x year table: the wards' population-weighted mean."""
    people = areas.ward().reindex(index=table.index, columns=table.columns)
    city = (table * people).sum() / people.sum()
    return city.to_frame(areas.city().index[0]).T


def by_age_total(spec, areas, rurality, rng, config) -> pd.DataFrame:
    """People in the indicator's age groups, times its factor."""
    factor = 1.0 if pd.isna(spec.demo_factor) else spec.demo_factor
    return areas.district(text(spec.demo_ages)) * factor


def by_age_share(spec, areas, rurality, rng, config) -> pd.DataFrame:
    """Percentage of the district's people in the indicator's age groups."""
    return 100 * areas.district(text(spec.demo_ages)) / areas.district()


def by_per_1000(spec, areas, rurality, rng, config) -> pd.DataFrame:
    """A count proportional to the people it concerns, varied per area."""
    people = areas.base(spec.level, text(spec.demo_ages), text(spec.demo_scope))
    effect = area_effect(spec, people.index, rurality, rng, log_scale=True)
    steps = np.array(people.columns) - people.columns[0]
    trend = (1 + number(spec.demo_trend)) ** steps
    mean = spec.demo_base * people / 1000 * np.exp(effect)[:, None] * trend

    if spec.small_count == 1:
        return pd.DataFrame(rng.poisson(mean), mean.index, mean.columns)
    noise = np.exp(rng.normal(0, config["year_noise"], mean.shape))
    return mean * noise


def by_level(spec, areas, rurality, rng, config) -> pd.DataFrame:
    """A percentage or rate around its base, varied per area and year."""
    people = areas.base(spec.level, "", text(spec.demo_scope))
    effect = area_effect(spec, people.index, rurality, rng, log_scale=False)
    steps = np.array(people.columns) - people.columns[0]
    trend = number(spec.demo_trend) * steps
    noise = rng.normal(0, number(spec.demo_spread) * config["year_noise"], people.shape)
    level = spec.demo_base + effect[:, None] + trend[None, :] + noise
    low = -np.inf if pd.isna(spec.demo_min) else spec.demo_min
    high = np.inf if pd.isna(spec.demo_max) else spec.demo_max
    return pd.DataFrame(np.clip(level, low, high), people.index, people.columns)


def area_effect(spec, codes, rurality, rng, log_scale: bool) -> np.ndarray:
    """Per-area deviation: random spread plus the rurality term (0 for the city)."""
    effect = number(spec.demo_spread) * rng.normal(size=len(codes))
    known = rurality.reindex(codes).fillna(0.0).to_numpy()
    return effect + number(spec.demo_rurality) * known


GENERATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "age_total": by_age_total,
    "age_share": by_age_share,
    "per_1000": by_per_1000,
    "level": by_level,
}


def computed_values(
    indicators: pd.DataFrame,
    districts: pd.DataFrame,
    facilities: pd.DataFrame,
    sources: pd.DataFrame,
) -> pd.DataFrame:
    """Counts of real (non-demo) facilities per district, status ``computed``.

    The fiscal year is the one of the facility list's latest ``as_of`` date.
    """
    specs = indicators[indicators["demo_method"] == "facility_count"]
    codes = sorted(districts["district_code"].astype(str))
    real = facilities[facilities["status"] != "demo"]
    frames = []

    for spec in specs.itertuples(index=False):
        chosen = real[real["category_id"] == spec.demo_category]
        as_of = latest_date(chosen, sources.loc[COMPUTED_SOURCE, "as_of"])
        counts = chosen["district_code"].astype(str).value_counts()
        table = pd.DataFrame({fiscal_year_of(as_of): counts.reindex(codes).fillna(0)})
        frames.append(to_rows(spec, table, "computed", as_of, COMPUTED_SOURCE))

    return pd.concat(frames, ignore_index=True) if frames else empty_values()


def latest_date(frame: pd.DataFrame, fallback: str) -> str:
    """The latest ``as_of`` date (YYYY-MM-DD) of ``frame``, or ``fallback``."""
    if "as_of" not in frame.columns:
        return fallback
    dates = pd.to_datetime(frame["as_of"], errors="coerce", format="%Y-%m-%d")
    return fallback if dates.isna().all() else dates.max().strftime("%Y-%m-%d")


def fiscal_year_of(date: str) -> int:
    """The fiscal year (April start) a ``YYYY-MM-DD`` date falls in."""
    year, month = int(date[:4]), int(date[5:7])
    return year if month >= 4 else year - 1


def to_rows(spec, table: pd.DataFrame, status: str, as_of: str, source: str):
    """Turn an area x year table into values.csv rows, rounded as catalogued."""
    long = table.rename_axis(index="area_code", columns="fiscal_year").stack()
    long = long.rename("number").reset_index()
    decimals = int(spec.decimals)
    number_ = long["number"].astype(float).clip(lower=0).round(decimals) + 0.0
    return pd.DataFrame(
        {
            "indicator_id": spec.indicator_id,
            "level": spec.level,
            "area_code": long["area_code"].astype(str),
            "fiscal_year": long["fiscal_year"].astype(int),
            "value": [f"{v:.{decimals}f}" for v in number_],
            "missing_reason": "",
            "status": status,
            "as_of": as_of,
            "source_id": source,
        }
    )


def empty_values() -> pd.DataFrame:
    """An empty values table with the contract's columns."""
    return pd.DataFrame({column: [] for column in VALUE_COLUMNS})


def sort_values(values: pd.DataFrame) -> pd.DataFrame:
    """Values in a fixed order: indicator, level, area, year."""
    keys = ["indicator_id", "level", "area_code", "fiscal_year"]
    return values.sort_values(keys).reset_index(drop=True)[list(VALUE_COLUMNS)]


def text(cell) -> str:
    """A catalogue cell as text (missing = empty)."""
    return "" if pd.isna(cell) else str(cell)


def number(cell) -> float:
    """A catalogue cell as a number (missing = 0)."""
    return 0.0 if pd.isna(cell) else float(cell)

"""Demo population by 5-year age group per district: a small cohort model.

Each district starts from the authored age structure (``demo_age_structure.csv``),
tilted older where the district is rural, then ages year by year (survival,
births, migration). Totals are scaled so the districts add up to the home
ward's real population in the target year, and the ward's 65+ share in the
aging target year matches the authored target.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from kitaku_maps import catalogue
from kitaku_maps.bundle import AGE_GROUPS, lower_bound
from kitaku_maps.settings import METRIC_CRS

logger = logging.getLogger(__name__)

#: Calibration rounds for the ward's 65+ share (converges in 3-4).
CALIBRATION_ROUNDS = 6


def district_profile(
    districts: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    rng: np.random.Generator,
    config: dict[str, float],
) -> pd.DataFrame:
    """Per district: population weight, rurality (z-score) and age tilt.

    Areas are measured in EPSG:6670 (km²); rurality is minus the z-score of the
    log density of town points, so sparse districts are rural.
    """
    frame = pd.DataFrame({"district_code": districts["district_code"].astype(str)})
    frame["area_km2"] = districts.to_crs(METRIC_CRS).area.to_numpy() / 1e6
    counts = towns["district_code"].astype(str).value_counts()
    frame["towns"] = frame["district_code"].map(counts).fillna(0).clip(lower=1)
    frame = frame.sort_values("district_code").reset_index(drop=True)

    density = np.log(frame["towns"] / frame["area_km2"].clip(lower=0.01))
    spread = density.std(ddof=0) or 1.0
    frame["rurality"] = -(density - density.mean()) / spread

    noise = rng.normal(size=(3, len(frame)))
    weight = frame["towns"] * np.exp(config["population_weight_sd"] * noise[0])
    frame["weight"] = weight / weight.sum()
    frame["age_tilt"] = (
        config["rurality_age_tilt"] * frame["rurality"]
        + config["age_tilt_sd"] * noise[1]
    )
    frame["migration"] = (
        config["migration_sd"] * noise[2]
        - config["rurality_migration"] * frame["rurality"]
    )
    return frame


@dataclass(frozen=True)
class AgeModel:
    """Authored age structure and rates, one entry per 5-year group."""

    start_share: np.ndarray
    survival: np.ndarray
    migration_weight: np.ndarray
    fertility_weight: np.ndarray
    old: np.ndarray
    birth_rate: float

    @classmethod
    def from_catalogue(cls, config: dict[str, float]) -> AgeModel:
        """Read ``demo_age_structure.csv`` (rows in AGE_GROUPS order)."""
        table = catalogue.read_text_table("demo_age_structure").set_index("age_group")
        table = table.loc[list(AGE_GROUPS)].astype(float)
        share = table["share_2014"].to_numpy()
        return cls(
            start_share=share / share.sum(),
            survival=table["survival"].to_numpy(),
            migration_weight=table["migration_weight"].to_numpy(),
            fertility_weight=table["fertility_weight"].to_numpy(),
            old=np.array([lower_bound(g) >= 65 for g in AGE_GROUPS]),
            birth_rate=config["birth_rate"],
        )

    def step(self, pop: np.ndarray, migration: np.ndarray) -> np.ndarray:
        """Age ``pop`` (districts x groups) by one year."""
        survivors = pop * self.survival
        moved = survivors / 5
        nxt = survivors - moved
        nxt[:, 1:] += moved[:, :-1]
        nxt[:, -1] += moved[:, -1]
        nxt[:, 0] += self.birth_rate * (pop * self.fertility_weight).sum(axis=1)
        return nxt * (1 + migration[:, None] * self.migration_weight[None, :])


def simulate(
    profile: pd.DataFrame, model: AgeModel, target_total: float, config
) -> pd.DataFrame:
    """Long table district_code, fiscal_year, age_group, population (integers)."""
    years = range(int(config["first_population_year"]), int(config["last_year"]) + 1)
    old_factor = 1.0

    for _ in range(CALIBRATION_ROUNDS):
        series = run_years(profile, model, years, old_factor)
        scaled = scale_to_total(series, profile, years, target_total, config)
        share = old_share(scaled, model, years, config)
        target = config["aging_target_share"] / 100
        old_factor *= (target / (1 - target)) / (share / (1 - share))

    logger.info("demo population: ward 65+ share %.1f %%", 100 * share)
    return to_long(scaled, profile, years)


def run_years(profile, model: AgeModel, years, old_factor: float) -> np.ndarray:
    """Array years x districts x groups of relative population (start total 1)."""
    tilt = np.where(
        model.old[None, :],
        old_factor * np.exp(profile["age_tilt"].to_numpy())[:, None],
        1.0,
    )
    start = model.start_share[None, :] * tilt
    pop = start / start.sum(axis=1, keepdims=True)
    migration = profile["migration"].to_numpy()

    series = [pop]
    for _ in list(years)[1:]:
        pop = model.step(pop, migration)
        series.append(pop)
    return np.stack(series)


def scale_to_total(series, profile, years, target_total, config) -> np.ndarray:
    """Scale each district so the target year's totals are weight x ward total."""
    index = list(years).index(int(config["population_target_year"]))
    totals = series[index].sum(axis=1)
    factor = profile["weight"].to_numpy() * target_total / totals
    return series * factor[None, :, None]


def old_share(series, model: AgeModel, years, config) -> float:
    """The ward's 65+ share in the aging target year (0-1)."""
    year = series[list(years).index(int(config["aging_target_year"]))]
    return float(year[:, model.old].sum() / year.sum())


def to_long(series: np.ndarray, profile: pd.DataFrame, years) -> pd.DataFrame:
    """Round to whole people and return the long population table."""
    index = pd.MultiIndex.from_product(
        [list(years), profile["district_code"], list(AGE_GROUPS)],
        names=["fiscal_year", "district_code", "age_group"],
    )
    counts = np.rint(series).astype(int).reshape(-1)
    return pd.Series(counts, index=index, name="population").reset_index()

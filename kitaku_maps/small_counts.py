"""Small counts (fires, accidents, ...) as rates per 1,000 residents with intervals.

A district with 2 fires one year and 5 the next has not become 2.5 times less
safe: small counts are mostly noise. Rates here come with an exact Poisson
(Garwood) confidence interval, can be pooled over several years (counts and
person-years summed), and are flagged ``unstable`` when the (pooled) count is
below :data:`UNSTABLE_BELOW`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kitaku_maps import karte, settings
from kitaku_maps.bundle import Bundle

#: A (pooled) count below this is flagged as unstable (relative error > ~30 %).
UNSTABLE_BELOW = settings.SMALL_COUNT_UNSTABLE_BELOW

#: Confidence level of the intervals.
CONFIDENCE = 0.95

#: Columns of :func:`rates_per_thousand`, in order.
RATE_COLUMNS = [
    "area_code",
    "name_ja",
    "count",
    "population",
    "years",
    "rate",
    "lower",
    "upper",
    "unstable",
]


def poisson_interval(
    count: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a Poisson mean for each observed count."""
    count = np.asarray(count, dtype=float)
    alpha = 1.0 - confidence
    lower = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lower, upper


def rates_per_thousand(
    bundle: Bundle, indicator_id: str, fiscal_year: int, pool_years: int = 1
) -> pd.DataFrame:
    """Per district: count, residents, rate per 1,000 per year, interval, flag.

    With ``pool_years`` > 1 the counts of ``fiscal_year`` and the years before
    it are summed, and so are the residents of each year (person-years), so
    the rate stays per 1,000 residents per year. ``years`` says how many years
    had a count.
    """
    frame = karte.areas(bundle, "district")
    counts = np.zeros(len(frame))
    person_years = np.zeros(len(frame))
    years = np.zeros(len(frame), dtype=int)
    for year in range(fiscal_year - pool_years + 1, fiscal_year + 1):
        table = karte.indicator_table(bundle, indicator_id, year)
        value = table.set_index("area_code")["value"].reindex(frame["area_code"])
        population = karte.district_population(bundle, year)
        present = value.notna().to_numpy()
        counts += np.where(present, value.fillna(0).to_numpy(), 0.0)
        person_years += np.where(
            present, frame["area_code"].map(population).fillna(0).to_numpy(), 0.0
        )
        years += present

    return _with_rates(frame, counts, person_years, years)


def _with_rates(
    frame: pd.DataFrame,
    counts: np.ndarray,
    person_years: np.ndarray,
    years: np.ndarray,
) -> pd.DataFrame:
    """Add rate, interval and flag columns to ``frame``."""
    frame = frame.copy()
    frame["count"] = np.where(years > 0, counts, np.nan)
    frame["population"] = np.where(years > 0, person_years, np.nan)
    frame["years"] = years
    safe = np.where(person_years > 0, person_years, np.nan)
    lower, upper = poisson_interval(counts)

    frame["rate"] = frame["count"] / safe * 1000.0
    frame["lower"] = lower / safe * 1000.0
    frame["upper"] = upper / safe * 1000.0
    frame["lower"] = frame["lower"].where(frame["count"].notna())
    frame["upper"] = frame["upper"].where(frame["count"].notna())
    frame["unstable"] = frame["count"].notna() & (frame["count"] < UNSTABLE_BELOW)
    return frame[RATE_COLUMNS]

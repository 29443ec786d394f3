"""The goals and indicator catalogue, authored as CSV in ``catalogue_data/``.

The authored files may hold extra columns (``demo_*``: parameters of the
demonstration values); :func:`write_catalogue` writes only the columns of the
bundle contract (``docs/DATASET.md``), byte for byte as authored.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from kitaku_maps.bundle import SYMBOLS

logger = logging.getLogger(__name__)

#: The authored catalogue files, shipped with the package.
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue_data"

#: Columns of each catalogue file in a bundle, in order (docs/DATASET.md).
BUNDLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "goals": ("goal_id", "order", "title_ja", "title_en", "aim_ja"),
    "indicators": (
        "indicator_id",
        "goal_id",
        "order",
        "name_ja",
        "name_en",
        "unit",
        "level",
        "kind",
        "better",
        "default_scheme",
        "decimals",
        "small_count",
        "per_population",
        "weight_ages",
        "score_group",
        "definition_ja",
        "survey_question_ja",
        "source_id",
        "requested_by_council",
        "to_be_dropped",
        "featured",
        "notes",
    ),
    "categories": ("category_id", "order", "name_ja", "name_en", "symbol", "color"),
    "hazards": ("hazard_id", "order", "name_ja", "name_en", "column"),
}

#: Allowed values of the catalogue's enumerated columns.
ALLOWED = {
    "level": ("district", "ward", "city"),
    "kind": ("count", "rate", "share", "survey"),
    "better": ("higher", "lower", "neutral"),
    "default_scheme": ("natural_breaks", "quantiles", "equal_interval"),
    "symbol": SYMBOLS,
}

#: Numeric columns of ``indicators.csv`` (the ``demo_*`` ones are authored only).
INDICATOR_NUMBERS = (
    "order",
    "decimals",
    "small_count",
    "per_population",
    "requested_by_council",
    "to_be_dropped",
    "featured",
    "demo_factor",
    "demo_base",
    "demo_spread",
    "demo_trend",
    "demo_min",
    "demo_max",
    "demo_rurality",
)


def read_text_table(name: str, folder: Path = CATALOGUE_DIR) -> pd.DataFrame:
    """Read ``<name>.csv`` with every cell as text (empty cell = ``""``)."""
    return pd.read_csv(
        folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )


def goals() -> pd.DataFrame:
    """The seven goals, with the authored demo templates."""
    frame = read_text_table("goals")
    frame["order"] = frame["order"].astype(int)
    return frame


def indicators() -> pd.DataFrame:
    """The indicator catalogue with numbers parsed (empty number = NaN)."""
    return parse_indicator_numbers(read_text_table("indicators"))


def parse_indicator_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its known numeric columns as numbers."""
    frame = frame.copy()
    for column in INDICATOR_NUMBERS:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column].replace("", None))
    return frame


def categories() -> pd.DataFrame:
    """The facility categories, with the authored sample-entry templates."""
    frame = read_text_table("categories")
    frame["order"] = frame["order"].astype(int)
    frame["demo_count"] = frame["demo_count"].replace("", "0").astype(int)
    return frame


def hazards() -> pd.DataFrame:
    """The hazard types and their facility columns."""
    return read_text_table("hazards")


def sources() -> pd.DataFrame:
    """The catalogue's source rows: demo, computed and indicator sources."""
    return read_text_table("sources")


def published_values() -> pd.DataFrame:
    """Real published figures kept in the catalogue (``values.csv`` rows).

    For example the city's aging rate from the census, shown as the city
    average next to demonstration district values.
    """
    return read_text_table("published_values")


def demo_settings() -> dict[str, float]:
    """The scalar parameters of the demonstration values, by key."""
    frame = read_text_table("demo_settings")
    return {row.key: float(row.value) for row in frame.itertuples()}


def write_catalogue(out_dir: Path) -> None:
    """Write goals, indicators, categories and hazards CSVs into a bundle folder.

    Cells are copied as authored (text), so the bytes are deterministic.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    for name, columns in BUNDLE_COLUMNS.items():
        frame = read_text_table(name)[list(columns)]
        frame.to_csv(
            out_dir / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n"
        )
        logger.info("wrote %s.csv: %d rows", name, len(frame))
